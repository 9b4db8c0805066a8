import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DashboardModel } from '../../../../src/observe/dashboard/model.js'
import type { DashboardInput, NodeSnapshotEvent } from '../../../../src/observe/dashboard/views.js'
import type { NodeEvent } from '../../../../src/api/node/events.js'
import { fixtureInputs, nodeIdOf } from '../../../helpers/dashboardFixture.js'

const inputs = await fixtureInputs()
const alice = nodeIdOf(inputs, 'alice')
const bob = nodeIdOf(inputs, 'bob')
const carol = nodeIdOf(inputs, 'carol')

function fed(list: readonly DashboardInput[]): DashboardModel {
  const m = new DashboardModel()
  for (const i of list) m.apply(i)
  return m
}

function channelBetween(m: DashboardModel, a: string, b: string) {
  const c = m
    .snapshot('live')
    .channels.find((x) => (x.node1 === a && x.node2 === b) || (x.node1 === b && x.node2 === a))
  if (!c) throw new Error('no such channel')
  const balanceOf = (n: string): bigint => (c.node1 === n ? c.balance1Msat : c.balance2Msat)
  return { ...c, balanceOf }
}

describe('dashboard model: events become the graph, payments, balances and fees', () => {
  const m = fed(inputs)
  const snap = m.snapshot('live')

  it('knows every node by alias and every channel with both ends', () => {
    expect(snap.nodes.map((n) => n.alias).sort()).toEqual(['alice', 'bob', 'carol'])
    expect(snap.channels).toHaveLength(3)
    expect(channelBetween(m, alice, bob).shortChannelId).toBe('102x1x0')
    expect(channelBetween(m, bob, carol).state).toBe('NORMAL')
    expect(channelBetween(m, carol, alice).state).toBe('CLOSED')
    expect(channelBetween(m, carol, alice).active).toBe(false)
  })

  it('takes a channel capacity from its funding transaction', () => {
    expect(channelBetween(m, alice, bob).capacityMsat).toBe(1_000_000_000n)
    expect(channelBetween(m, bob, carol).capacityMsat).toBe(500_000_000n)
  })

  it('moves balances by what was paid: amount plus fee upstream, the amount to the payee', () => {
    const before = fed(inputs.filter((i) => i.time < 1764000003000))
    const ab0 = channelBetween(before, alice, bob).balanceOf(alice)
    const bc0 = channelBetween(before, bob, carol).balanceOf(carol)
    expect(ab0 - channelBetween(m, alice, bob).balanceOf(alice)).toBe(50_000_000n + 1_050n)
    expect(channelBetween(m, bob, carol).balanceOf(carol) - bc0).toBe(50_000_000n + 10_000_000n)
  })

  it('keeps every part of a split payment, each on its route', () => {
    const hop = (nodeId: string, scid: string, amountMsat: bigint, feeMsat = 0n) => ({
      nodeId,
      shortChannelId: scid,
      amountMsat,
      feeMsat,
      cltvExpiry: 150,
    })
    const viaBob = [hop(bob, '102x1x0', 30_001_000n, 1_000n), hop(carol, '102x2x0', 30_000_000n)]
    const direct = [hop(carol, '102x3x0', 20_000_000n)]
    const split = fed([
      ...inputs,
      {
        type: 'payment_sent',
        node: alice,
        alias: 'alice',
        time: 1764000009000,
        paymentHash: 'ab'.repeat(32),
        amountMsat: 50_000_000n,
        feeMsat: 1_000n,
        route: viaBob,
        parts: [
          { route: viaBob, amountMsat: 30_000_000n, feeMsat: 1_000n },
          { route: direct, amountMsat: 20_000_000n, feeMsat: 0n },
        ],
        attempts: 2,
        latencyMs: 80,
      } satisfies NodeEvent,
    ])
    const p = split.paymentsTable().find((x) => x.paymentHash === 'ab'.repeat(32))!
    expect(p).toMatchObject({ status: 'succeeded', amountMsat: 50_000_000n, to: carol })
    expect(p.parts.map((r) => r.map((h) => h.shortChannelId))).toEqual([['102x1x0', '102x2x0'], ['102x3x0']])
    // a payment that went whole has no parts to list
    expect(m.paymentsTable().every((x) => x.parts.length === 0)).toBe(true)
  })

  it('lists payments newest first with route, amount, fee, attempts and latency', () => {
    const rows = m.paymentsTable()
    expect(rows.map((p) => [p.status, p.amountMsat])).toEqual([
      ['succeeded', 10_000_000n],
      ['failed', 600_000_000n],
      ['succeeded', 50_000_000n],
    ])
    const routed = rows[2]!
    expect(routed).toMatchObject({ from: alice, to: carol, feeMsat: 1_050n, attempts: 1, latencyMs: 62, failure: null })
    expect(routed.route.map((h) => [h.nodeId, h.shortChannelId, h.feeMsat])).toEqual([
      [bob, '102x1x0', 1_050n],
      [carol, '102x2x0', 0n],
    ])
    // per hop: when it got the HTLC after the attempt began, and how long bob held it
    expect(routed.route.map((h) => [h.arrivedAfterMs, h.forwardMs])).toEqual([
      [12, 29],
      [25, null],
    ])
    expect(routed.route[0]!.channelId).toBe(channelBetween(m, alice, bob).channelId)
  })

  it('marks the node where a failed payment failed', () => {
    const failed = m.paymentsTable()[1]!
    expect(failed.failure).toEqual({ code: 'TEMPORARY_CHANNEL_FAILURE', message: expect.any(String), failingNode: bob })
  })

  it('totals fees earned by forwarders and paid by payers', () => {
    const byAlias = Object.fromEntries(snap.nodes.map((n) => [n.alias, n]))
    expect(byAlias.bob).toMatchObject({ feesEarnedMsat: 1_050n, feesPaidMsat: 0n, forwards: 1, paymentsSent: 1 })
    expect(byAlias.alice).toMatchObject({ feesEarnedMsat: 0n, feesPaidMsat: 1_050n, paymentsSent: 1 })
    expect(byAlias.carol).toMatchObject({ paymentsReceived: 2 })
  })

  it("prices the capital each node's offered HTLCs lock, and counts the ones in flight and held", () => {
    // bob forwarded 50,000,000 msat to carol, settled 26 ms later
    expect(snap.nodes.find((n) => n.id === bob)).toMatchObject({
      htlcsInFlight: 0,
      htlcsHeld: 0,
      lockedMsatSeconds: 1_300_000n,
    })
    const jammed = fed([
      ...inputs,
      {
        type: 'htlc_added',
        node: carol,
        alias: 'carol',
        time: 1764000010000,
        channelId: channelBetween(m, bob, carol).channelId,
        direction: 'outgoing',
        htlcId: 9n,
        amountMsat: 2_000_000n,
        paymentHash: 'cd'.repeat(32),
        cltvExpiry: 200,
      } satisfies NodeEvent,
    ])
    expect(jammed.snapshot('live').nodes.find((n) => n.id === carol)).toMatchObject({ htlcsInFlight: 1, htlcsHeld: 1 })
  })

  it('places labelled transactions in the blocks that mined them', () => {
    expect(snap.chain.height).toBe(108)
    const b108 = snap.chain.blocks.find((b) => b.height === 108)!
    expect(b108.txs.map((t) => t.kind)).toEqual(['close'])
    expect(snap.chain.blocks.find((b) => b.height === 102)!.txs.map((t) => t.kind)).toEqual(['funding', 'funding'])
    // the claim waits for its timelock: known, but in no block yet
    expect(snap.chain.unplaced.map((t) => t.kind)).toEqual(['claim'])
  })

  it('hands out a routed payment as HTLC steps: out hop by hop, then settled back', () => {
    const model = new DashboardModel()
    for (const i of inputs.filter((x) => x.time < 1764000003000)) model.apply(i)
    model.takeBatch()
    for (const i of inputs.filter((x) => x.time >= 1764000003000 && x.time < 1764000004000)) model.apply(i)
    const steps = model.takeBatch()!.steps.map((s) => [s.kind, s.from, s.to])
    expect(steps).toEqual([
      ['add', alice, bob],
      ['add', bob, carol],
      ['settle', carol, bob],
      ['settle', bob, alice],
    ])
  })

  it('hands out a refusal at the failing hop, then the failure travelling back', () => {
    const model = new DashboardModel()
    for (const i of inputs.filter((x) => x.time < 1764000005000)) model.apply(i)
    model.takeBatch()
    for (const i of inputs.filter((x) => x.time >= 1764000005000 && x.time < 1764000006000)) model.apply(i)
    expect(model.takeBatch()!.steps.map((s) => [s.kind, s.from, s.to])).toEqual([
      ['add', alice, bob],
      ['refuse', bob, alice],
      ['fail', bob, alice],
    ])
  })
})

