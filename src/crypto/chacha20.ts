/**
 * The ChaCha20 keystream of RFC 8439 with the all-zero 96-bit nonce, as BOLT #4
 * uses it ("Pseudo Random Byte Stream"): every key is derived from a fresh
 * shared secret and used once, so the fixed nonce is safe.
 */
import { chacha20 } from '@noble/ciphers/chacha.js'
import { InvalidKeyError } from './errors.js'

const ZERO_NONCE = new Uint8Array(12)

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new InvalidKeyError(`a ChaCha20 key is 32 bytes, got ${key.length}`)
}

/** `length` bytes of keystream: the encryption of that many zero bytes, from block counter 0. */
export function chacha20Stream(key: Uint8Array, length: number): Uint8Array {
  checkKey(key)
  return chacha20(key, ZERO_NONCE, new Uint8Array(length))
}

/** data XOR keystream, in a new array (encryption and decryption are the same operation). */
export function chacha20Xor(key: Uint8Array, data: Uint8Array): Uint8Array {
  checkKey(key)
  return chacha20(key, ZERO_NONCE, data)
}
