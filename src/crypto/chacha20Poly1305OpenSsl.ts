/**
 * ChaCha20-Poly1305 (RFC 8439) through Node's OpenSSL, with the same interface
 * and results as the JavaScript one in chacha20Poly1305.ts. Optimized by V8, the
 * JavaScript is faster on short messages, as OpenSSL makes a cipher object per
 * message; interpreted, in a process started without the optimizing compiler, it
 * is several times slower than OpenSSL, and more so the longer the message: such
 * a process seals and opens here.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto'
import { TAG_BYTES, checkKeyAndNonce } from './chacha20Poly1305.js'

/** Encrypts and authenticates: the ciphertext followed by its 16-byte tag. */
export function openSslSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = new Uint8Array(0),
): Uint8Array {
  checkKeyAndNonce(key, nonce)
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES })
  cipher.setAAD(aad, { plaintextLength: plaintext.length })
  const sealed = new Uint8Array(plaintext.length + TAG_BYTES)
  sealed.set(cipher.update(plaintext))
  cipher.final()
  sealed.set(cipher.getAuthTag(), plaintext.length)
  return sealed
}

/**
 * Checks the tag and decrypts; undefined when `sealed` is not what this key,
 * nonce and aad sealed. The plaintext goes to `into` when given (it may be the
 * ciphertext's own bytes).
 */
export function openSslOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = new Uint8Array(0),
  into?: Uint8Array,
): Uint8Array | undefined {
  checkKeyAndNonce(key, nonce)
  if (sealed.length < TAG_BYTES) return undefined
  const ctLength = sealed.length - TAG_BYTES
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES })
  decipher.setAAD(aad, { plaintextLength: ctLength })
  decipher.setAuthTag(sealed.subarray(ctLength))
  const decrypted = decipher.update(sealed.subarray(0, ctLength))
  try {
    decipher.final()
  } catch {
    return undefined
  }
  const plaintext = into?.length === ctLength ? into : new Uint8Array(ctLength)
  plaintext.set(decrypted)
  return plaintext
}
