import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/bytes.js'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import { encodeMessage } from '../../../src/wire/codec.js'
import { NoRouteError } from '../../../src/routing/errors.js'
import { GossipStore } from '../../../src/routing/gossip/store.js'
import { ChannelGraph } from '../../../src/routing/graph.js'
import { MissionControl } from '../../../src/routing/missionControl.js'
import { FAILURE } from '../../../src/routing/onion/failureCodes.js'
import { findRoute, type RouteRequest } from '../../../src/routing/pathfinding.js'
import type { Route } from '../../../src/routing/route.js'
import { announce, CHAIN_HASH, edge, FakeChain, NOW, NOW_S, testNode, update } from './helpers.js'

const us = testNode('us')
const a = testNode('a')
const b = testNode('b')
const c = testNode('c')
const payee = testNode('payee')
const names = new Map([us, a, b, c, payee].map((n) => [n.hex, n.name]))
const scid = (n: number) => shortChannelId(100 + n, 1, 0)
const HALF_LIFE = 60_000

const request: RouteRequest = {
  source: us.nodeId,
  destination: payee.nodeId,
  amountMsat: 1_000_000n,
  blockHeight: 100,
  finalCltvExpiryDelta: 18,
}
const path = (route: Route) => route.hops.map((h) => names.get(toHex(h.nodeId)))

/** us → a → payee (cheap), us → b → payee (dearer), us → a → c → payee (dearest) */
function network(): ChannelGraph {
  const g = new ChannelGraph()
  g.addEdge(edge(us, a, scid(1)))
  g.addEdge(edge(us, b, scid(2)))
  g.addEdge(edge(a, payee, scid(3), { feeBaseMsat: 1000n }))
  g.addEdge(edge(b, payee, scid(4), { feeBaseMsat: 3000n }))
  g.addEdge(edge(a, c, scid(5), { feeBaseMsat: 2000n }))
  g.addEdge(edge(c, payee, scid(6), { feeBaseMsat: 2000n }))
  return g
}

