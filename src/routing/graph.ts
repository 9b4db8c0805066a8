/**
 * The network as pathfinding sees it: nodes, and one directed edge per
 * channel direction that has a policy. Public channels come from the gossip
 * store; at query time an overlay adds what only this node knows: its own
 * channels with their live balances (announced or not) and the private
 * channels an invoice's route hints describe.
 */
import { satToMsat, type Msat } from '../core/amount.js'
import { toHex } from '../core/bytes.js'
import type { ShortChannelId } from '../core/shortChannelId.js'
import type { RouteHint } from './routeHint.js'
import { isDisabled, updateDirection } from './gossip/channelUpdate.js'
import { aliasText, colorText } from './gossip/nodeAnnouncement.js'
import type { GossipStore } from './gossip/store.js'

/** Node ids are hex inside the graph: they key maps. */
export type NodeKey = string

export interface GraphEdge {
  shortChannelId: ShortChannelId
  from: NodeKey
  to: NodeKey
  /** fees `from` charges to forward over this edge */
  feeBaseMsat: Msat
  feeProportionalMillionths: bigint
  cltvExpiryDelta: number
  htlcMinimumMsat: Msat
  /** undefined: no limit is known (a route hint) */
  htlcMaximumMsat: Msat | undefined
  disabled: boolean
  /** undefined: not known (a route hint) */
  capacityMsat: Msat | undefined
  /** our own channel: what it can send right now */
  spendableMsat?: Msat
  origin: 'gossip' | 'local' | 'hint'
}

export interface GraphNode {
  nodeId: NodeKey
  alias: string | undefined
  color: string | undefined
  addresses: string[]
}

/** What pathfinding walks: the edges arriving at a node (it searches from the payee back to us). */
export interface EdgeSource {
  edgesTo(node: NodeKey): readonly GraphEdge[]
}

const NO_EDGES: readonly GraphEdge[] = []

export class ChannelGraph implements EdgeSource {
  private readonly incoming = new Map<NodeKey, GraphEdge[]>()
  private readonly nodeInfo = new Map<NodeKey, GraphNode>()

  /** Every announced channel direction with an update, every node of an announced channel. */
  static fromStore(store: GossipStore): ChannelGraph {
    const graph = new ChannelGraph()
    for (const c of store.channels()) {
      const a = c.announcement.message
      const ends = [toHex(a.nodeId1), toHex(a.nodeId2)] as const
      for (const id of ends) graph.addNode(id)
      for (const stored of c.updates) {
        if (!stored) continue
        const u = stored.message
        const direction = updateDirection(u)
        graph.addEdge({
          shortChannelId: a.shortChannelId,
          from: ends[direction],
          to: ends[1 - direction]!,
          feeBaseMsat: BigInt(u.feeBaseMsat),
          feeProportionalMillionths: BigInt(u.feeProportionalMillionths),
          cltvExpiryDelta: u.cltvExpiryDelta,
          htlcMinimumMsat: u.htlcMinimumMsat,
          htlcMaximumMsat: u.htlcMaximumMsat,
          disabled: isDisabled(u),
          capacityMsat: satToMsat(c.capacitySat),
          origin: 'gossip',
        })
      }
    }
    for (const { message: n } of store.nodeAnnouncements()) {
      graph.nodeInfo.set(toHex(n.nodeId), {
        nodeId: toHex(n.nodeId),
        alias: aliasText(n.alias),
        color: colorText(n.rgbColor),
        addresses: n.addresses,
      })
    }
    return graph
  }

  addNode(nodeId: NodeKey): void {
    if (!this.nodeInfo.has(nodeId))
      this.nodeInfo.set(nodeId, { nodeId, alias: undefined, color: undefined, addresses: [] })
  }

  /** Adds an edge, or replaces the one of the same channel and direction. */
  addEdge(edge: GraphEdge): void {
    this.addNode(edge.from)
    this.addNode(edge.to)
    const list = this.incoming.get(edge.to)
    if (!list) {
      this.incoming.set(edge.to, [edge])
    } else {
      const at = list.findIndex((e) => e.shortChannelId === edge.shortChannelId && e.from === edge.from)
      if (at >= 0) list[at] = edge
      else list.push(edge)
    }
  }

