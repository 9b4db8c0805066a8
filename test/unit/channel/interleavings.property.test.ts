import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { toHex } from '../../../src/core/bytes.js'
import { SeededRng } from '../../../src/core/rng.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import type { UpdateAddHtlc } from '../../../src/wire/messages.js'
import { newPayment, ONION, openPair, type Pair, type Payment, type Side } from './harness.js'

type Who = 'alice' | 'bob'
type Action =
  | { kind: 'add'; from: Who; amountMsat: number; thenSign: boolean }
  | { kind: 'settle'; side: Who; pick: number; fulfill: boolean; thenSign: boolean }
  | { kind: 'sign'; side: Who }
  | { kind: 'deliver'; side: Who; count: number }
  | { kind: 'reconnect'; deliverFirst: number }
  | { kind: 'fee'; satPerKw: number; thenSign: boolean }

const who = fc.constantFrom<Who>('alice', 'bob')
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      from: who,
      amountMsat: fc.integer({ min: 1, max: 40_000_000 }),
      thenSign: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      side: who,
      pick: fc.nat(),
      fulfill: fc.boolean(),
      thenSign: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sign' as const), side: who }) },
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('deliver' as const), side: who, count: fc.integer({ min: 1, max: 6 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('fee' as const),
      satPerKw: fc.integer({ min: 253, max: 2_500 }),
      thenSign: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('reconnect' as const), deliverFirst: fc.integer({ min: 0, max: 3 }) }),
  },
)

/** What a node around the channel would do: remember preimages and received HTLCs, redo forgotten settlements. */
class Driver {
  readonly payments = new Map<string, Payment>()
  readonly received = new Map<Side, UpdateAddHtlc[]>()
  readonly settling = new Map<Side, Map<bigint, { fulfill: boolean; preimage?: Uint8Array }>>()
  private readonly rng = new SeededRng('driver')
  readonly stats = { settled: 0, reconnects: 0, commitments: 0, feeUpdates: 0 }
  constructor(readonly pair: Pair) {
    for (const s of [pair.alice, pair.bob]) {
      this.received.set(s, [])
      this.settling.set(s, new Map())
    }
  }
  side(w: Who): Side {
    return w === 'alice' ? this.pair.alice : this.pair.bob
  }
  collect(): void {
    for (const s of [this.pair.alice, this.pair.bob]) {
      for (const e of this.pair.takeEvents(s, 'htlc_received'))
        if (e.type === 'htlc_received') this.received.get(s)!.push(e.add)
      for (const e of this.pair.takeEvents(s, 'htlc_settled'))
        if (e.type === 'htlc_settled') this.settling.get(s)!.delete(e.htlc.id)
      for (const e of this.pair.takeEvents(s, 'update_discarded')) {
        // a forgotten settlement must be sent again once reconnected; a forgotten add is simply gone
        if (e.type === 'update_discarded' && e.update.type !== 'update_add_htlc' && e.update.type !== 'update_fee')
          this.settling.get(s)!.set(e.update.id, {
            fulfill: e.update.type === 'update_fulfill_htlc',
            ...(e.update.type === 'update_fulfill_htlc' ? { preimage: e.update.paymentPreimage } : {}),
          })
      }
    }
  }
  resettle(s: Side): void {
    for (const [id, todo] of this.settling.get(s)!) {
      if (s.data.state !== 'NORMAL') return
      this.pair.command(
        s,
        todo.fulfill
          ? { type: 'fulfill_htlc', id, preimage: todo.preimage! }
          : { type: 'fail_htlc', id, reason: new Uint8Array(32) },
      )
    }
  }
  run(a: Action): void {
    const p = this.pair
    switch (a.kind) {
      case 'add': {
        const s = this.side(a.from)
        const pay = newPayment(this.rng, BigInt(a.amountMsat))
        this.payments.set(toHex(pay.paymentHash), pay)
        p.command(s, {
          type: 'add_htlc',
          commandId: 'x',
          amountMsat: pay.amountMsat,
          paymentHash: pay.paymentHash,
          cltvExpiry: 1000,
          onionRoutingPacket: ONION,
        })
        if (a.thenSign) p.command(s, { type: 'sign' })
        break
      }
      case 'settle': {
        const s = this.side(a.side)
        const list = this.received.get(s)!
        if (list.length === 0) break
        const [add] = list.splice(a.pick % list.length, 1)
        const pay = this.payments.get(toHex(add!.paymentHash))!
        // remembered until irrevocable, so it can be sent again if the connection drops first
        this.settling.get(s)!.set(add!.id, a.fulfill ? { fulfill: true, preimage: pay.preimage } : { fulfill: false })
        p.command(
          s,
          a.fulfill
            ? { type: 'fulfill_htlc', id: add!.id, preimage: pay.preimage }
            : { type: 'fail_htlc', id: add!.id, reason: new Uint8Array(32) },
        )
        if (a.thenSign) p.command(s, { type: 'sign' })
        this.stats.settled++
        break
      }
      case 'sign':
        p.command(this.side(a.side), { type: 'sign' })
        break
      case 'fee':
        // alice funds the channel: her update_fee travels with the HTLC updates, through every reconnection
        p.command(p.alice, { type: 'update_fee', feeratePerKw: a.satPerKw })
        if (a.thenSign) p.command(p.alice, { type: 'sign' })
        this.stats.feeUpdates++
        break
      case 'deliver':
        for (let i = 0; i < a.count; i++) p.deliverOne(this.side(a.side))
        break
      case 'reconnect':
        // some messages get through, the rest are lost with the connection
        for (let i = 0; i < a.deliverFirst; i++) p.deliverOne(i % 2 ? p.bob : p.alice)
        this.collect()
        p.disconnect()
        p.reconnect()
        this.stats.reconnects++
        p.deliverAll()
        this.collect()
        for (const s of [p.alice, p.bob]) this.resettle(s)
        break
    }
    this.collect()
  }
  /** Settle everything still in flight, as both nodes would, until the channel is quiet. */
  drain(): void {
    const p = this.pair
    for (let round = 0; round < 50; round++) {
      p.deliverAll()
      this.collect()
      for (const s of [p.alice, p.bob]) {
        for (const add of this.received.get(s)!.splice(0)) {
          const pay = this.payments.get(toHex(add.paymentHash))!
          p.command(s, { type: 'fulfill_htlc', id: add.id, preimage: pay.preimage })
        }
        p.command(s, { type: 'sign' })
      }
      p.deliverAll()
      this.collect()
      const a = commitmentsOf(p.alice.data)!
      const b = commitmentsOf(p.bob.data)!
      if (
        a.localCommit.spec.htlcs.length === 0 &&
        b.localCommit.spec.htlcs.length === 0 &&
        a.remoteNextCommitInfo.kind === 'ready' &&
        b.remoteNextCommitInfo.kind === 'ready'
      )
        return
    }
    throw new Error('the channel never settled')
  }
}

