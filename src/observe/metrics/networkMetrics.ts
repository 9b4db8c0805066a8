/**
 * Metrics of a running network for Prometheus and Grafana, counted from the events every node and the chain
 * send (as the run's own summary is): payments sent, failed by code and received, forwards and fees, HTLCs in
 * flight, channel balances and states, peers, the chain's height, and this process's memory and CPU. Series are
 * labelled by node name and by channel under its scenario name, with its short channel id, so a dashboard reads
 * like the scenario does.
 */
import { processFamilies } from '../../api/http/processMetrics.js'
import type { MetricFamily, Sample } from '../../api/http/prometheusText.js'

/** Upper bounds (seconds) of the payment latency histogram's buckets; +Inf is added. */
export const LATENCY_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

interface ChannelView {
  channel: string
  shortChannelId: string
  state: string
  localMsat: bigint | null
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0)
const big = (v: unknown): bigint | null => {
  if (typeof v === 'bigint') return v
  if (typeof v === 'string' && /^[0-9]+$/.test(v)) return BigInt(v)
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v)
  return null
}

export class NetworkMetrics {
  private readonly names = new Map<string, string>()
  private readonly started = new Set<string>()
  private readonly peers = new Map<string, Set<string>>()
  private readonly sent = new Map<string, number>()
  private readonly failed = new Map<string, Map<string, number>>()
  private readonly received = new Map<string, number>()
  private readonly forwards = new Map<string, Map<string, number>>()
  private readonly feesEarned = new Map<string, bigint>()
  private readonly feesPaid = new Map<string, bigint>()
  private readonly inFlight = new Map<string, number>()
  /** alias → channel id → its view of the channel */
  private readonly channels = new Map<string, Map<string, ChannelView>>()
  private readonly latencyBuckets = LATENCY_BUCKETS_SECONDS.map(() => 0)
  private latencyCount = 0
  private latencySum = 0
  private height: number | null = null
  private blocks = 0

  /**
   * @param scenarioChannels the scenario's channels, to name a channel by the two nodes at its ends (when only
   * one channel joins them; otherwise it is named by its id)
   */
  constructor(private readonly scenarioChannels: readonly { name: string; from: string; to: string }[] = []) {}

  /** The nodes that have started, with their names by node id (to name the peer at a channel's other end). */
  nodes(list: readonly { name: string; nodeId: string }[]): void {
    for (const n of list) {
      this.names.set(n.nodeId, n.name)
      this.started.add(n.name)
    }
  }

  private channelName(alias: string, peerId: string, channelId: string): string {
    const peer = this.names.get(peerId)
    const between = this.scenarioChannels.filter(
      (c) => (c.from === alias && c.to === peer) || (c.to === alias && c.from === peer),
    )
    return between.length === 1 ? between[0]!.name : channelId.slice(0, 16)
  }

  private channel(alias: string, channelId: string): ChannelView {
    let byId = this.channels.get(alias)
    if (!byId) this.channels.set(alias, (byId = new Map()))
    let c = byId.get(channelId)
    if (!c)
      byId.set(channelId, (c = { channel: channelId.slice(0, 16), shortChannelId: '', state: '', localMsat: null }))
    return c
  }

  add(event: unknown): void {
    if (!event || typeof event !== 'object') return
    const e = event as Record<string, unknown>
    const alias = typeof e.alias === 'string' ? e.alias : ''
    const bump = (m: Map<string, number>, k: string, by = 1): void => void m.set(k, (m.get(k) ?? 0) + by)
    switch (e.type) {
      case 'node_started':
        this.started.add(alias)
        if (typeof e.node === 'string') this.names.set(e.node, alias)
        return
      case 'peer_connected':
      case 'peer_disconnected': {
        let set = this.peers.get(alias)
        if (!set) this.peers.set(alias, (set = new Set()))
        if (e.type === 'peer_connected') set.add(String(e.peer))
        else set.delete(String(e.peer))
        return
      }
      case 'payment_sent': {
        bump(this.sent, alias)
        this.feesPaid.set(alias, (this.feesPaid.get(alias) ?? 0n) + (big(e.feeMsat) ?? 0n))
        const seconds = num(e.latencyMs) / 1000
        this.latencyCount++
        this.latencySum += seconds
        LATENCY_BUCKETS_SECONDS.forEach((le, i) => {
          if (seconds <= le) this.latencyBuckets[i]!++
        })
        return
      }
      case 'payment_failed': {
        let byCode = this.failed.get(alias)
        if (!byCode) this.failed.set(alias, (byCode = new Map()))
        bump(byCode, typeof e.code === 'string' ? e.code : 'UNKNOWN')
        return
      }
      case 'payment_received':
        bump(this.received, alias)
        return
      case 'htlc_forwarded': {
        let byStatus = this.forwards.get(alias)
        if (!byStatus) this.forwards.set(alias, (byStatus = new Map()))
        bump(byStatus, String(e.status))
        if (e.status === 'settled')
          this.feesEarned.set(alias, (this.feesEarned.get(alias) ?? 0n) + (big(e.feeMsat) ?? 0n))
        return
      }
      case 'htlc_added':
        bump(this.inFlight, alias)
        return
      case 'htlc_settled':
      case 'htlc_failed':
        this.inFlight.set(alias, Math.max(0, (this.inFlight.get(alias) ?? 0) - 1))
        return
      case 'channel_state': {
        const c = this.channel(alias, String(e.channelId))
        c.state = String(e.to)
        c.channel = this.channelName(alias, String(e.peer), String(e.channelId))
        if (typeof e.shortChannelId === 'string') c.shortChannelId = e.shortChannelId
        return
      }
      case 'channel_balance':
        this.channel(alias, String(e.channelId)).localMsat = big(e.localMsat)
        return
      case 'chain_block':
        this.blocks++
        this.height = Math.max(this.height ?? 0, num(e.height))
        return
      default:
        return
    }
  }

