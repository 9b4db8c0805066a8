import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/bytes.js'
import { NoRouteError } from '../../../src/routing/errors.js'
import { ChannelGraph, type GraphEdge } from '../../../src/routing/graph.js'
import { findRoute, type RouteRequest } from '../../../src/routing/pathfinding.js'
import { forwardingFee, type Route } from '../../../src/routing/route.js'
import { testNode } from './helpers.js'

const NODES = Array.from({ length: 7 }, (_, i) => testNode(`n${i}`))
const HEIGHT = 500
const FINAL_DELTA = 18

// mostly short steps along the node list, some back: routes of several hops, with detours and cycles
const edgeArb = (nodeCount: number, withMinimums: boolean) =>
  fc.record({
    from: fc.nat(nodeCount - 1),
    step: fc.constantFrom(1, 1, 2, nodeCount - 1),
    feeBaseMsat: fc.bigInt(0n, 5000n),
    feeProportionalMillionths: fc.bigInt(0n, 50_000n),
    cltvExpiryDelta: fc.integer({ min: 1, max: 200 }),
    htlcMinimumMsat: withMinimums ? fc.bigInt(0n, 300_000n) : fc.constant(0n),
    htlcMaximumMsat: fc.bigInt(200_000n, 5_000_000n),
    capacityMsat: fc.bigInt(300_000n, 6_000_000n),
    disabled: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  })

const graphArb = (withMinimums: boolean) =>
  fc.integer({ min: 4, max: NODES.length }).chain((nodeCount) =>
    fc.record({
      nodeCount: fc.constant(nodeCount),
      edges: fc.array(edgeArb(nodeCount, withMinimums), { minLength: 3 * nodeCount, maxLength: 6 * nodeCount }),
      amountMsat: fc.bigInt(1n, 400_000n),
    }),
  )

type Case = {
  nodeCount: number
  edges: Array<Omit<GraphEdge, 'shortChannelId' | 'from' | 'to' | 'origin'> & { from: number; step: number }>
  amountMsat: bigint
}

function build(c: Case): { graph: ChannelGraph; edges: GraphEdge[]; request: RouteRequest } {
  const graph = new ChannelGraph()
  const edges = c.edges
    // no edge straight from us to the payee: the interesting routes have hops
    .filter((e) => e.step % c.nodeCount !== 0 && !(e.from === 0 && e.from + e.step === c.nodeCount - 1))
    .map(({ step, ...e }, i): GraphEdge => ({
      ...e,
      shortChannelId: BigInt(i + 1),
      from: NODES[e.from]!.hex,
      to: NODES[(e.from + step) % c.nodeCount]!.hex,
      origin: 'gossip',
    }))
  for (const e of edges) graph.addEdge(e)
  const request = {
    source: NODES[0]!.nodeId,
    destination: NODES[c.nodeCount - 1]!.nodeId,
    amountMsat: c.amountMsat,
    blockHeight: HEIGHT,
    finalCltvExpiryDelta: FINAL_DELTA,
  }
  return { graph, edges, request }
}

function tryRoute(graph: ChannelGraph, request: RouteRequest, options = {}): Route | undefined {
  try {
    return findRoute(graph, request, options)
  } catch (err) {
    if (err instanceof NoRouteError) return undefined
    throw err
  }
}