describe('two channel state machines under random interleavings, delays and reconnections', () => {
  it('conserve every msat, agree on every signed commitment, never re-sign a revoked state, and settle', () => {
    const totals = { settled: 0, reconnects: 0, commitments: 0, feeUpdates: 0, feeChanged: 0 }
    fc.assert(
      fc.property(fc.array(action, { minLength: 20, maxLength: 150 }), fc.boolean(), (actions, signsAtOnce) => {
        const pair = openPair({ pushMsat: 300_000_000n })
        // off: signing waits for the random sign actions, so adds and settlements slip in before it
        pair.signsAtOnce = signsAtOnce
        const driver = new Driver(pair)
        for (const a of actions) driver.run(a)
        driver.drain()
        const a = commitmentsOf(pair.alice.data)!
        const b = commitmentsOf(pair.bob.data)!
        expect(a.localCommit.spec.toLocalMsat + a.localCommit.spec.toRemoteMsat).toBe(1_000_000_000n)
        expect(a.localCommit.spec.toLocalMsat).toBe(b.localCommit.spec.toRemoteMsat)
        expect(a.localCommit.txid).toBe(b.remoteCommit.txid)
        expect(a.localCommit.spec.feeratePerKw).toBe(b.localCommit.spec.feeratePerKw)
        totals.settled += driver.stats.settled
        totals.reconnects += driver.stats.reconnects
        totals.feeUpdates += driver.stats.feeUpdates
        if (a.localCommit.spec.feeratePerKw !== 253) totals.feeChanged++
        totals.commitments += Number(a.localCommit.index)
        expect(pair.alice.data.state).toBe('NORMAL')
        expect(pair.bob.data.state).toBe('NORMAL')
      }),
      { numRuns: 150, seed: 424242 },
    )
    // the runs must have exercised what they claim to
    console.log(`interleavings: ${JSON.stringify(totals)}`)
    expect(totals.settled).toBeGreaterThan(150)
    expect(totals.reconnects).toBeGreaterThan(50)
    expect(totals.commitments).toBeGreaterThan(500)
    expect(totals.feeChanged).toBeGreaterThan(30)
  })
})
