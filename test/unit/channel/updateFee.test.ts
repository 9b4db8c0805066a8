import { describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import type { Commitments } from '../../../src/channel/commitments.js'
import type { UpdateFee } from '../../../src/wire/messages.js'
import { refuseIncomingHtlc } from '../../../src/channel/incomingHtlcLimits.js'
import { DEFAULT_FEE_LIMITS } from '../../../src/channel/constants.js'
import { addHtlc, newPayment, openPair, pay, type Pair, type Side } from './harness.js'

const feerates = (side: Side): number[] => {
  const c = commitmentsOf(side.data)!
  return [c.localCommit.spec.feeratePerKw, c.remoteCommit.spec.feeratePerKw]
}

function updateFee(pair: Pair, feeratePerKw: number): void {
  pair.command(pair.alice, { type: 'update_fee', feeratePerKw })
  expect(pair.alice.lastReply).toEqual({ ok: true })
  pair.command(pair.alice, { type: 'sign' })
}

/** The peer's update_fee as it arrives, whatever our own side would have sent. */
function injectFee(pair: Pair, to: Side, feeratePerKw: number): void {
  const fee: UpdateFee = { type: 'update_fee', channelId: commitmentsOf(to.data)!.channelId, feeratePerKw }
  to.inbox.push(fee)
  pair.deliverOne(to)
}

/** The channel failed as BOLT #2 says, and the update never got into its commitments. */
function expectFailedWithout(side: Side, before: Commitments, code: string): void {
  const violation = side.events.find((e) => e.type === 'protocol_violation')
  expect(violation).toMatchObject({ code, fatal: true })
  expect(side.effects.some((e) => e.type === 'send' && e.message.type === 'error')).toBe(true)
  const after = commitmentsOf(side.data)!
  expect(after.remoteChanges).toEqual(before.remoteChanges)
  expect(after.localCommit).toEqual(before.localCommit)
}

describe('update_fee (BOLT #2 "Updating Fees")', () => {
  it('the funder moves the feerate of both commitments, signed and revoked like an HTLC update', () => {
    const pair = openPair({ pushMsat: 100_000_000n })
    updateFee(pair, 2_000)
    pair.deliverAll()
    expect(feerates(pair.alice)).toEqual([2_000, 2_000])
    expect(feerates(pair.bob)).toEqual([2_000, 2_000])
    expect(pair.takeEvents(pair.bob, 'feerate_changed')).toEqual([{ type: 'feerate_changed', feeratePerKw: 2_000 }])
    // the commitment fee now follows: 724 weight at 2000 sat/kw is 1448 sat out of the funder's balance
    pay(pair, pair.alice, newPayment(new SeededRng('fee'), 1_000_000n))
    expect(feerates(pair.bob)).toEqual([2_000, 2_000])
  })

  it('a later update_fee replaces one not yet signed; the last one wins', () => {
    const pair = openPair()
    pair.command(pair.alice, { type: 'update_fee', feeratePerKw: 1_000 })
    pair.command(pair.alice, { type: 'update_fee', feeratePerKw: 1_500 })
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    expect(feerates(pair.bob)).toEqual([1_500, 1_500])
  })

  it('survives a reconnection: a signed update_fee is retransmitted, an unsigned one forgotten', () => {
    const pair = openPair()
    updateFee(pair, 2_000)
    // bob gets the update_fee and commitment_signed; his answers are lost with the connection
    pair.deliverOne(pair.bob)
    pair.deliverOne(pair.bob)
    pair.disconnect()
    pair.reconnect()
    pair.deliverAll()
    expect(feerates(pair.alice)).toEqual([2_000, 2_000])
    expect(feerates(pair.bob)).toEqual([2_000, 2_000])

    pair.command(pair.alice, { type: 'update_fee', feeratePerKw: 2_400 })
    pair.disconnect()
    expect(pair.takeEvents(pair.alice, 'update_discarded')).toMatchObject([
      { update: { type: 'update_fee', feeratePerKw: 2_400 } },
    ])
    pair.reconnect()
    pair.deliverAll()
    expect(feerates(pair.bob)).toEqual([2_000, 2_000])
  })

  it('only the funder may send it: asked of the other side it is refused, received from it a warning answers', () => {
    const pair = openPair({ pushMsat: 100_000_000n })
    pair.command(pair.bob, { type: 'update_fee', feeratePerKw: 1_000 })
    expect(pair.bob.lastReply).toMatchObject({ ok: false, code: 'NOT_FUNDER' })
    const before = commitmentsOf(pair.alice.data)!
    injectFee(pair, pair.alice, 1_000)
    // as Core Lightning: a warning and a closed connection; the channel stays open and the update never entered it
    const violation = pair.alice.events.find((e) => e.type === 'protocol_violation')
    expect(violation).toMatchObject({ code: 'UPDATE_FEE_NOT_FUNDER', fatal: false })
    expect(pair.alice.effects.some((e) => e.type === 'send' && e.message.type === 'warning')).toBe(true)
    expect(pair.alice.effects.some((e) => e.type === 'disconnect')).toBe(true)
    expect(pair.alice.data.state).toBe('NORMAL')
    expect(commitmentsOf(pair.alice.data)).toEqual(before)
  })

  it('an unreasonably large feerate fails the channel (above 10× our estimate)', () => {
    const pair = openPair()
    const before = commitmentsOf(pair.bob.data)!
    pair.command(pair.alice, { type: 'update_fee', feeratePerKw: 2_531 })
    pair.deliverOne(pair.bob)
    expectFailedWithout(pair.bob, before, 'UPDATE_FEE_OUT_OF_RANGE')
  })

  it('a feerate too low for timely processing fails the channel (below half our estimate)', () => {
    const pair = openPair()
    pair.ctx.feeratePerKw = 2_000
    const before = commitmentsOf(pair.bob.data)!
    injectFee(pair, pair.bob, 999)
    expectFailedWithout(pair.bob, before, 'UPDATE_FEE_OUT_OF_RANGE')
  })

  it('a feerate the funder cannot afford on our commitment fails the channel; the funder refuses to send it', () => {
    // alice keeps 15,000 sat of a 1,000,000 sat channel, 10,000 of them her reserve
    const pair = openPair({ pushMsat: 985_000_000n })
    pair.ctx.feeratePerKw = 5_000
    pair.command(pair.alice, { type: 'update_fee', feeratePerKw: 10_000 })
    expect(pair.alice.lastReply).toMatchObject({ ok: false, code: 'FEERATE_UNAFFORDABLE' })
    expect(commitmentsOf(pair.alice.data)!.localChanges.proposed).toEqual([])
    const before = commitmentsOf(pair.bob.data)!
    injectFee(pair, pair.bob, 10_000)
    expectFailedWithout(pair.bob, before, 'UPDATE_FEE_UNAFFORDABLE')
  })
})

describe('fee-spike buffer and dust exposure', () => {
  it('the funder keeps the fee at twice the feerate with one more HTLC on top of its reserve', () => {
    // alice keeps 20,000 sat, 10,000 of them her reserve
    const pair = openPair({ pushMsat: 980_000_000n })
    updateFee(pair, 2_000)
    pair.deliverAll()
    const rng = new SeededRng('spike')
    const buffer = (2n * 2_000n * (724n + 172n * 2n)) / 1000n // with the new HTLC and one more
    const spendable = 20_000n - 10_000n - buffer
    pair.command(pair.alice, {
      type: 'add_htlc',
      commandId: 'too-much',
      amountMsat: (spendable + 1n) * 1000n,
      paymentHash: newPayment(rng, 1n).paymentHash,
      cltvExpiry: 500,
      onionRoutingPacket: new Uint8Array(1366),
    })
    expect(pair.alice.lastReply).toMatchObject({ ok: false, code: 'FEE_SPIKE_BUFFER' })
    expect(commitmentsOf(pair.alice.data)!.localChanges.proposed).toEqual([])
    // at the current feerate alone it would have fit: the buffer is what refused it
    expect(spendable + 1n).toBeLessThan(20_000n - 10_000n - (2_000n * (724n + 172n)) / 1000n)
    addHtlc(pair, pair.alice, newPayment(rng, spendable * 1000n))
  })

  it('refuses a dust HTLC that would put the channel above its dust limit, counted at the dust buffer feerate', () => {
    const pair = openPair({ pushMsat: 100_000_000n })
    pair.ctx.feeLimits = {
      maxDustExposureMsat: 5_000_000n,
      maxFeerateMultiplier: 10,
      minFeeratePercent: 50,
      updateFeeMinChangePercent: 10,
    }
    const rng = new SeededRng('dust')
    // at 253 sat/kw the dust buffer feerate is 2783: an HTLC below 546 + 2783 × 703 / 1000 = 2502 sat counts as dust
    addHtlc(pair, pair.alice, newPayment(rng, 2_000_000n))
    addHtlc(pair, pair.alice, newPayment(rng, 2_000_000n))
    pair.command(pair.alice, {
      type: 'add_htlc',
      commandId: 'third',
      amountMsat: 2_000_000n,
      paymentHash: newPayment(rng, 1n).paymentHash,
      cltvExpiry: 500,
      onionRoutingPacket: new Uint8Array(1366),
    })
    expect(pair.alice.lastReply).toMatchObject({ ok: false, code: 'DUST_EXPOSURE_EXCEEDED' })
    expect(commitmentsOf(pair.alice.data)!.localChanges.proposed).toHaveLength(2)
    // an HTLC with an output adds nothing to the dust
    addHtlc(pair, pair.alice, newPayment(rng, 3_000_000n))
  })

  it('after a fee rise an HTLC that had an output becomes dust and is refused', () => {
    const limits = {
      maxDustExposureMsat: 5_000_000n,
      maxFeerateMultiplier: 10,
      minFeeratePercent: 50,
      updateFeeMinChangePercent: 10,
    }
    const before = openPair({ pushMsat: 100_000_000n })
    before.ctx.feeLimits = limits
    const rng = new SeededRng('rise')
    // at 253 sat/kw two 4,000 sat HTLCs have outputs, even at the dust buffer feerate (2502 sat)
    addHtlc(before, before.alice, newPayment(rng, 4_000_000n))
    addHtlc(before, before.alice, newPayment(rng, 4_000_000n))

    const after = openPair({ pushMsat: 100_000_000n })
    after.ctx.feeLimits = limits
    after.ctx.feeratePerKw = 2_500
    updateFee(after, 2_500)
    after.deliverAll()
    // at 2500 sat/kw the dust buffer feerate is 5030: below 546 + 5030 × 703 / 1000 = 4082 sat is dust; 6000 is not
    addHtlc(after, after.alice, newPayment(rng, 6_000_000n))
    after.command(after.alice, {
      type: 'add_htlc',
      commandId: 'dusty',
      amountMsat: 4_000_000n,
      paymentHash: newPayment(rng, 1n).paymentHash,
      cltvExpiry: 500,
      onionRoutingPacket: new Uint8Array(1366),
    })
    expect(after.alice.lastReply).toMatchObject({ ok: true })
    after.command(after.alice, {
      type: 'add_htlc',
      commandId: 'dustier',
      amountMsat: 4_000_000n,
      paymentHash: newPayment(rng, 2n).paymentHash,
      cltvExpiry: 500,
      onionRoutingPacket: new Uint8Array(1366),
    })
    expect(after.alice.lastReply).toMatchObject({ ok: false, code: 'DUST_EXPOSURE_EXCEEDED' })
  })
})

describe('limits on an HTLC the peer added, once committed', () => {
  const limits = {
    maxDustExposureMsat: 5_000_000n,
    maxFeerateMultiplier: 10,
    minFeeratePercent: 50,
    updateFeeMinChangePercent: 10,
  }

  it('fails back a dust HTLC past our dust limit, though the sender, with a higher limit, offered it', () => {
    const pair = openPair({ pushMsat: 100_000_000n })
    const rng = new SeededRng('incoming-dust')
    const ids = [2_000_000n, 2_000_000n, 2_000_000n, 30_000_000n].map((amount) =>
      addHtlc(pair, pair.alice, newPayment(rng, amount)),
    )
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    const bob = commitmentsOf(pair.bob.data)!
    expect(refuseIncomingHtlc(bob, ids[1]!, limits)).toBeUndefined()
    expect(refuseIncomingHtlc(bob, ids[2]!, limits)).toMatchObject({ code: 'DUST_EXPOSURE_EXCEEDED' })
    // an HTLC with an output is no dust, whatever the dust around it
    expect(refuseIncomingHtlc(bob, ids[3]!, limits)).toBeUndefined()
  })

  it('fails back an HTLC that leaves the funder without its fee-spike buffer', () => {
    // alice keeps 20,000 sat, 10,000 of them her reserve; at 253 sat/kw a 9,000 sat HTLC leaves her buffer
    // (2 × 253 × (724 + 2 × 172) / 1000 = 540 sat), at 500 sat/kw (1068 sat) it does not
    const pair = openPair({ pushMsat: 980_000_000n })
    const rng = new SeededRng('incoming-spike')
    const id = addHtlc(pair, pair.alice, newPayment(rng, 9_000_000n))
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    expect(refuseIncomingHtlc(commitmentsOf(pair.bob.data)!, id, DEFAULT_FEE_LIMITS)).toBeUndefined()
    updateFee(pair, 500)
    pair.deliverAll()
    const bob = commitmentsOf(pair.bob.data)!
    expect(bob.localCommit.spec.feeratePerKw).toBe(500)
    expect(refuseIncomingHtlc(bob, id, DEFAULT_FEE_LIMITS)).toMatchObject({ code: 'FEE_SPIKE_BUFFER' })
  })
})
