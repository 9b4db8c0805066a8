import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/bytes.js'
import { InvalidInputError } from '../../../src/core/errors.js'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import { NoRouteError } from '../../../src/routing/errors.js'
import { ChannelGraph } from '../../../src/routing/graph.js'
import { findRoute, type RouteRequest } from '../../../src/routing/pathfinding.js'
import { hopPayloads, routeToString } from '../../../src/routing/route.js'
import { edge, testNode } from './helpers.js'

const us = testNode('us')
const a = testNode('a')
const b = testNode('b')
const payee = testNode('payee')
const scid = (n: number) => shortChannelId(100 + n, 1, 0)

const request = (over: Partial<RouteRequest> = {}): RouteRequest => ({
  source: us.nodeId,
  destination: payee.nodeId,
  amountMsat: 1_000_000n,
  blockHeight: 100,
  finalCltvExpiryDelta: 18,
  ...over,
})
const path = (route: { hops: Array<{ nodeId: Uint8Array }> }) =>
  route.hops.map((h) => [us, a, b, payee].find((n) => n.hex === toHex(h.nodeId))!.name)

/** us → a → payee and us → b → payee, b cheaper unless told otherwise */
function diamond(aPolicy = {}, bPolicy = {}): ChannelGraph {
  const g = new ChannelGraph()
  g.addEdge(edge(us, a, scid(1)))
  g.addEdge(edge(us, b, scid(2)))
  g.addEdge(edge(a, payee, scid(3), { feeBaseMsat: 2000n, ...aPolicy }))
  g.addEdge(edge(b, payee, scid(4), { feeBaseMsat: 1000n, ...bPolicy }))
  return g
}

function noRoute(fn: () => unknown): NoRouteError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(NoRouteError)
    expect((err as NoRouteError).code).toBe('NO_ROUTE')
    return err as NoRouteError
  }
  throw new Error('expected NoRouteError')
}

