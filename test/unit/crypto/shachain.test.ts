import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../src/core/bytes.js'
import {
  perCommitmentSecret,
  ShachainStore,
  ShachainError,
  shachainIndex,
  SHACHAIN_FIRST_INDEX,
} from '../../../src/crypto/shachain.js'
import vectors from '../../fixtures/bolt03-shachain.json' with { type: 'json' }

// Source: BOLT #3, Appendix D (copied into test/fixtures with its source line).

describe('BOLT #3 per-commitment secret generation', () => {
  for (const g of vectors.generation) {
    it(g.name, () => {
      expect(toHex(perCommitmentSecret(fromHex(g.seed), BigInt(g.index)))).toBe(g.secret)
    })
  }
})

/** generate_from_seed as BOLT #3 writes it, a bit at a time from bit 47: the reference for the cached derivation. */
function generateFromSeed(seed: Uint8Array, index: bigint): string {
  const p = new Uint8Array(seed)
  for (let b = 47; b >= 0; b--) {
    if ((index >> BigInt(b)) & 1n) {
      p[b >> 3]! ^= 1 << (b & 7)
      p.set(createHash('sha256').update(p).digest())
    }
  }
  return toHex(p)
}

describe('per-commitment secrets from the cache of upper bits', () => {
  it('match generate_from_seed across 2^16 boundaries, for consecutive and scattered indexes', () => {
    const seeds = [fromHex('01'.repeat(32)), fromHex('fe'.repeat(32))]
    const indexes = [
      SHACHAIN_FIRST_INDEX,
      SHACHAIN_FIRST_INDEX - 1n,
      0n,
      1n,
      65535n,
      65536n,
      65537n,
      2n ** 32n - 1n,
      2n ** 32n,
      2n ** 47n,
      0x123456789abcn,
    ]
    for (let n = 65530n; n < 65540n; n++) indexes.push(shachainIndex(n))
    for (const seed of seeds)
      for (const i of indexes) expect(toHex(perCommitmentSecret(seed, i))).toBe(generateFromSeed(seed, i))
  })
})

describe('BOLT #3 per-commitment secret storage', () => {
  for (const s of vectors.storage) {
    it(s.name, () => {
      const store = new ShachainStore()
      for (const step of s.steps) {
        const insert = () => store.insert(BigInt(step.index), fromHex(step.secret))
        if (step.expect === 'OK') {
          insert()
          // every secret stored so far stays derivable from the compact store
          expect(toHex(store.lookup(BigInt(step.index))!)).toBe(step.secret)
        } else {
          expect(insert).toThrow(ShachainError)
        }
      }
    })
  }

  it('keeps at most 49 entries yet answers for every secret inserted, and survives JSON', () => {
    const seed = fromHex('11'.repeat(32))
    const store = new ShachainStore()
    for (let n = 0n; n < 1000n; n++) store.insert(shachainIndex(n), perCommitmentSecret(seed, shachainIndex(n)))
    const restored = ShachainStore.fromJSON(JSON.parse(JSON.stringify(store)))
    expect(restored.toJSON().known.length).toBe(49)
    for (const n of [0n, 1n, 500n, 998n, 999n]) {
      expect(toHex(restored.lookup(shachainIndex(n))!)).toBe(toHex(perCommitmentSecret(seed, shachainIndex(n))))
    }
    expect(restored.lookup(shachainIndex(1000n))).toBeUndefined()
    restored.insert(shachainIndex(1000n), perCommitmentSecret(seed, shachainIndex(1000n)))
    expect(restored.lookup(SHACHAIN_FIRST_INDEX - 1000n)).toBeDefined()
  })

  it('rejects a secret out of order', () => {
    const seed = fromHex('22'.repeat(32))
    const store = new ShachainStore()
    store.insert(shachainIndex(0n), perCommitmentSecret(seed, shachainIndex(0n)))
    expect(() => store.insert(shachainIndex(2n), perCommitmentSecret(seed, shachainIndex(2n)))).toThrow(/in order/)
  })
})