/** Every rule a route must keep, checked against the graph it came from. */
function expectValid(route: Route, edges: GraphEdge[], request: RouteRequest): void {
  const source = toHex(request.source)
  const used = route.hops.map((hop, i) => {
    const from = i === 0 ? source : toHex(route.hops[i - 1]!.nodeId)
    const e = edges.find((x) => x.shortChannelId === hop.shortChannelId)
    expect(e, "each hop's edge exists").toBeDefined()
    expect([e!.from, e!.to]).toEqual([from, toHex(hop.nodeId)])
    expect(e!.disabled).toBe(false)
    expect(
      hop.amountMsat >= e!.htlcMinimumMsat &&
        hop.amountMsat <= e!.htlcMaximumMsat! &&
        hop.amountMsat <= e!.capacityMsat!,
      'the edge allows the amount',
    ).toBe(true)
    return e!
  })
  const nodes = [source, ...route.hops.map((h) => toHex(h.nodeId))]
  expect(new Set(nodes).size, 'no node twice').toBe(nodes.length)
  expect(nodes[nodes.length - 1]).toBe(toHex(request.destination))
  route.hops.forEach((hop, i) => {
    const next = route.hops[i + 1]
    expect(hop.amountMsat - hop.feeMsat).toBe(hop.amtToForward)
    if (next) {
      const out = used[i + 1]!
      expect(hop.feeMsat).toBe(forwardingFee(hop.amtToForward, out.feeBaseMsat, out.feeProportionalMillionths))
      expect(next.amountMsat).toBe(hop.amtToForward)
      expect(hop.cltvExpiry - out.cltvExpiryDelta).toBe(hop.outgoingCltvValue)
      expect(next.cltvExpiry).toBe(hop.outgoingCltvValue)
    } else {
      expect([hop.feeMsat, hop.amtToForward, hop.amountMsat]).toEqual([0n, request.amountMsat, request.amountMsat])
      expect([hop.cltvExpiry, hop.outgoingCltvValue]).toEqual([HEIGHT + FINAL_DELTA, HEIGHT + FINAL_DELTA])
    }
  })
  expect(route.hops.reduce((sum, h) => sum + h.feeMsat, 0n)).toBe(route.totalFeeMsat)
  expect(route.totalAmountMsat).toBe(request.amountMsat + route.totalFeeMsat)
  expect(route.totalAmountMsat).toBe(route.hops[0]!.amountMsat)
  expect(route.totalCltvExpiry).toBe(route.hops[0]!.cltvExpiry)
  expect(route.totalCltvExpiry - HEIGHT).toBeLessThanOrEqual(2016)
}

/** The cheapest fee over every simple path that keeps every limit, by brute force; undefined if none does. */
function cheapestByBruteForce(edges: GraphEdge[], request: RouteRequest): bigint | undefined {
  const source = toHex(request.source)
  const destination = toHex(request.destination)
  let best: bigint | undefined
  const walk = (node: string, amount: bigint, cltv: number, visited: Set<string>): void => {
    // walking backward from the payee: `amount` arrives at `node`
    for (const e of edges.filter((x) => x.to === node && !visited.has(x.from))) {
      if (e.disabled || amount < e.htlcMinimumMsat || amount > e.htlcMaximumMsat! || amount > e.capacityMsat!) continue
      if (e.from === source) {
        if (best === undefined || amount - request.amountMsat < best) best = amount - request.amountMsat
        continue
      }
      const fee = forwardingFee(amount, e.feeBaseMsat, e.feeProportionalMillionths)
      if (cltv + e.cltvExpiryDelta > 2016) continue
      walk(e.from, amount + fee, cltv + e.cltvExpiryDelta, new Set([...visited, e.from]))
    }
  }
  walk(destination, request.amountMsat, FINAL_DELTA, new Set([destination]))
  return best
}

describe('pathfinding on random graphs', () => {
  it('any route found is valid: its edges exist and allow the amount, fees add up, amounts fall by hop fees', () => {
    fc.assert(
      fc.property(graphArb(true), fc.option(fc.bigInt(0n, 60_000n), { nil: undefined }), (c, maxFeeMsat) => {
        const { graph, edges, request } = build(c as Case)
        const route = tryRoute(graph, maxFeeMsat === undefined ? request : { ...request, maxFeeMsat })
        if (!route) return
        expectValid(route, edges, request)
        if (maxFeeMsat !== undefined) expect(route.totalFeeMsat).toBeLessThanOrEqual(maxFeeMsat)
      }),
      { numRuns: 300 },
    )
  })

  it('weighing fees alone, finds a route exactly when one exists, and the cheapest one', () => {
    const feesOnly = { riskFactorPpb: 0, attemptCostMsat: 0, attemptCostPpm: 0, minProbability: 0 }
    fc.assert(
      fc.property(graphArb(false), (c) => {
        const { graph, edges, request } = build(c as Case)
        const route = tryRoute(graph, request, feesOnly)
        const cheapest = cheapestByBruteForce(edges, request)
        expect(route?.totalFeeMsat).toBe(cheapest)
        if (route) expectValid(route, edges, request)
      }),
      { numRuns: 300 },
    )
  })
})
