import { createCipheriv } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex, utf8 } from '../../../src/core/bytes.js'
import { chacha20Poly1305Open, chacha20Poly1305Seal, poly1305Padded } from '../../../src/crypto/chacha20Poly1305.js'
import { InvalidKeyError } from '../../../src/crypto/errors.js'

// RFC 8439 section 2.8.2, "Example and Test Vector for AEAD_CHACHA20_POLY1305"
const RFC_KEY = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i)
const RFC_NONCE = fromHex('070000004041424344454647')
const RFC_AAD = fromHex('50515253c0c1c2c3c4c5c6c7')
const RFC_PLAINTEXT = utf8(
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
)
const RFC_CIPHERTEXT =
  'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905' +
  'd6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116'
const RFC_TAG = '1ae10b594f09e26a7e902ecbd0600691'

/** A deterministic byte pattern, so a failure names its inputs. */
const pattern = (length: number, seed: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (seed * 131 + i * 29 + ((i * i) >> 3)) & 0xff)

/** OpenSSL's ChaCha20-Poly1305 through node:crypto: the reference. */
function opensslSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): string {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
  cipher.setAAD(aad, { plaintextLength: plaintext.length })
  return toHex(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]))
}

/** Poly1305 in BigInt, straight from RFC 8439 section 2.5.1, over whole blocks. */
function referencePoly1305(key: Uint8Array, data: Uint8Array): string {
  const le = (b: Uint8Array): bigint => BigInt('0x' + (toHex(Uint8Array.from(b).reverse()) || '0'))
  const p = (1n << 130n) - 5n
  const r = le(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn
  const s = le(key.subarray(16, 32))
  let acc = 0n
  for (let at = 0; at < data.length; at += 16) acc = ((acc + le(data.subarray(at, at + 16)) + (1n << 128n)) * r) % p
  const tag = (acc + s) & ((1n << 128n) - 1n)
  return toHex(Uint8Array.from(fromHex(tag.toString(16).padStart(32, '0'))).reverse())
}

describe('ChaCha20-Poly1305 (RFC 8439)', () => {
  it('seals the RFC 8439 2.8.2 vector', () => {
    const sealed = chacha20Poly1305Seal(RFC_KEY, RFC_NONCE, RFC_PLAINTEXT, RFC_AAD)
    expect(toHex(sealed)).toBe(RFC_CIPHERTEXT + RFC_TAG)
    expect(chacha20Poly1305Open(RFC_KEY, RFC_NONCE, sealed, RFC_AAD)).toEqual(RFC_PLAINTEXT)
  })

  it('gives what OpenSSL gives, for lengths across block boundaries and every aad length to 40', () => {
    const lengths = [...Array.from({ length: 200 }, (_, i) => i), 255, 256, 257, 1023, 1199, 1200, 4096, 5000]
    for (const [n, length] of lengths.entries()) {
      const key = pattern(32, n),
        nonce = pattern(12, n + 1000),
        plaintext = pattern(length, n + 2000),
        aad = pattern(n % 41, n + 3000)
      const sealed = chacha20Poly1305Seal(key, nonce, plaintext, aad)
      expect(toHex(sealed), `length ${length}, aad ${aad.length}`).toBe(opensslSeal(key, nonce, plaintext, aad))
      expect(chacha20Poly1305Open(key, nonce, sealed, aad), `length ${length}`).toEqual(plaintext)
    }
  })

  it('gives what OpenSSL gives when every byte is 0xff, where the last reduction is most often needed', () => {
    for (let n = 0; n < 64; n++) {
      const key = new Uint8Array(32).fill(0xff),
        nonce = pattern(12, n),
        plaintext = new Uint8Array(n * 7).fill(0xff),
        aad = new Uint8Array(n % 33).fill(0xff)
      expect(toHex(chacha20Poly1305Seal(key, nonce, plaintext, aad))).toBe(opensslSeal(key, nonce, plaintext, aad))
    }
  })

  it('Poly1305 matches a BigInt reference, including sums at and just past 2^130 - 5', () => {
    // RFC 8439 A.3 #6: r = 2, s = 0, one block of 0xff: the accumulator is 2^130 - 2, which reduces to 3
    const r2 = new Uint8Array(32)
    r2[0] = 2
    expect(toHex(poly1305Padded(r2, new Uint8Array(16).fill(0xff)))).toBe('03' + '00'.repeat(15))
    const keys = [
      r2,
      new Uint8Array(32).fill(0xff),
      Uint8Array.from([1, ...new Array<number>(31).fill(0)]),
      ...Array.from({ length: 20 }, (_, i) => pattern(32, i)),
    ]
    const messages = [
      new Uint8Array(0),
      new Uint8Array(16).fill(0xff),
      new Uint8Array(160).fill(0xff),
      new Uint8Array(48),
      ...Array.from({ length: 10 }, (_, i) => pattern(16 * (i + 1), i)),
    ]
    for (const [k, key] of keys.entries()) {
      for (const [m, message] of messages.entries())
        expect(toHex(poly1305Padded(key, message)), `key ${k}, message ${m}`).toBe(referencePoly1305(key, message))
    }
  })

  it('refuses a changed ciphertext, tag or aad, or a sealed message shorter than a tag', () => {
    const sealed = chacha20Poly1305Seal(RFC_KEY, RFC_NONCE, RFC_PLAINTEXT, RFC_AAD)
    for (const at of [0, 50, sealed.length - 16, sealed.length - 1]) {
      const changed = sealed.slice()
      changed[at]! ^= 1
      expect(chacha20Poly1305Open(RFC_KEY, RFC_NONCE, changed, RFC_AAD), `byte ${at}`).toBeUndefined()
    }
    expect(chacha20Poly1305Open(RFC_KEY, RFC_NONCE, sealed, RFC_AAD.subarray(1))).toBeUndefined()
    expect(chacha20Poly1305Open(RFC_KEY, RFC_NONCE, sealed.subarray(0, 15), RFC_AAD)).toBeUndefined()
  })

  it('opens in place, into the ciphertext bytes, as Noise asks', () => {
    const sealed = chacha20Poly1305Seal(RFC_KEY, RFC_NONCE, RFC_PLAINTEXT, RFC_AAD)
    const into = sealed.subarray(0, sealed.length - 16)
    const opened = chacha20Poly1305Open(RFC_KEY, RFC_NONCE, sealed, RFC_AAD, into)
    expect(opened).toBe(into)
    expect(opened).toEqual(RFC_PLAINTEXT)
  })

  it('refuses keys and nonces of the wrong length', () => {
    expect(() => chacha20Poly1305Seal(new Uint8Array(31), RFC_NONCE, RFC_PLAINTEXT)).toThrow(InvalidKeyError)
    expect(() => chacha20Poly1305Seal(RFC_KEY, new Uint8Array(8), RFC_PLAINTEXT)).toThrow(InvalidKeyError)
    expect(() => chacha20Poly1305Open(RFC_KEY, new Uint8Array(13), new Uint8Array(16))).toThrow(InvalidKeyError)
    expect(() => poly1305Padded(new Uint8Array(16), new Uint8Array(16))).toThrow(InvalidKeyError)
  })
})
