/**
 * What the dashboard knows, in the shapes the page receives: a full snapshot
 * when a browser connects, then batches holding only what changed. Amounts
 * stay bigint here and travel as decimal strings (core/json.ts), so the page
 * never sees a float balance.
 */
import { z } from 'zod'
import { NodeEvent } from '../../api/node/events.js'
import { ChannelInfo, NodeInfo, PaymentInfo } from '../../api/node/types.js'
import type { Msat, Sat } from '../../core/amount.js'
import { ChainBlockEvent, type ChainTxEvent } from '../../api/run/events.js'

export { ChainBlockEvent, type ChainTxEvent }

/** A node's control-API state read on attach, so a dashboard started late still shows what exists. */
export const NodeSnapshotEvent = z.object({
  type: z.literal('node_snapshot'),
  time: z.number(),
  info: NodeInfo,
  channels: z.array(ChannelInfo),
  payments: z.array(PaymentInfo),
})
export type NodeSnapshotEvent = z.infer<typeof NodeSnapshotEvent>

/** A node's event stream broke: the node stopped, or the dashboard lost it. */
export const NodeOfflineEvent = z.object({ type: z.literal('node_offline'), node: z.string(), time: z.number() })
export type NodeOfflineEvent = z.infer<typeof NodeOfflineEvent>

/** Everything the dashboard model consumes: node events, chain blocks, and attach-time snapshots. */
export type DashboardInput = NodeEvent | ChainBlockEvent | NodeSnapshotEvent | NodeOfflineEvent

export interface NodeView {
  id: string
  alias: string
  online: boolean
  feesEarnedMsat: Msat
  feesPaidMsat: Msat
  paymentsSent: number
  paymentsReceived: number
  forwards: number
  /** HTLCs the node has offered and not yet seen resolved */
  htlcsInFlight: number
  /** offered HTLCs held 5 s or more (a slow jam's), or in flight now */
  htlcsHeld: number
  /** capital its offered HTLCs locked, msat × s, as of its last HTLC event */
  lockedMsatSeconds: bigint
}

export interface ChannelView {
  channelId: string
  shortChannelId: string | null
  /** the two ends, the lesser node id first (as BOLT #7's node_1) */
  node1: string
  node2: string
  capacityMsat: Msat
  balance1Msat: Msat
  balance2Msat: Msat
  state: string
  /** NORMAL with both peers connected: it can carry payments */
  active: boolean
}

export interface HopView {
  nodeId: string
  shortChannelId: string
  /** null until the channel behind the short channel id is known */
  channelId: string | null
  amountMsat: Msat
  feeMsat: Msat
  /** ms from the payment's attempt to this hop receiving the HTLC, when seen */
  arrivedAfterMs: number | null
  /** how long this hop held the HTLC while forwarding it (its htlc_forwarded event) */
  forwardMs: number | null
}

export type PaymentStatus = 'pending' | 'succeeded' | 'failed'

export interface PaymentView {
  paymentHash: string
  from: string | null
  to: string | null
  amountMsat: Msat
  feeMsat: Msat
  status: PaymentStatus
  attempts: number
  latencyMs: number | null
  route: HopView[]
  /** a split payment's parts, each on its route (the first is `route`); empty unless it was split */
  parts: HopView[][]
  failure: { code: string; message: string; failingNode: string | null } | null
  startedAt: number
}

export type TxKind = 'funding' | 'close' | 'penalty' | 'claim' | 'other'

export interface TxView {
  txid: string
  label: string
  kind: TxKind
  channelId: string | null
  amountSat: Sat | null
  /** the node that told us about it */
  node: string
  /** the block it was mined in, when the dashboard has seen that block */
  height: number | null
}

export interface BlockView {
  height: number
  hash: string
  time: number
  txCount: number
  /** the transactions of this block that nodes labelled (funding, close, penalty…) */
  txs: TxView[]
}

export interface ChainView {
  height: number
  blocks: BlockView[]
  /** labelled transactions not (yet) seen in a block the dashboard knows */
  unplaced: TxView[]
}

/** One movement of a payment along a channel, for the page to animate. */
export interface HtlcStep {
  paymentHash: string
  /**
   * add: the HTLC travels out; settle: the preimage travels back; fail: a failure travels back; refuse: a node refused
   * it (the failing hop)
   */
  kind: 'add' | 'settle' | 'fail' | 'refuse'
  channelId: string
  from: string
  to: string
  time: number
  reason?: string
}

export interface ReplayView {
  start: number
  end: number
  position: number
  playing: boolean
  speed: number
  events: number
}

export interface DashboardSnapshot {
  mode: 'live' | 'replay'
  clock: number
  nodes: NodeView[]
  channels: ChannelView[]
  /** newest first, at most the model's snapshot limit */
  payments: PaymentView[]
  chain: ChainView
  replay: ReplayView | null
}

export interface DashboardBatch {
  seq: number
  clock: number
  nodes: NodeView[]
  channels: ChannelView[]
  payments: PaymentView[]
  chain: ChainView | null
  steps: HtlcStep[]
  replay: ReplayView | null
}