describe('mission control', () => {
  it('after a temporary_channel_failure the other route is taken, and the channel is forgotten after the decay', () => {
    const graph = network()
    const mc = new MissionControl({ halfLifeMs: HALF_LIFE })
    const route = (now: number) => path(findRoute(graph, { ...request, nowMs: now }, { history: mc }))
    const cheap = findRoute(graph, request, { history: mc })
    expect(path(cheap)).toEqual(['a', 'payee'])
    // a could not forward over its channel to the payee
    const lesson = mc.recordFailure(cheap, 0, { code: FAILURE.TEMPORARY_CHANNEL_FAILURE }, NOW)
    expect(lesson).toEqual({
      channels: [{ shortChannelId: scid(3), from: a.hex }],
      nodes: [],
      appliedChannelUpdate: false,
    })
    expect(route(NOW)).toEqual(['b', 'payee'])
    expect(route(NOW + HALF_LIFE)).toEqual(['b', 'payee'])
    // ten half-lives on, the failure is forgotten
    expect(route(NOW + 10 * HALF_LIFE)).toEqual(['a', 'payee'])
  })

  it('recovers the probability as 1 − 2^(−t/half-life), and forgets at forgetAfterMs', () => {
    const mc = new MissionControl({ halfLifeMs: HALF_LIFE, forgetAfterMs: 5 * HALF_LIFE })
    const cheap = findRoute(network(), request)
    mc.recordFailure(cheap, 0, { code: FAILURE.TEMPORARY_CHANNEL_FAILURE }, NOW)
    expect(mc.channel(scid(3), a.hex, NOW)).toBe(0)
    expect(mc.channel(scid(3), a.hex, NOW + HALF_LIFE)).toBe(0.5)
    expect(mc.channel(scid(3), a.hex, NOW + 2 * HALF_LIFE)).toBe(0.75)
    expect(mc.channel(scid(3), a.hex, NOW + 5 * HALF_LIFE)).toBe(1)
    // the other direction, and other channels, are not in doubt
    expect(mc.channel(scid(3), payee.hex, NOW)).toBe(1)
    expect(mc.channel(scid(1), us.hex, NOW)).toBe(1)
    mc.prune(NOW + 5 * HALF_LIFE)
    expect(mc.channel(scid(3), a.hex, NOW + HALF_LIFE)).toBe(1)
  })

  it('a node failure, or an answer only a payee may give from a relay, steers around the node', () => {
    const graph = network()
    for (const code of [
      FAILURE.TEMPORARY_NODE_FAILURE,
      FAILURE.PERMANENT_NODE_FAILURE,
      FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS,
      FAILURE.INVALID_ONION_HMAC,
    ]) {
      const mc = new MissionControl({ halfLifeMs: HALF_LIFE })
      const route = findRoute(graph, request)
      expect(mc.recordFailure(route, 0, { code }, NOW).nodes).toEqual([a.hex])
      expect(path(findRoute(graph, { ...request, nowMs: NOW }, { history: mc }))).toEqual(['b', 'payee'])
    }
  })

  it("unknown_next_peer blames the relay's channel and the peer it could not reach", () => {
    const graph = network()
    const mc = new MissionControl({ halfLifeMs: HALF_LIFE })
    // a route through c, as it would be taken with a → payee and b unusable
    const viaC = findRoute(graph, request, {
      history: { channel: (s) => (s === scid(3) || s === scid(2) ? 0 : 1), node: () => 1 },
    })
    expect(path(viaC)).toEqual(['a', 'c', 'payee'])
    expect(mc.recordFailure(viaC, 0, { code: FAILURE.UNKNOWN_NEXT_PEER }, NOW)).toMatchObject({
      channels: [{ shortChannelId: scid(5), from: a.hex }],
      nodes: [c.hex],
    })
    expect(mc.node(c.hex, NOW)).toBe(0)
    // next to the payee only the channel can be avoided
    const direct = findRoute(graph, request)
    expect(mc.recordFailure(direct, 0, { code: FAILURE.UNKNOWN_NEXT_PEER }, NOW)).toMatchObject({
      channels: [{ shortChannelId: scid(3) }],
      nodes: [],
    })
    expect(path(findRoute(graph, { ...request, nowMs: NOW }, { history: mc }))).toEqual(['b', 'payee'])
  })

  it("learns nothing from the payee's own refusal, and doubts the whole route when no hop can be blamed", () => {
    const graph = network()
    const mc = new MissionControl({ halfLifeMs: HALF_LIFE })
    const route = findRoute(graph, request)
    expect(mc.recordFailure(route, 1, { code: FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS }, NOW)).toEqual({
      channels: [],
      nodes: [],
      appliedChannelUpdate: false,
    })
    expect(path(findRoute(graph, { ...request, nowMs: NOW }, { history: mc }))).toEqual(['a', 'payee'])
    // our own channel is not in doubt: we know it
    expect(mc.recordFailure(route, undefined, undefined, NOW).channels).toEqual([
      { shortChannelId: scid(3), from: a.hex },
    ])
    expect(path(findRoute(graph, { ...request, nowMs: NOW }, { history: mc }))).toEqual(['b', 'payee'])
  })

  it('a success clears what was held against the route', () => {
    const graph = network()
    const mc = new MissionControl({ halfLifeMs: HALF_LIFE })
    const route = findRoute(graph, request)
    mc.recordFailure(route, 0, { code: FAILURE.TEMPORARY_CHANNEL_FAILURE }, NOW)
    mc.recordFailure(route, 0, { code: FAILURE.TEMPORARY_NODE_FAILURE }, NOW)
    mc.recordSuccess(route, NOW + 1)
    expect([mc.channel(scid(3), a.hex, NOW + 1), mc.node(a.hex, NOW + 1)]).toEqual([1, 1])
  })

  it('when every route is in doubt, there is no route until the doubt fades', () => {
    const graph = new ChannelGraph()
    graph.addEdge(edge(us, a, scid(1)))
    graph.addEdge(edge(a, payee, scid(3)))
    const mc = new MissionControl({ halfLifeMs: HALF_LIFE })
    mc.recordFailure(findRoute(graph, request), 0, { code: FAILURE.TEMPORARY_CHANNEL_FAILURE }, NOW)
    expect(() => findRoute(graph, { ...request, nowMs: NOW + 100 }, { history: mc })).toThrow(NoRouteError)
    expect(path(findRoute(graph, { ...request, nowMs: NOW + HALF_LIFE }, { history: mc }))).toEqual(['a', 'payee'])
  })
})

