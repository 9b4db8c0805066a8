import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../src/core/bytes.js'
import {
  deriveRevocationPrivateKey,
  deriveRevocationPublicKey,
  derivePrivateKey,
  derivePublicKey,
} from '../../../src/crypto/keyDerivation.js'
import { publicKeyOf } from '../../../src/crypto/secp256k1.js'
import vectors from '../../fixtures/bolt03-key-derivation.json' with { type: 'json' }

// Source: BOLT #3, Appendix E (copied into test/fixtures with its source line).
const v = vectors.inputs
const e = vectors.expected

describe('BOLT #3 key derivation (Appendix E vectors)', () => {
  it('base point and per-commitment point come from their secrets', () => {
    expect(toHex(publicKeyOf(fromHex(v.base_secret)))).toBe(v.base_point)
    expect(toHex(publicKeyOf(fromHex(v.per_commitment_secret)))).toBe(v.per_commitment_point)
  })

  it('derives localpubkey and its private key', () => {
    expect(toHex(derivePublicKey(fromHex(v.base_point), fromHex(v.per_commitment_point)))).toBe(e.localpubkey)
    const priv = derivePrivateKey(fromHex(v.base_secret), fromHex(v.per_commitment_point))
    expect(toHex(priv)).toBe(e.localprivkey)
    expect(toHex(publicKeyOf(priv))).toBe(e.localpubkey)
  })

  it('derives revocationpubkey and, once the secret is revealed, its private key', () => {
    expect(toHex(deriveRevocationPublicKey(fromHex(v.base_point), fromHex(v.per_commitment_point)))).toBe(
      e.revocationpubkey,
    )
    const priv = deriveRevocationPrivateKey(fromHex(v.base_secret), fromHex(v.per_commitment_secret))
    expect(toHex(priv)).toBe(e.revocationprivkey)
    expect(toHex(publicKeyOf(priv))).toBe(e.revocationpubkey)
  })

  it('derives the same revocationpubkey from either secret, a generator multiplication replacing one product', () => {
    const [basepoint, point] = [fromHex(v.base_point), fromHex(v.per_commitment_point)]
    expect(
      toHex(deriveRevocationPublicKey(basepoint, point, { revocationBasepointSecret: fromHex(v.base_secret) })),
    ).toBe(e.revocationpubkey)
    expect(
      toHex(deriveRevocationPublicKey(basepoint, point, { perCommitmentSecret: fromHex(v.per_commitment_secret) })),
    ).toBe(e.revocationpubkey)
  })
})
