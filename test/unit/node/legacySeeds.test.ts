/**
 * A node upgraded in place reads channel states written before channels had a
 * signer, when each kept its keys' seed: every seed becomes the keys id that
 * names it, and the channel goes on paying with the same keys.
 */
import { describe, expect, it } from 'vitest'
import { fromHex } from '../../../src/core/bytes.js'
import { SeededRng } from '../../../src/core/rng.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import { withoutLegacySeeds } from '../../../src/node/channels/legacySeeds.js'
import { balances, newPayment, openPair, pay } from '../channel/harness.js'

/** The state as an older lnsim wrote it: `seed` bytes where the keys id is now. */
function asWrittenBefore(value: unknown): never {
  if (Array.isArray(value)) return value.map(asWrittenBefore) as never
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value as never
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    if (k === 'keysId' && typeof v === 'string') out.seed = fromHex(v)
    else out[k] = asWrittenBefore(v)
  }
  return out as never
}

describe('channel states written with a seed', () => {
  it('read back with the keys id of that seed, and the channel keeps paying', () => {
    const pair = openPair({ pushMsat: 100_000_000n })
    const rng = new SeededRng('legacy')
    pay(pair, pair.alice, newPayment(rng, 5_000_000n))
    const old = asWrittenBefore(pair.alice.data)
    expect(commitmentsOf(old)!.localParams).not.toHaveProperty('keysId')
    expect(commitmentsOf(old)!.localParams).toHaveProperty('seed')
    const upgraded = withoutLegacySeeds(old)
    const keysId = commitmentsOf(upgraded)!.localParams.keysId
    expect(keysId).toBe(`seed:${commitmentsOf(pair.alice.data)!.localParams.keysId}`)
    pair.alice.data = upgraded
    const before = balances(pair.alice)
    pay(pair, pair.alice, newPayment(rng, 7_000_000n))
    expect(balances(pair.alice).local).toBe(before.local - 7_000_000n)
  })

  it('leaves a state without a seed as it is (the same object)', () => {
    const pair = openPair()
    expect(withoutLegacySeeds(pair.alice.data)).toBe(pair.alice.data)
  })
})
