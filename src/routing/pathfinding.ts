/**
 * The cheapest route to a payee, found as LND and LDK do: Dijkstra from the
 * payee back to us, because a hop's fee is charged on what it forwards, so
 * amounts are only known walking backward. Each edge weighs
 *
 *     fee + amount · cltv_expiry_delta · riskFactor            (money locked per block)
 *         + attemptCost · (1/P − 1)                            (expected cost of failing there)
 *
 * with P the edge's success probability: the share of the channel's capacity
 * the amount leaves free (a uniform guess at where its liquidity sits), times
 * what past payments taught (see missionControl.ts). Edges less likely than
 * minProbability, disabled, outside htlc_minimum/maximum, above capacity, or
 * (our own) above the spendable balance are not taken; nor are paths over the
 * fee or CLTV budget. Ties go to the lower short_channel_id, so the same graph
 * always gives the same route.
 */
import type { Msat } from '../core/amount.js'
import { fromHex, toHex } from '../core/bytes.js'
import { InvalidInputError } from '../core/errors.js'
import type { ShortChannelId } from '../core/shortChannelId.js'
import type { RouteHint } from './routeHint.js'
import { NoRouteError } from './errors.js'
import { GraphOverlay, type EdgeSource, type GraphEdge, type LocalChannel, type NodeKey } from './graph.js'
import { forwardingFee, type Route, type RouteHop } from './route.js'

/** What past payments say of a channel direction or a node: 1 when nothing is held against it. */
export interface SuccessProbabilities {
  /** `amountMsat`: what the channel would carry (a channel short of liquidity may still carry less) */
  channel(shortChannelId: ShortChannelId, from: NodeKey, nowMs: number, amountMsat?: bigint): number
  node(nodeId: NodeKey, nowMs: number): number
}

export interface RouteRequest {
  /** us */
  source: Uint8Array
  destination: Uint8Array
  /** what the payee must receive */
  amountMsat: Msat
  blockHeight: number
  /** the invoice's min_final_cltv_expiry_delta, plus any safety margin */
  finalCltvExpiryDelta: number
  /** @default no limit */
  maxFeeMsat?: Msat
  /** our channels as they are now; when given, they replace what gossip says of channels leaving us */
  localChannels?: readonly LocalChannel[]
  /** the invoice's private routes to the payee */
  routeHints?: readonly RouteHint[]
  /** for decaying what `history` learned. @default Date.now() */
  nowMs?: number
  /**
   * route only over these channels (LND's outgoing_chan_ids and last_hop, Core Lightning's sendpay route, in one):
   * a caller that must cross a given channel, a probe or a jamming study, names the path's channels
   */
  onlyChannels?: ReadonlySet<ShortChannelId>
}

export interface PathfindingOptions {
  /** the furthest our own HTLC may expire, in blocks from now. @default 2016 (LND's limit) */
  maxTotalCltvExpiryDelta?: number
  /** @default 20, what a BOLT #4 onion holds with lnsim's payloads */
  maxHops?: number
  /** billionths of the amount charged per block it stays locked at a hop. @default 15 (LND's) */
  riskFactorPpb?: number
  /** what a failed attempt costs, in msat and in millionths of the amount. @default 10_000 msat + 1000 ppm */
  attemptCostMsat?: number
  attemptCostPpm?: number
  /** edges less likely to succeed are not tried. @default 0.01 */
  minProbability?: number
  /** what failed payments taught (a MissionControl) */
  history?: SuccessProbabilities
}

const DEFAULTS = {
  maxTotalCltvExpiryDelta: 2016,
  maxHops: 20,
  riskFactorPpb: 15,
  attemptCostMsat: 10_000,
  attemptCostPpm: 1000,
  minProbability: 0.01,
}

/** The best known way from a node to the payee. */
interface Label {
  weight: number
  /** what the HTLC arriving at this node must carry */
  amountMsat: Msat
  /** blocks above the current height at which that HTLC expires */
  cltvDelta: number
  hops: number
  /** the edge this node sends on; undefined at the payee */
  via: GraphEdge | undefined
  settled: boolean
}

