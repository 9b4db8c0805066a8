import { chacha20 as nobleChacha20 } from '@noble/ciphers/chacha.js'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../src/core/bytes.js'
import { chacha20Stream, chacha20Xor } from '../../../src/crypto/chacha20.js'
import { InvalidKeyError } from '../../../src/crypto/errors.js'

// RFC 8439 Appendix A.1, ChaCha20 block function test vectors #1 and #2:
// all-zero key, all-zero nonce, block counters 0 and 1.
const A1_BLOCK0 =
  '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc3' +
  '87b669b2ee6586'
const A1_BLOCK1 =
  '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed29b721769ce64e43d57133b074d839d531ed1f28510afb45ac' +
  'e10a1f4b794d6f'

describe('ChaCha20 keystream with the zero nonce (BOLT #4)', () => {
  it('matches RFC 8439 A.1 vectors #1 and #2 across the block boundary', () => {
    expect(toHex(chacha20Stream(new Uint8Array(32), 128))).toBe(A1_BLOCK0 + A1_BLOCK1)
  })

  it('a shorter stream is a prefix of a longer one', () => {
    const key = fromHex('11'.repeat(32))
    expect(chacha20Stream(key, 1300)).toEqual(chacha20Stream(key, 2600).subarray(0, 1300))
  })

  it('xor with the stream encrypts, and xor again decrypts', () => {
    const key = fromHex('22'.repeat(32))
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)
    const sealed = chacha20Xor(key, data)
    expect(sealed).not.toEqual(data)
    expect(chacha20Xor(key, sealed)).toEqual(data)
    expect(data[1]).toBe(1) // the input is left as it was
  })

  it('gives what @noble/ciphers gives, for keys and lengths across block boundaries', () => {
    for (let i = 0; i < 40; i++) {
      const key = Uint8Array.from({ length: 32 }, (_, j) => (i * 31 + j * 7) & 0xff)
      const data = Uint8Array.from({ length: i * 67 }, (_, j) => (i + j * 13) & 0xff)
      expect(toHex(chacha20Xor(key, data))).toBe(toHex(nobleChacha20(key, new Uint8Array(12), data)))
    }
  })

  it('refuses a key that is not 32 bytes', () => {
    expect(() => chacha20Stream(new Uint8Array(31), 10)).toThrow(InvalidKeyError)
  })
})