describe('pathfinding', () => {
  it('takes the cheaper of two competing routes', () => {
    expect(path(findRoute(diamond(), request()))).toEqual(['b', 'payee'])
    expect(path(findRoute(diamond({ feeBaseMsat: 500n }), request()))).toEqual(['a', 'payee'])
  })

  it('routes only over the channels it is told to, however dear, and finds none when they make no path', () => {
    // a jamming study forces the path across the channel it attacks
    const onlyA = new Set([scid(1), scid(3)])
    expect(path(findRoute(diamond(), request({ onlyChannels: onlyA })))).toEqual(['a', 'payee'])
    noRoute(() => findRoute(diamond(), request({ onlyChannels: new Set([scid(1), scid(4)]) })))
  })

  it("computes each hop's fee on what it forwards, to the msat, over three hops", () => {
    // us → a → b → payee: our channel charges nothing; b charges on 1,000,000, a on what b receives
    const g = new ChannelGraph()
    g.addEdge(edge(us, a, scid(1), { feeBaseMsat: 9999n, cltvExpiryDelta: 99 }))
    g.addEdge(edge(a, b, scid(2), { feeBaseMsat: 1000n, feeProportionalMillionths: 333n, cltvExpiryDelta: 144 }))
    g.addEdge(edge(b, payee, scid(3), { feeBaseMsat: 500n, feeProportionalMillionths: 2000n, cltvExpiryDelta: 40 }))
    const route = findRoute(g, request())
    // b: 500 + 1,000,000 × 2000 / 1e6 = 2,500 → receives 1,002,500
    // a: 1000 + 1,002,500 × 333 / 1e6 = 1000 + 333 (333.8325 rounded down) = 1,333 → receives 1,003,833
    expect(route.hops.map((h) => [h.amountMsat, h.feeMsat, h.amtToForward])).toEqual([
      [1_003_833n, 1_333n, 1_002_500n],
      [1_002_500n, 2_500n, 1_000_000n],
      [1_000_000n, 0n, 1_000_000n],
    ])
    expect(route.totalAmountMsat).toBe(1_003_833n)
    expect(route.totalFeeMsat).toBe(3_833n)
    // final expiry 100 + 18 = 118; b adds 40, a adds 144; our own channel's delta is not ours to add
    expect(route.hops.map((h) => [h.cltvExpiry, h.outgoingCltvValue])).toEqual([
      [302, 158],
      [158, 118],
      [118, 118],
    ])
    expect(route.totalCltvExpiry).toBe(302)
    expect(route.hops.map((h) => h.shortChannelId)).toEqual([scid(1), scid(2), scid(3)])
    expect(hopPayloads(route)).toEqual([
      { amtToForward: 1_002_500n, outgoingCltvValue: 158, shortChannelId: scid(2) },
      { amtToForward: 1_000_000n, outgoingCltvValue: 118, shortChannelId: scid(3) },
      { amtToForward: 1_000_000n, outgoingCltvValue: 118 },
    ])
    const text = routeToString(route, (id) => (id === a.hex ? 'alice' : undefined))
    expect(text).toContain('route of 3 hops: 1000000 msat + 3833 msat fee = 1003833 msat, cltv 302')
    expect(text).toContain(
      `101x1x0 → alice ${a.hex.slice(0, 8)}…  receives 1003833 msat (fee 1333) cltv 302, ` +
        'forwards 1002500 msat cltv 158',
    )
  })

  it('respects htlc_minimum_msat, htlc_maximum_msat, capacity and disabled edges', () => {
    // the cheap route through b is closed in turn; the limits apply to what the edge carries, fees of later hops
    // included
    expect(path(findRoute(diamond({}, { htlcMinimumMsat: 1_000_001n }), request()))).toEqual(['a', 'payee'])
    expect(path(findRoute(diamond({}, { htlcMaximumMsat: 999_999n }), request()))).toEqual(['a', 'payee'])
    expect(path(findRoute(diamond({}, { capacityMsat: 999_999n }), request()))).toEqual(['a', 'payee'])
    expect(path(findRoute(diamond({}, { disabled: true }), request()))).toEqual(['a', 'payee'])
    const g = diamond({ disabled: true }, { disabled: true })
    noRoute(() => findRoute(g, request()))
    // our channel to b carries b's fee too: 1,000,000 + 1,100 > 1,001,000
    const tight = diamond()
    tight.addEdge(edge(us, b, scid(2), { capacityMsat: 1_001_000n }))
    expect(path(findRoute(tight, request()))).toEqual(['a', 'payee'])
  })

  it('uses our channels as they are now: live balance, active or not, announced or not', () => {
    const local = (over: { spendableMsat?: bigint; active?: boolean } = {}) => [
      { shortChannelId: scid(1), remoteNodeId: a.nodeId, spendableMsat: 5_000_000n, active: true },
      { shortChannelId: scid(2), remoteNodeId: b.nodeId, spendableMsat: 5_000_000n, active: true, ...over },
    ]
    expect(path(findRoute(diamond(), request({ localChannels: local() })))).toEqual(['b', 'payee'])
    expect(path(findRoute(diamond(), request({ localChannels: local({ spendableMsat: 1_000_999n }) })))).toEqual([
      'a',
      'payee',
    ])
    expect(path(findRoute(diamond(), request({ localChannels: local({ active: false }) })))).toEqual(['a', 'payee'])
    // a private channel gossip never saw
    const direct = findRoute(
      diamond(),
      request({
        localChannels: [
          { shortChannelId: scid(9), remoteNodeId: payee.nodeId, spendableMsat: 2_000_000n, active: true },
        ],
      }),
    )
    expect(direct.hops.map((h) => h.shortChannelId)).toEqual([scid(9)])
    expect(direct.totalFeeMsat).toBe(0n)
    // with no channels of our own there is no way out
    noRoute(() => findRoute(diamond(), request({ localChannels: [] })))
  })

  it('keeps to the CLTV and fee budgets', () => {
    // through b: 18 + 40 = 58 blocks; through a (delta 10): 28 blocks
    const g = diamond({ cltvExpiryDelta: 10 })
    expect(path(findRoute(g, request()))).toEqual(['b', 'payee'])
    expect(path(findRoute(g, request(), { maxTotalCltvExpiryDelta: 57 }))).toEqual(['a', 'payee'])
    noRoute(() => findRoute(g, request(), { maxTotalCltvExpiryDelta: 27 }))
    noRoute(() => findRoute(g, request({ finalCltvExpiryDelta: 3000 })))
    // b costs 1000 + 100 = 1,100 msat, a 2,100
    expect(findRoute(g, request({ maxFeeMsat: 1_100n })).totalFeeMsat).toBe(1_100n)
    noRoute(() => findRoute(g, request({ maxFeeMsat: 1_099n })))
  })

  it('weighs the blocks an amount stays locked against the fee', () => {
    const g = diamond({ cltvExpiryDelta: 10 }, { cltvExpiryDelta: 1900 })
    expect(path(findRoute(g, request({ amountMsat: 100_000_000n }), { riskFactorPpb: 0 }))).toEqual(['b', 'payee'])
    // 100,000,000 × 1890 extra blocks × 15e-9 ≈ 2,835 msat of risk against 1,000 msat of fee saved
    expect(path(findRoute(g, request({ amountMsat: 100_000_000n })))).toEqual(['a', 'payee'])
  })

  it("finds the payee through an invoice's route hints", () => {
    const g = diamond()
    const hidden = testNode('hidden payee')
    const hint = [
      {
        nodeId: b.nodeId,
        shortChannelId: scid(7),
        feeBaseMsat: 10n,
        feeProportionalMillionths: 1000,
        cltvExpiryDelta: 9,
      },
    ]
    noRoute(() => findRoute(g, request({ destination: hidden.nodeId })))
    const route = findRoute(g, request({ destination: hidden.nodeId, routeHints: [hint] }))
    expect(route.hops.map((h) => h.shortChannelId)).toEqual([scid(2), scid(7)])
    expect(route.hops[0]!.feeMsat).toBe(10n + 1000n)
    expect(route.totalCltvExpiry).toBe(100 + 18 + 9)
  })

  it('breaks ties the same way whatever order the graph was built in', () => {
    const build = (reverse: boolean) => {
      const edges = [edge(us, a, scid(5)), edge(us, b, scid(6)), edge(a, payee, scid(8)), edge(b, payee, scid(7))]
      const g = new ChannelGraph()
      for (const e of reverse ? edges.reverse() : edges) g.addEdge(e)
      return findRoute(g, request()).hops.map((h) => h.shortChannelId)
    }
    expect(build(false)).toEqual(build(true))
    // equal in every way: our channel with the lower short_channel_id decides
    expect(build(false)).toEqual([scid(5), scid(8)])
  })

  it('refuses what no graph can satisfy, and says so with a typed error', () => {
    const g = diamond()
    expect(() => findRoute(g, request({ amountMsat: 0n }))).toThrow(InvalidInputError)
    const unknown = noRoute(() => findRoute(g, request({ destination: testNode('stranger').nodeId })))
    expect(unknown.details).toMatchObject({ amountMsat: '1000000' })
    noRoute(() => findRoute(g, request({ destination: us.nodeId })))
    noRoute(() => findRoute(g, request(), { maxHops: 1 }))
    expect(findRoute(g, request(), { maxHops: 2 }).hops).toHaveLength(2)
  })
})
