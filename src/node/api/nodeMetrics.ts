/**
 * A node's Prometheus metrics, served on its control API at GET /metrics (behind the API token, as every route):
 * what it paid, received, forwarded and failed (counted from its own events since the process started, as
 * Prometheus counters are), and what it holds now (read at each scrape): HTLCs in flight, each channel's
 * balances and state, peers, the gossip graph's size, the chain height it has seen, and the process's memory and
 * CPU. Channels are labelled by channel id and short channel id, which the run's outputs join on.
 */
import type { NodeEvent } from '../../api/node/events.js'
import type { ChannelInfo } from '../../api/node/types.js'
import type { MetricFamily, Sample } from '../../api/http/prometheusText.js'
import { processFamilies } from '../../api/http/processMetrics.js'

/** What the metrics read at each scrape. */
export interface NodeMetricsSource {
  channels(): ChannelInfo[]
  connectedPeers(): number
  graph(): { nodes: number; channels: number }
  blockHeight(): number
  gossip(): {
    received: Array<{ type: string; outcome: string; count: number }>
    sent: Array<{ reason: string; count: number }>
  }
}

const add = (m: Map<string, bigint>, k: string, by: bigint): void => void m.set(k, (m.get(k) ?? 0n) + by)

export class NodeMetrics {
  private sent = 0n
  private sentMsat = 0n
  private feesPaidMsat = 0n
  private readonly failed = new Map<string, bigint>()
  private received = 0n
  private receivedMsat = 0n
  private readonly forwards = new Map<string, bigint>()
  private feesEarnedMsat = 0n
  private forwardedMsat = 0n

  constructor(private readonly source: NodeMetricsSource) {}

  onEvent(e: NodeEvent): void {
    switch (e.type) {
      case 'payment_sent':
        this.sent++
        this.sentMsat += e.amountMsat
        this.feesPaidMsat += e.feeMsat
        return
      case 'payment_failed':
        add(this.failed, e.code, 1n)
        return
      case 'payment_received':
        this.received++
        this.receivedMsat += e.amountMsat
        return
      case 'htlc_forwarded':
        add(this.forwards, e.status, 1n)
        if (e.status === 'settled') {
          this.feesEarnedMsat += e.feeMsat
          this.forwardedMsat += e.outgoingMsat
        }
        return
      default:
        return
    }
  }

  families(): MetricFamily[] {
    const channels = this.source.channels()
    const graph = this.source.graph()
    const gossip = this.source.gossip()
    const one = (value: number | bigint): Sample[] => [{ labels: {}, value }]
    const byChannel = (f: (c: ChannelInfo) => number | bigint, extra?: (c: ChannelInfo) => Record<string, string>) =>
      channels.map((c) => ({
        labels: { channel_id: c.channelId, short_channel_id: c.shortChannelId ?? '', ...extra?.(c) },
        value: f(c),
      }))
    const htlcs = (direction: 'incoming' | 'outgoing'): Sample => ({
      labels: { direction },
      value: channels.reduce((n, c) => n + c.pendingHtlcs.filter((h) => h.direction === direction).length, 0),
    })
    const states = new Map<string, number>()
    for (const c of channels) states.set(c.state, (states.get(c.state) ?? 0) + 1)
    return [
      counter('lnsim_node_payments_sent_total', 'Payments this node sent that succeeded', one(this.sent)),
      counter(
        'lnsim_node_payments_sent_msat_total',
        'Amount of those payments, fees excluded (msat)',
        one(this.sentMsat),
      ),
      counter(
        'lnsim_node_payments_failed_total',
        'Payments this node sent that failed, by failure code',
        [...this.failed].map(([code, value]) => ({ labels: { code }, value })),
      ),
      counter('lnsim_node_payments_received_total', 'Payments this node received', one(this.received)),
      counter('lnsim_node_payments_received_msat_total', 'Amount this node received (msat)', one(this.receivedMsat)),
      counter(
        'lnsim_node_forwards_total',
        'HTLCs this node forwarded, by outcome',
        [...this.forwards].map(([status, value]) => ({ labels: { status }, value })),
      ),
      counter(
        'lnsim_node_forwarded_msat_total',
        'Amount of settled forwards, as sent on (msat)',
        one(this.forwardedMsat),
      ),
      counter(
        'lnsim_node_fees_earned_msat_total',
        'Routing fees earned on settled forwards (msat)',
        one(this.feesEarnedMsat),
      ),
      counter(
        'lnsim_node_fees_paid_msat_total',
        'Routing fees paid on successful payments (msat)',
        one(this.feesPaidMsat),
      ),
      gauge('lnsim_node_htlcs_in_flight', "HTLCs pending on this node's channels, by direction", [
        htlcs('incoming'),
        htlcs('outgoing'),
      ]),
      gauge(
        'lnsim_node_channels',
        "This node's channels, by state",
        [...states].map(([state, value]) => ({ labels: { state }, value })),
      ),
      gauge(
        'lnsim_node_channel_local_balance_msat',
        "A channel's balance on this node's side (msat)",
        byChannel((c) => c.localBalanceMsat),
      ),
      gauge(
        'lnsim_node_channel_remote_balance_msat',
        "A channel's balance on the peer's side (msat)",
        byChannel((c) => c.remoteBalanceMsat),
      ),
      gauge(
        'lnsim_node_channel_capacity_sat',
        "A channel's capacity (sat)",
        byChannel((c) => c.capacitySat),
      ),
      gauge(
        'lnsim_node_channel_state',
        "A channel's state (1 for the state it is in) and whether it can carry payments now",
        byChannel(
          () => 1,
          (c) => ({ state: c.state, active: String(c.active) }),
        ),
      ),
      gauge('lnsim_node_peers', 'Peers this node is connected to', one(this.source.connectedPeers())),
      gauge('lnsim_node_graph_nodes', "Nodes in this node's gossip graph", one(graph.nodes)),
      gauge('lnsim_node_graph_channels', "Channel directions in this node's gossip graph", one(graph.channels)),
      counter(
        'lnsim_node_gossip_received_total',
        'Gossip messages from peers, by type and by what became of them ' +
          '(duplicate, known, new, held, invalid, over_rate)',
        gossip.received.map(({ type, outcome, count }) => ({ labels: { type, outcome }, value: count })),
      ),
      counter(
        'lnsim_node_gossip_sent_total',
        'Gossip messages sent to peers, by reason (relay, query_reply, filter, whole_graph)',
        gossip.sent.map(({ reason, count }) => ({ labels: { reason }, value: count })),
      ),
      gauge(
        'lnsim_node_block_height',
        "Height of the chain's tip as this node has seen it",
        one(this.source.blockHeight()),
      ),
      ...processFamilies('this node process'),
    ]
  }
}

function counter(name: string, help: string, samples: Sample[]): MetricFamily {
  return { name, help, type: 'counter', samples }
}

function gauge(name: string, help: string, samples: Sample[]): MetricFamily {
  return { name, help, type: 'gauge', samples }
}