/** Throws NoRouteError when nothing fits, InvalidInputError for a request that cannot be met by any graph. */
export function findRoute(graph: EdgeSource, request: RouteRequest, options: PathfindingOptions = {}): Route {
  const o = { ...DEFAULTS, ...options }
  const source = toHex(request.source)
  const destination = toHex(request.destination)
  const amount = request.amountMsat
  if (amount <= 0n) throw new InvalidInputError(`a route needs a positive amount, got ${amount} msat`)
  if (!Number.isInteger(request.finalCltvExpiryDelta) || request.finalCltvExpiryDelta < 0)
    throw new InvalidInputError(
      `finalCltvExpiryDelta must be a non-negative integer, got ${request.finalCltvExpiryDelta}`,
    )
  const noRoute = (why: string): NoRouteError =>
    new NoRouteError(`no route to ${destination.slice(0, 16)}… for ${amount} msat: ${why}`, {
      destination,
      amountMsat: amount.toString(),
    })
  if (source === destination) throw noRoute('it is this node')
  if (request.finalCltvExpiryDelta > o.maxTotalCltvExpiryDelta)
    throw noRoute(
      `the final CLTV delta ${request.finalCltvExpiryDelta} alone exceeds the limit ` +
        `of ${o.maxTotalCltvExpiryDelta} blocks`,
    )

  const edges =
    request.localChannels || request.routeHints
      ? new GraphOverlay(graph, {
          source,
          ...(request.localChannels ? { localChannels: request.localChannels } : {}),
          ...(request.routeHints ? { routeHints: { payee: destination, hints: request.routeHints } } : {}),
        })
      : graph
  const now = request.nowMs ?? Date.now()
  const attemptCost = o.attemptCostMsat + (Number(amount) * o.attemptCostPpm) / 1e6
  const riskPerBlock = o.riskFactorPpb / 1e9
  const maxFee = request.maxFeeMsat

  const labels = new Map<NodeKey, Label>([
    [
      destination,
      {
        weight: 0,
        amountMsat: amount,
        cltvDelta: request.finalCltvExpiryDelta,
        hops: 0,
        via: undefined,
        settled: false,
      },
    ],
  ])
  const queue = new NodeQueue()
  queue.push(destination, 0)
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const v = labels.get(next)!
    if (v.settled) continue
    v.settled = true
    if (next === source) break
    if (v.hops >= o.maxHops) continue
    for (const e of edges.edgesTo(next)) {
      const u = labels.get(e.from)
      if (u?.settled) continue
      if (request.onlyChannels && !request.onlyChannels.has(e.shortChannelId)) continue
      const onEdge = v.amountMsat
      if (e.disabled || onEdge < e.htlcMinimumMsat) continue
      if (
        (e.htlcMaximumMsat !== undefined && onEdge > e.htlcMaximumMsat) ||
        (e.capacityMsat !== undefined && onEdge > e.capacityMsat) ||
        (e.spendableMsat !== undefined && onEdge > e.spendableMsat)
      )
        continue
      // the first hop is ours: we charge ourselves no fee and add no delta
      const ours = e.from === source
      const fee = ours ? 0n : forwardingFee(onEdge, e.feeBaseMsat, e.feeProportionalMillionths)
      const amountIn = onEdge + fee
      if (maxFee !== undefined && amountIn - amount > maxFee) continue
      const delta = ours ? 0 : e.cltvExpiryDelta
      const cltvDelta = v.cltvDelta + delta
      if (cltvDelta > o.maxTotalCltvExpiryDelta) continue
      let probability =
        e.capacityMsat === undefined ? 1 : Number(e.capacityMsat - onEdge + 1n) / Number(e.capacityMsat + 1n)
      if (o.history) {
        probability *= o.history.channel(e.shortChannelId, e.from, now, onEdge)
        if (next !== destination) probability *= o.history.node(next, now)
      }
      if (probability < o.minProbability) continue
      const weight =
        v.weight + Number(fee) + Number(amountIn) * delta * riskPerBlock + attemptCost * (1 / probability - 1)
      if (u && (weight > u.weight || (weight === u.weight && e.shortChannelId >= u.via!.shortChannelId))) continue
      labels.set(e.from, { weight, amountMsat: amountIn, cltvDelta, hops: v.hops + 1, via: e, settled: false })
      queue.push(e.from, weight)
    }
  }
  if (!labels.get(source)?.settled)
    throw noRoute('no path satisfies the capacity, htlc limits, fee and CLTV budget, or the payee is not in the graph')
  return assemble(labels, source, request)
}

function assemble(labels: Map<NodeKey, Label>, source: NodeKey, request: RouteRequest): Route {
  const path: Label[] = []
  for (let label = labels.get(source)!; label.via; label = labels.get(label.via.to)!) path.push(label)
  const payee = labels.get(path[path.length - 1]!.via!.to)!
  const hops: RouteHop[] = path.map((label, i) => {
    const reached = labels.get(label.via!.to)!
    const after = path[i + 1] === undefined ? payee : labels.get(path[i + 1]!.via!.to)!
    return {
      nodeId: fromHex(label.via!.to),
      shortChannelId: label.via!.shortChannelId,
      amountMsat: reached.amountMsat,
      cltvExpiry: request.blockHeight + reached.cltvDelta,
      amtToForward: after.amountMsat,
      outgoingCltvValue: request.blockHeight + after.cltvDelta,
      feeMsat: reached.amountMsat - after.amountMsat,
    }
  })
  const first = hops[0]!
  return {
    hops,
    amountMsat: request.amountMsat,
    totalAmountMsat: first.amountMsat,
    totalCltvExpiry: first.cltvExpiry,
    totalFeeMsat: first.amountMsat - request.amountMsat,
  }
}

/** A binary min-heap of nodes by weight, then node id; stale entries are skipped by the caller. */
class NodeQueue {
  private readonly weights: number[] = []
  private readonly nodes: NodeKey[] = []

  push(node: NodeKey, weight: number): void {
    let i = this.nodes.length
    this.nodes.push(node)
    this.weights.push(weight)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }

  pop(): NodeKey | undefined {
    const top = this.nodes[0]
    if (top === undefined) return undefined
    const lastNode = this.nodes.pop()!
    const lastWeight = this.weights.pop()!
    if (this.nodes.length > 0) {
      this.nodes[0] = lastNode
      this.weights[0] = lastWeight
      for (let i = 0; ;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < this.nodes.length && this.less(l, m)) m = l
        if (r < this.nodes.length && this.less(r, m)) m = r
        if (m === i) break
        this.swap(i, m)
        i = m
      }
    }
    return top
  }

  private less(a: number, b: number): boolean {
    return (
      this.weights[a]! < this.weights[b]! || (this.weights[a] === this.weights[b] && this.nodes[a]! < this.nodes[b]!)
    )
  }

  private swap(a: number, b: number): void {
    ;[this.nodes[a], this.nodes[b]] = [this.nodes[b]!, this.nodes[a]!]
    ;[this.weights[a], this.weights[b]] = [this.weights[b]!, this.weights[a]!]
  }
}