  families(): MetricFamily[] {
    const perNode = (m: Map<string, number | bigint>): Sample[] =>
      [...m].sort(([a], [b]) => a.localeCompare(b)).map(([node, value]) => ({ labels: { node }, value }))
    const nested = (m: Map<string, Map<string, number>>, label: string): Sample[] =>
      [...m].flatMap(([node, inner]) => [...inner].map(([k, value]) => ({ labels: { node, [label]: k }, value })))
    const channelSamples = (f: (c: ChannelView) => number | bigint | null, withState = false): Sample[] =>
      [...this.channels].flatMap(([node, byId]) =>
        [...byId.values()].flatMap((c) => {
          const value = f(c)
          if (value === null) return []
          const labels: Record<string, string> = { node, channel: c.channel, short_channel_id: c.shortChannelId }
          return [{ labels: withState ? { ...labels, state: c.state } : labels, value }]
        }),
      )
    return [
      {
        name: 'lnsim_nodes_started',
        help: 'Nodes that have started (each node is its own process)',
        type: 'gauge',
        samples: [{ labels: {}, value: this.started.size }],
      },
      {
        name: 'lnsim_node_peers',
        help: 'Peers a node is connected to',
        type: 'gauge',
        samples: perNode(new Map([...this.peers].map(([k, v]) => [k, v.size]))),
      },
      {
        name: 'lnsim_payments_sent_total',
        help: 'Payments a node sent that succeeded',
        type: 'counter',
        samples: perNode(this.sent),
      },
      {
        name: 'lnsim_payments_failed_total',
        help: 'Payments a node sent that failed, by failure code',
        type: 'counter',
        samples: nested(this.failed, 'code'),
      },
      {
        name: 'lnsim_payments_received_total',
        help: 'Payments a node received',
        type: 'counter',
        samples: perNode(this.received),
      },
      {
        name: 'lnsim_forwards_total',
        help: 'HTLCs a node forwarded, by outcome',
        type: 'counter',
        samples: nested(this.forwards, 'status'),
      },
      {
        name: 'lnsim_fees_earned_msat_total',
        help: 'Routing fees a node earned on settled forwards (msat)',
        type: 'counter',
        samples: perNode(this.feesEarned),
      },
      {
        name: 'lnsim_fees_paid_msat_total',
        help: 'Routing fees a node paid on its successful payments (msat)',
        type: 'counter',
        samples: perNode(this.feesPaid),
      },
      {
        name: 'lnsim_htlcs_in_flight',
        help: "HTLCs added on a node's channels and not yet settled or failed",
        type: 'gauge',
        samples: perNode(this.inFlight),
      },
      {
        name: 'lnsim_payment_latency_seconds',
        help: 'Time from sending to success of successful payments',
        type: 'histogram',
        samples: [
          ...LATENCY_BUCKETS_SECONDS.map((le, i) => ({
            suffix: '_bucket',
            labels: { le: String(le) },
            value: this.latencyBuckets[i]!,
          })),
          { suffix: '_bucket', labels: { le: '+Inf' }, value: this.latencyCount },
          { suffix: '_sum', labels: {}, value: this.latencySum },
          { suffix: '_count', labels: {}, value: this.latencyCount },
        ],
      },
      {
        name: 'lnsim_channel_local_balance_msat',
        help: "A channel's balance on this node's side (msat)",
        type: 'gauge',
        samples: channelSamples((c) => c.localMsat),
      },
      {
        name: 'lnsim_channel_state',
        help: "A channel's current state in this node's view (1 for the state it is in)",
        type: 'gauge',
        samples: channelSamples((c) => (c.state ? 1 : null), true),
      },
      {
        name: 'lnsim_chain_height',
        help: "Height of the mock chain's tip",
        type: 'gauge',
        samples: this.height === null ? [] : [{ labels: {}, value: this.height }],
      },
      {
        name: 'lnsim_chain_blocks_total',
        help: 'Blocks the mock chain mined during the run',
        type: 'counter',
        samples: [{ labels: {}, value: this.blocks }],
      },
      ...processFamilies('the lnsim run process'),
    ] satisfies MetricFamily[]
  }
}
