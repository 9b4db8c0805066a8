/**
 * The OpenSSL ChaCha20-Poly1305 that lean nodes seal Noise messages with: the
 * RFC 8439 vector, and the same bytes and refusals as the JavaScript one, which
 * optimized nodes use, so two nodes of either kind talk to each other.
 */
import { describe, expect, it } from 'vitest'
import { fromHex, toHex, utf8 } from '../../../src/core/bytes.js'
import { chacha20Poly1305Open, chacha20Poly1305Seal } from '../../../src/crypto/chacha20Poly1305.js'
import { openSslOpen, openSslSeal } from '../../../src/crypto/chacha20Poly1305OpenSsl.js'
import { InvalidKeyError } from '../../../src/crypto/errors.js'
import { withoutOptimizingCompiler } from '../../../src/node/transport/tuning/noiseAead.js'

// RFC 8439 section 2.8.2, "Example and Test Vector for AEAD_CHACHA20_POLY1305"
const RFC_KEY = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i)
const RFC_NONCE = fromHex('070000004041424344454647')
const RFC_AAD = fromHex('50515253c0c1c2c3c4c5c6c7')
const RFC_PLAINTEXT = utf8(
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
)
const RFC_SEALED =
  'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905' +
  'd6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116' +
  '1ae10b594f09e26a7e902ecbd0600691'

const pattern = (length: number, seed: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (seed * 131 + i * 29 + ((i * i) >> 3)) & 0xff)

describe('ChaCha20-Poly1305 through OpenSSL', () => {
  it('seals and opens the RFC 8439 2.8.2 vector', () => {
    expect(toHex(openSslSeal(RFC_KEY, RFC_NONCE, RFC_PLAINTEXT, RFC_AAD))).toBe(RFC_SEALED)
    expect(toHex(openSslOpen(RFC_KEY, RFC_NONCE, fromHex(RFC_SEALED), RFC_AAD)!)).toBe(toHex(RFC_PLAINTEXT))
  })

  it('seals to the same bytes as the JavaScript one, and each opens the other', () => {
    for (const [n, length] of [0, 1, 15, 16, 17, 63, 64, 65, 100, 500, 1199, 1200, 3000].entries()) {
      const key = pattern(32, n),
        nonce = pattern(12, n + 40),
        aad = pattern(n % 4 === 0 ? 0 : n * 3, n + 80),
        plaintext = pattern(length, n + 120)
      const a = openSslSeal(key, nonce, plaintext, aad)
      const b = chacha20Poly1305Seal(key, nonce, plaintext, aad)
      expect(toHex(a), `length ${length}`).toBe(toHex(b))
      expect(toHex(openSslOpen(key, nonce, b, aad)!)).toBe(toHex(plaintext))
      expect(toHex(chacha20Poly1305Open(key, nonce, a, aad)!)).toBe(toHex(plaintext))
    }
  })

  it('refuses a changed ciphertext, tag or aad, and a message shorter than a tag, writing nothing to a buffer', () => {
    const key = pattern(32, 1),
      nonce = pattern(12, 2),
      aad = pattern(5, 3),
      plaintext = pattern(200, 4)
    const sealed = openSslSeal(key, nonce, plaintext, aad)
    for (const at of [0, 199, 200, 215]) {
      const changed = sealed.slice()
      changed[at]! ^= 1
      const into = changed.subarray(0, 200)
      const before = toHex(into)
      expect(openSslOpen(key, nonce, changed, aad, into), `byte ${at}`).toBeUndefined()
      expect(toHex(into)).toBe(before)
    }
    expect(openSslOpen(key, nonce, sealed, pattern(5, 9))).toBeUndefined()
    expect(openSslOpen(key, nonce, sealed.subarray(0, 15), aad)).toBeUndefined()
  })

  it('opens into the ciphertext bytes when given them', () => {
    const key = pattern(32, 5),
      nonce = pattern(12, 6),
      plaintext = pattern(300, 7)
    const sealed = openSslSeal(key, nonce, plaintext).slice()
    const into = sealed.subarray(0, 300)
    expect(openSslOpen(key, nonce, sealed, new Uint8Array(0), into)).toBe(into)
    expect(toHex(into)).toBe(toHex(plaintext))
  })

  it('rejects a key or nonce of the wrong length as the JavaScript one does', () => {
    expect(() => openSslSeal(pattern(31, 1), pattern(12, 2), pattern(10, 3))).toThrow(InvalidKeyError)
    expect(() => openSslOpen(pattern(32, 1), pattern(8, 2), pattern(30, 3))).toThrow(InvalidKeyError)
  })
})

describe('which ChaCha20-Poly1305 Noise uses', () => {
  it('is OpenSSL when V8 runs without its optimizing compiler, from the command line or NODE_OPTIONS', () => {
    expect(withoutOptimizingCompiler(['--no-opt', '--max-semi-space-size=1'], '')).toBe(true)
    expect(withoutOptimizingCompiler([], '--jitless')).toBe(true)
    expect(withoutOptimizingCompiler(['--max-semi-space-size=1'], '--max-old-space-size=512')).toBe(false)
    expect(withoutOptimizingCompiler([], '')).toBe(false)
  })
})
