import { describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import { balances, newPayment, openPair, pay, addHtlc } from './harness.js'

describe('channel lifecycle (two state machines, no network)', () => {
  it('opens: funder pays the commitment fee, both sides agree on the first commitments', () => {
    const pair = openPair({ fundingSat: 1_000_000n, pushMsat: 100_000_000n })
    expect(balances(pair.alice)).toEqual({ local: 900_000_000n, remote: 100_000_000n })
    expect(balances(pair.bob)).toEqual({ local: 100_000_000n, remote: 900_000_000n })
    const a = commitmentsOf(pair.alice.data)!
    const b = commitmentsOf(pair.bob.data)!
    expect(a.localCommit.txid).toBe(b.remoteCommit.txid)
    expect(b.localCommit.txid).toBe(a.remoteCommit.txid)
    expect(pair.alice.effects.some((e) => e.type === 'broadcast' && e.label === 'funding')).toBe(true)
    expect(pair.bob.effects.some((e) => e.type === 'broadcast')).toBe(false)
  })

  it('the funder broadcasts the funding transaction only after funding_signed', () => {
    const pair = openPair({ confirm: false })
    const broadcastAt = pair.alice.effects.findIndex((e) => e.type === 'broadcast')
    const fundingSignedAt = pair.alice.effects.findIndex((e) => e.type === 'watch_confirmed')
    expect(broadcastAt).toBeGreaterThan(-1)
    expect(pair.alice.data.state).toBe('WAIT_FOR_FUNDING_CONFIRMED')
    // the funding_created went out before the broadcast; funding_signed came back in between
    const sentFundingCreated = pair.alice.effects.findIndex(
      (e) => e.type === 'send' && e.message.type === 'funding_created',
    )
    expect(sentFundingCreated).toBeLessThan(broadcastAt)
    expect(fundingSignedAt).toBeGreaterThan(sentFundingCreated)
  })

  it('pays both ways and keeps every msat', () => {
    const pair = openPair({ pushMsat: 200_000_000n })
    const rng = new SeededRng('lifecycle')
    pay(pair, pair.alice, newPayment(rng, 10_000_000n))
    pay(pair, pair.bob, newPayment(rng, 3_000_000n))
    expect(balances(pair.alice)).toEqual({ local: 793_000_000n, remote: 207_000_000n })
    expect(balances(pair.bob)).toEqual({ local: 207_000_000n, remote: 793_000_000n })
  })

  it('batches several HTLCs in both directions under one commitment_signed each', () => {
    const pair = openPair({ pushMsat: 400_000_000n })
    const rng = new SeededRng('batch')
    const fromAlice = [1n, 2n, 3n].map((k) => newPayment(rng, k * 1_000_000n))
    const fromBob = [4n, 5n].map((k) => newPayment(rng, k * 1_000_000n))
    for (const p of fromAlice) addHtlc(pair, pair.alice, p)
    for (const p of fromBob) addHtlc(pair, pair.bob, p)
    const sentBefore = pair.alice.effects.filter(
      (e) => e.type === 'send' && e.message.type === 'commitment_signed',
    ).length
    pair.command(pair.alice, { type: 'sign' })
    pair.command(pair.bob, { type: 'sign' })
    pair.deliverAll()
    const sigs =
      pair.alice.effects.filter((e) => e.type === 'send' && e.message.type === 'commitment_signed').length - sentBefore
    expect(sigs).toBeLessThanOrEqual(2)
    expect(pair.takeEvents(pair.bob, 'htlc_received')).toHaveLength(3)
    expect(pair.takeEvents(pair.alice, 'htlc_received')).toHaveLength(2)
    expect(commitmentsOf(pair.alice.data)!.localCommit.spec.htlcs).toHaveLength(5)
  })
})