describe('mission control and the channel_update in a failure', () => {
  async function gossipNetwork() {
    const chain = new FakeChain()
    const store = new GossipStore({ chainHash: CHAIN_HASH, lookupFundingOutput: chain.lookup })
    const channels: Array<[typeof us, typeof us, number, number]> = [
      [us, a, 1, 1000],
      [us, b, 2, 1000],
      [a, payee, 3, 1000],
      [b, payee, 4, 3000],
    ]
    for (const [x, y, n, fee] of channels) {
      chain.fund(scid(n), x, y, 10_000_000n)
      await store.accept(announce(x, y, scid(n)), NOW)
      store.acceptChannelUpdate(update(x, y, scid(n), { feeBaseMsat: fee }), NOW)
      store.acceptChannelUpdate(update(y, x, scid(n), { feeBaseMsat: fee }), NOW)
    }
    const mc = new MissionControl({ halfLifeMs: HALF_LIFE, updates: store })
    return { store, mc }
  }

  it('fee_insufficient with a newer valid update: the new fee is applied and the channel is not blamed', async () => {
    const { store, mc } = await gossipNetwork()
    const route = findRoute(ChannelGraph.fromStore(store), request, { history: mc })
    expect(path(route)).toEqual(['a', 'payee'])
    const raised = encodeMessage(update(a, payee, scid(3), { feeBaseMsat: 5000 }, NOW_S + 1))
    const lesson = mc.recordFailure(route, 0, { code: FAILURE.FEE_INSUFFICIENT, channelUpdate: raised }, NOW)
    expect(lesson).toEqual({ channels: [], nodes: [], appliedChannelUpdate: true })
    expect(mc.channel(scid(3), a.hex, NOW)).toBe(1)
    // a now asks 5,000 + 100 msat, b 3,000 + 100: b is cheaper
    const next = findRoute(ChannelGraph.fromStore(store), { ...request, nowMs: NOW }, { history: mc })
    expect(path(next)).toEqual(['b', 'payee'])
    expect(next.totalFeeMsat).toBe(3_100n)
  })

  it('an update that is stale, forged, for another channel or unreadable does not excuse the hop', async () => {
    const { store, mc } = await gossipNetwork()
    const route = findRoute(ChannelGraph.fromStore(store), request)
    const bad = [
      encodeMessage(update(a, payee, scid(3), { feeBaseMsat: 1000 }, NOW_S)),
      encodeMessage({ ...update(a, payee, scid(3), { feeBaseMsat: 5000 }, NOW_S + 1), feeBaseMsat: 6000 }),
      encodeMessage(update(b, payee, scid(4), { feeBaseMsat: 5000 }, NOW_S + 1)),
      new Uint8Array([1, 2, 3]),
    ]
    for (const channelUpdate of bad) {
      expect(mc.recordFailure(route, 0, { code: FAILURE.INCORRECT_CLTV_EXPIRY, channelUpdate }, NOW)).toEqual({
        channels: [{ shortChannelId: scid(3), from: a.hex }],
        nodes: [],
        appliedChannelUpdate: false,
      })
    }
    expect(store.channel(scid(4))!.updates.every((u) => u!.message.feeBaseMsat === 3000)).toBe(true)
  })

  it('temporary_channel_failure applies its update and still blames the channel', async () => {
    const { store, mc } = await gossipNetwork()
    const route = findRoute(ChannelGraph.fromStore(store), request)
    const disabled = encodeMessage(update(a, payee, scid(3), { disabled: true }, NOW_S + 1))
    expect(
      mc.recordFailure(route, 0, { code: FAILURE.TEMPORARY_CHANNEL_FAILURE, channelUpdate: disabled }, NOW),
    ).toEqual({ channels: [{ shortChannelId: scid(3), from: a.hex }], nodes: [], appliedChannelUpdate: true })
    expect(
      [...ChannelGraph.fromStore(store).edges()].find((e) => e.shortChannelId === scid(3) && e.from === a.hex)!
        .disabled,
    ).toBe(true)
  })
})
