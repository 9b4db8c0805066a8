/**
 * A node upgraded in place reads channel states written before commitment_signed
 * carried HTLC signatures: its latest commitment gets an empty list (its HTLC
 * outputs have no second stage until the peer signs a new commitment), and the
 * channel keeps paying.
 */
import { describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import { withHtlcSigs } from '../../../src/node/channels/legacyHtlcSigs.js'
import { addHtlc, balances, newPayment, openPair, pay } from '../channel/harness.js'

/** The state as an older lnsim wrote it: no `htlcSigs` beside the commitment's `remoteSig`. */
function asWrittenBefore(value: unknown): never {
  if (Array.isArray(value)) return value.map(asWrittenBefore) as never
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value as never
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (k !== 'htlcSigs') out[k] = asWrittenBefore(v)
  return out as never
}

describe('channel states written without HTLC signatures', () => {
  it('read back with none, and the channel keeps paying', () => {
    const pair = openPair({ pushMsat: 100_000_000n })
    const rng = new SeededRng('legacy htlc sigs')
    addHtlc(pair, pair.alice, newPayment(rng, 5_000_000n))
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    const old = asWrittenBefore(pair.bob.data)
    expect(commitmentsOf(old)!.localCommit).not.toHaveProperty('htlcSigs')
    const upgraded = withHtlcSigs(old)
    expect(commitmentsOf(upgraded)!.localCommit.htlcSigs).toEqual([])
    pair.bob.data = upgraded
    const before = balances(pair.bob)
    pay(pair, pair.bob, newPayment(rng, 7_000_000n))
    expect(balances(pair.bob).local).toBe(before.local - 7_000_000n)
  })

  it('leaves a state that has them as it is (the same object)', () => {
    const pair = openPair()
    expect(withHtlcSigs(pair.alice.data)).toBe(pair.alice.data)
  })
})
