/**
 * The bundle gives @chainsafe/libp2p-noise's crypto module lnsim's
 * ChaCha20-Poly1305 in place of its two WebAssembly modules. Here that module
 * is bundled with the replacement, as dist/lnsim.mjs is, and compared with the
 * original: the same ciphertexts on both sides of Noise's 1,200-byte switch to
 * OpenSSL, each opening the other's, and the same refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultCrypto as original } from '@chainsafe/libp2p-noise/crypto'
import { noiseWithoutWebAssembly } from '../../../scripts/bundle.js'
import { bundleForTest, removeTestBundles } from '../../helpers/bundle.js'
import { toHex } from '../../../src/core/bytes.js'

type NoiseCrypto = typeof original
let replaced: NoiseCrypto
let bundleText: string

beforeAll(async () => {
  const plugin = noiseWithoutWebAssembly()
  const bundled = await bundleForTest<{ defaultCrypto: NoiseCrypto }>(
    'noise-crypto',
    { contents: "export { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'" },
    [plugin.plugin],
  )
  expect(plugin.replaced()).toBe(2) // as-chacha20poly1305 and as-sha256
  replaced = bundled.module.defaultCrypto
  bundleText = bundled.text
})

afterAll(removeTestBundles)

const bytes = (length: number, seed: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (seed * 97 + i * 13) & 0xff)
const flat = (data: { subarray(): Uint8Array }): Uint8Array => data.subarray()

describe('Noise crypto without WebAssembly', () => {
  it('the bundle carries no WebAssembly', () => {
    expect(bundleText).not.toMatch(/WebAssembly/)
    expect(bundleText).toMatch(/transport\/tuning\/noiseAead\.ts/)
  })

  it('seals to the same bytes, below and above the switch to OpenSSL, and each opens the other', () => {
    for (const [n, length] of [0, 1, 15, 16, 17, 100, 500, 1199, 1200, 3000].entries()) {
      const key = bytes(32, n),
        nonce = bytes(12, n + 50),
        ad = bytes(n * 3, n + 100),
        plaintext = bytes(length, n + 150)
      const a = flat(original.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key))
      const b = flat(replaced.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key))
      expect(toHex(b), `length ${length}`).toBe(toHex(a))
      expect(toHex(flat(replaced.chaCha20Poly1305Decrypt(a, nonce, ad, key)))).toBe(toHex(plaintext))
      expect(toHex(flat(original.chaCha20Poly1305Decrypt(b, nonce, ad, key)))).toBe(toHex(plaintext))
    }
  })

  it('opens into the ciphertext bytes when Noise passes them', () => {
    const key = bytes(32, 1),
      nonce = bytes(12, 2),
      plaintext = bytes(300, 3)
    const sealed = flat(replaced.chaCha20Poly1305Encrypt(plaintext, nonce, new Uint8Array(0), key)).slice()
    const dst = sealed.subarray(0, 300)
    expect(toHex(flat(replaced.chaCha20Poly1305Decrypt(sealed, nonce, new Uint8Array(0), key, dst)))).toBe(
      toHex(plaintext),
    )
    expect(toHex(dst)).toBe(toHex(plaintext))
  })

  it('refuses a changed message as the original does', () => {
    const key = bytes(32, 4),
      nonce = bytes(12, 5),
      plaintext = bytes(200, 6)
    const sealed = flat(replaced.chaCha20Poly1305Encrypt(plaintext, nonce, new Uint8Array(0), key)).slice()
    sealed[10]! ^= 1
    expect(() => original.chaCha20Poly1305Decrypt(sealed.slice(), nonce, new Uint8Array(0), key)).toThrow()
    expect(() => replaced.chaCha20Poly1305Decrypt(sealed.slice(), nonce, new Uint8Array(0), key)).toThrow()
  })

  it('hashes the same', () => {
    for (const length of [0, 32, 1000])
      expect(toHex(flat(replaced.hashSHA256(bytes(length, 7))))).toBe(
        toHex(flat(original.hashSHA256(bytes(length, 7)))),
      )
  })
})