describe('dashboard model: batches', () => {
  it('gathers any number of events into one batch, and nothing when nothing changed', () => {
    const m = new DashboardModel()
    for (const i of inputs) m.apply(i)
    const batch = m.takeBatch()!
    expect(batch.nodes).toHaveLength(3)
    expect(batch.channels).toHaveLength(3)
    expect(batch.payments).toHaveLength(3)
    expect(batch.chain?.height).toBe(108)
    expect(m.takeBatch()).toBeNull()
  })

  it('sends only what changed since the last batch', () => {
    const m = fed(inputs)
    m.takeBatch()
    const last = inputs.find((i) => i.type === 'channel_balance')! as Extract<NodeEvent, { type: 'channel_balance' }>
    m.apply({ ...last, time: last.time + 100_000, localMsat: 1n })
    const batch = m.takeBatch()!
    expect(batch.channels.map((c) => c.channelId)).toEqual([last.channelId])
    expect(batch.payments).toEqual([])
    expect(batch.chain).toBeNull()
  })
})

describe('dashboard model: the same facts, however they arrive', () => {
  it('counts nothing twice when a stream replays events it already sent', () => {
    const once = fed(inputs).snapshot('live')
    const twice = fed(inputs.flatMap((i) => [i, i])).snapshot('live')
    expect(twice).toEqual(once)
  })

  it('ends in the same state for any interleaving of the nodes’ streams', () => {
    const streams = new Map<string, DashboardInput[]>()
    for (const i of inputs) {
      const key = 'node' in i ? i.node : 'chain'
      streams.set(key, [...(streams.get(key) ?? []), i])
    }
    const expected = fed(inputs).snapshot('live')
    const keys = [...streams.keys()]
    fc.assert(
      fc.property(
        fc.array(fc.nat(keys.length - 1), { minLength: inputs.length, maxLength: inputs.length }),
        (picks) => {
          const queues = keys.map((k) => [...streams.get(k)!])
          const order: DashboardInput[] = []
          for (const p of picks) {
            // take from the picked stream, or the next one with events left
            for (let j = 0; j < keys.length; j++) {
              const q = queues[(p + j) % keys.length]!
              if (q.length) {
                order.push(q.shift()!)
                break
              }
            }
          }
          expect(fed(order).snapshot('live')).toEqual(expected)
        },
      ),
      { numRuns: 60 },
    )
  })

  it('shows a network attached late from control-API snapshots, and counts a fee once when the event follows', () => {
    const snapshot: NodeSnapshotEvent = {
      type: 'node_snapshot',
      time: 1764000003100,
      info: {
        nodeId: alice,
        alias: 'alice',
        peerId: '12D3KooWalice',
        listenAddresses: [],
        apiUrl: 'http://127.0.0.1:1',
        chain: { url: 'http://127.0.0.1:2', chainHash: '00'.repeat(32), blockHeight: 104 },
        channels: { active: 1, pending: 0, closing: 0, inactive: 0 },
        peers: 1,
        version: '0.1.0',
        testing: false,
      },
      channels: [
        {
          channelId: 'ab'.repeat(32),
          shortChannelId: '102x1x0',
          remoteNodeId: bob,
          state: 'NORMAL',
          active: true,
          isFunder: true,
          capacitySat: 1_000_000n,
          localBalanceMsat: 948_168_950n,
          remoteBalanceMsat: 50_001_050n,
          availableToSendMsat: 0n,
          availableToReceiveMsat: 0n,
          pendingHtlcs: [],
          commitmentNumber: 2n,
          fundingTxid: 'cd'.repeat(32),
          closingTxid: null,
        },
      ],
      payments: [
        {
          paymentHash: 'ef'.repeat(32),
          direction: 'sent',
          status: 'succeeded',
          amountMsat: 50_000_000n,
          feeMsat: 1_050n,
          destination: carol,
          preimage: null,
          route: [
            { nodeId: bob, shortChannelId: '102x1x0', amountMsat: 50_001_050n, feeMsat: 1_050n, cltvExpiry: 152 },
            { nodeId: carol, shortChannelId: '102x2x0', amountMsat: 50_000_000n, feeMsat: 0n, cltvExpiry: 112 },
          ],
          parts: [],
          keysend: false,
          attempts: 1,
          failure: null,
          createdAt: new Date(1764000003000).toISOString(),
          settledAt: null,
          latencyMs: 62,
        },
      ],
    }
    const m = new DashboardModel()
    m.apply(snapshot)
    m.apply({
      type: 'payment_sent',
      node: alice,
      alias: 'alice',
      time: 1764000003062,
      paymentHash: 'ef'.repeat(32),
      amountMsat: 50_000_000n,
      feeMsat: 1_050n,
      route: snapshot.payments[0]!.route,
      attempts: 1,
      latencyMs: 62,
    })
    const s = m.snapshot('live')
    expect(s.nodes.map((n) => n.id).sort()).toEqual([alice, bob].sort())
    expect(s.channels[0]).toMatchObject({
      node1: alice,
      node2: bob,
      capacityMsat: 1_000_000_000n,
      balance1Msat: 948_168_950n,
      balance2Msat: 50_001_050n,
      active: true,
    })
    expect(s.payments[0]).toMatchObject({ from: alice, to: carol, status: 'succeeded', feeMsat: 1_050n })
    expect(s.nodes.find((n) => n.id === alice)!.feesPaidMsat).toBe(1_050n)
    expect(s.chain.height).toBe(104)
    expect(s.chain.unplaced).toMatchObject([{ txid: 'cd'.repeat(32), kind: 'funding', amountSat: 1_000_000n }])
  })

  it('shows a failed invoice paid again as pending, then with its new outcome', () => {
    const m = fed(inputs)
    const failed = m.paymentsTable()[1]!
    const route = inputs.find((i) => i.type === 'payment_attempt' && i.paymentHash === failed.paymentHash)! as Extract<
      NodeEvent,
      { type: 'payment_attempt' }
    >
    m.apply({ ...route, time: 1764000020000 })
    expect(m.paymentsTable().find((p) => p.paymentHash === failed.paymentHash)).toMatchObject({
      status: 'pending',
      failure: null,
      attempts: 1,
    })
  })

  it('greys out a node whose stream broke', () => {
    const m = fed(inputs)
    m.apply({ type: 'node_offline', node: bob, time: 1764000020000 })
    expect(m.snapshot('live').nodes.find((n) => n.id === bob)!.online).toBe(false)
  })
})