  edgesTo(node: NodeKey): readonly GraphEdge[] {
    return this.incoming.get(node) ?? NO_EDGES
  }

  *edges(): IterableIterator<GraphEdge> {
    for (const list of this.incoming.values()) yield* list
  }

  node(nodeId: NodeKey): GraphNode | undefined {
    return this.nodeInfo.get(nodeId)
  }

  nodes(): IterableIterator<GraphNode> {
    return this.nodeInfo.values()
  }

  get nodeCount(): number {
    return this.nodeInfo.size
  }

  get edgeCount(): number {
    let n = 0
    for (const list of this.incoming.values()) n += list.length
    return n
  }
}

/** One of our own channels, as the channel state knows it now. */
export interface LocalChannel {
  shortChannelId: ShortChannelId
  remoteNodeId: Uint8Array
  /** what we can add as a new HTLC now (after reserve, fees and pending HTLCs) */
  spendableMsat: Msat
  /** NORMAL and the peer connected */
  active: boolean
  /** the peer's htlc_minimum_msat. @default 0n */
  htlcMinimumMsat?: Msat
}

export interface GraphExtras {
  /** us */
  source: NodeKey
  /** when given, they replace whatever gossip says about channels leaving us: we know our channels better */
  localChannels?: readonly LocalChannel[]
  /** from the payee's invoice: private channels that lead to it */
  routeHints?: { payee: NodeKey; hints: readonly RouteHint[] }
}

/** The graph plus our own channels and the invoice's route hints, without copying the graph. */
export class GraphOverlay implements EdgeSource {
  private readonly added = new Map<NodeKey, GraphEdge[]>()
  private readonly replacesSourceEdges: boolean

  constructor(
    private readonly base: EdgeSource,
    private readonly extras: GraphExtras,
  ) {
    this.replacesSourceEdges = extras.localChannels !== undefined
    for (const c of extras.localChannels ?? []) {
      this.add({
        shortChannelId: c.shortChannelId,
        from: extras.source,
        to: toHex(c.remoteNodeId),
        // we pay no fee to ourselves and add no delta of our own
        feeBaseMsat: 0n,
        feeProportionalMillionths: 0n,
        cltvExpiryDelta: 0,
        htlcMinimumMsat: c.htlcMinimumMsat ?? 0n,
        htlcMaximumMsat: undefined,
        disabled: !c.active,
        capacityMsat: undefined,
        spendableMsat: c.spendableMsat,
        origin: 'local',
      })
    }
    for (const hint of extras.routeHints?.hints ?? []) {
      hint.forEach((hop, i) => {
        const from = toHex(hop.nodeId)
        const to = i + 1 < hint.length ? toHex(hint[i + 1]!.nodeId) : extras.routeHints!.payee
        // a public channel's signed policy wins over the payee's word for it
        if (
          from === extras.source ||
          this.edgesTo(to).some((e) => e.shortChannelId === hop.shortChannelId && e.from === from)
        )
          return
        this.add({
          shortChannelId: hop.shortChannelId,
          from,
          to,
          feeBaseMsat: hop.feeBaseMsat,
          feeProportionalMillionths: BigInt(hop.feeProportionalMillionths),
          cltvExpiryDelta: hop.cltvExpiryDelta,
          htlcMinimumMsat: 0n,
          htlcMaximumMsat: undefined,
          disabled: false,
          capacityMsat: undefined,
          origin: 'hint',
        })
      })
    }
  }

  edgesTo(node: NodeKey): readonly GraphEdge[] {
    const base = this.base.edgesTo(node)
    const added = this.added.get(node)
    if (!this.replacesSourceEdges) return added ? [...added, ...base] : base
    const kept = base.filter((e) => e.from !== this.extras.source)
    return added ? [...added, ...kept] : kept
  }

  private add(edge: GraphEdge): void {
    const list = this.added.get(edge.to)
    if (list) list.push(edge)
    else this.added.set(edge.to, [edge])
  }
}
