/**
 * The dashboard's picture of the network, built only from what nodes and the
 * chain publish: node events, chain blocks, and control-API snapshots taken on
 * attach. Pure and synchronous, so a live run and a replay of its events file
 * that feed the same inputs end in the same state.
 *
 * Inputs are cheap to apply; what changed is remembered (dirty sets and HTLC
 * steps) until takeBatch() hands it out, so the server repaints browsers once
 * per batch interval however many events arrived in it.
 *
 * Node events are de-duplicated, and every total is counted once per fact,
 * never per delivery, so a source that delivers an event twice cannot count it
 * twice.
 */
import { toJson } from '../../core/json.js'
import type { Msat } from '../../core/amount.js'
import type { NodeEvent } from '../../api/node/events.js'
import type { PaymentInfo } from '../../api/node/types.js'
import { HtlcLocks } from '../../api/run/htlcLocks.js'
import { ChainModel, txKind } from './chainModel.js'
import { PaymentBook, type PaymentState } from './paymentBook.js'
import type {
  ChannelView,
  DashboardBatch,
  DashboardInput,
  DashboardSnapshot,
  HtlcStep,
  NodeSnapshotEvent,
  NodeView,
  PaymentView,
  ReplayView,
} from './views.js'

export interface DashboardModelOptions {
  /** payments kept for the table; the oldest are forgotten first. @default 10000 */
  maxPayments?: number
  /** payments sent to a browser when it connects. @default 500 */
  snapshotPayments?: number
}

interface ChannelState {
  channelId: string
  shortChannelId: string | null
  node1: string
  node2: string | null
  capacityMsat: Msat
  /** the latest balance report, from either end */
  report: { node: string; localMsat: Msat; remoteMsat: Msat; time: number } | null
  state: string
  stateTime: number
  connected: boolean
}

const DEDUPE_WINDOW = 20_000

export class DashboardModel {
  private readonly nodes = new Map<string, NodeView>()
  private readonly channels = new Map<string, ChannelState>()
  private readonly channelByScid = new Map<string, string>()
  private readonly fundingMsat = new Map<string, Msat>()
  private readonly payments: PaymentBook
  private readonly chain = new ChainModel()
  /** what each node's offered HTLCs lock, by node id */
  private readonly locks = new HtlcLocks((e) => e.node)
  private readonly seen = new Set<string>()
  private readonly snapshotPayments: number

  private readonly dirtyNodes = new Set<string>()
  private readonly dirtyChannels = new Set<string>()
  private chainDirty = false
  private steps: HtlcStep[] = []
  private seq = 0
  /** the latest event time seen (ms since the epoch) */
  clock = 0

  constructor(options: DashboardModelOptions = {}) {
    this.payments = new PaymentBook(options.maxPayments ?? 10_000, (scid) => this.channelByScid.get(scid) ?? null)
    this.snapshotPayments = options.snapshotPayments ?? 500
  }

  apply(input: DashboardInput): void {
    this.clock = Math.max(this.clock, input.time)
    switch (input.type) {
      case 'chain_block':
        this.locks.onEvent(input)
        this.chain.addBlock(input)
        this.chainDirty = true
        return
      case 'node_snapshot':
        return this.applySnapshot(input)
      case 'node_offline':
        if (this.nodes.has(input.node)) this.changingNode(input.node).online = false
        return
      default:
        return this.applyNodeEvent(input)
    }
  }

  private applyNodeEvent(e: NodeEvent): void {
    const key = toJson(e)
    if (this.seen.has(key)) return
    this.seen.add(key)
    if (this.seen.size > DEDUPE_WINDOW) this.seen.delete(this.seen.values().next().value!)
    const node = this.touchNode(e.node, e.alias)
    if (this.locks.onEvent(e) !== undefined) {
      const t = this.locks.totals(e.node, e.time)
      Object.assign(this.changingNode(e.node), {
        htlcsInFlight: t.inFlight,
        htlcsHeld: t.held,
        lockedMsatSeconds: t.lockedMsatMs / 1000n,
      })
    }
    switch (e.type) {
      case 'node_started':
        this.changingNode(e.node).online = true
        return
      case 'peer_connected':
      case 'peer_disconnected':
        for (const c of this.channels.values()) {
          if ((c.node1 === e.node && c.node2 === e.peer) || (c.node1 === e.peer && c.node2 === e.node)) {
            c.connected = e.type === 'peer_connected'
            this.dirtyChannels.add(c.channelId)
          }
        }
        return
      case 'channel_state': {
        const c = this.touchChannel(e.channelId, e.node, e.peer)
        // both ends report their own view; the later report is the channel's state
        if (e.time >= c.stateTime) {
          c.state = e.to
          c.stateTime = e.time
        }
        if (e.shortChannelId) this.setScid(c, e.shortChannelId)
        return
      }
      case 'channel_balance': {
        const c = this.touchChannel(e.channelId, e.node, null)
        // the two ends report on separate streams: a late older report must not undo a newer one
        if (c.report && c.report.time > e.time) return
        c.report = { node: e.node, localMsat: e.localMsat, remoteMsat: e.remoteMsat, time: e.time }
        if (e.localMsat + e.remoteMsat > c.capacityMsat) c.capacityMsat = e.localMsat + e.remoteMsat
        return
      }
      case 'htlc_added':
        if (e.direction !== 'incoming') return
        this.payments.timing(e.paymentHash, e.node).arrivedAt = e.time
        return this.step(e.paymentHash, 'add', e.channelId, e.node, e.time, 'toward')
      case 'htlc_settled':
        if (e.direction !== 'outgoing') return
        return this.step(e.paymentHash, 'settle', e.channelId, e.node, e.time, 'toward')
      case 'htlc_failed':
        if (e.direction === 'outgoing')
          return this.step(e.paymentHash, 'fail', e.channelId, e.node, e.time, 'toward', e.reason)
        // a node that fails an incoming HTLC itself is where the payment failed
        this.payment(e.paymentHash).refusedBy = e.node
        return this.step(e.paymentHash, 'refuse', e.channelId, e.node, e.time, 'away', e.reason)
      case 'htlc_forwarded':
        this.payments.timing(e.paymentHash, e.node).forwardMs = e.durationMs
        if (e.status === 'settled') {
          this.changingNode(e.node)
          node.feesEarnedMsat += e.feeMsat
          node.forwards += 1
        }
        return
      case 'payment_attempt': {
        const p = this.payment(e.paymentHash)
        p.from = e.node
        this.payments.setRoute(p, e.route)
        // the payer tries the same invoice again after a failure
        if (p.status === 'failed' && p.endedAt !== null && e.time > p.endedAt)
          Object.assign(p, { status: 'pending', failure: null, endedAt: null, refusedBy: null, attempts: 0 })
        p.attempts = Math.max(p.attempts, e.attempt)
        p.attemptStartedAt = e.time
        p.startedAt = Math.min(p.startedAt, e.time)
        return
      }
      case 'payment_sent': {
        const p = this.payment(e.paymentHash)
        p.from = e.node
        this.payments.setRoute(p, e.route)
        if (e.parts && e.parts.length > 1) p.parts = e.parts.map((part) => part.route)
        Object.assign(p, {
          amountMsat: e.amountMsat,
          feeMsat: e.feeMsat,
          status: 'succeeded',
          attempts: e.attempts,
          latencyMs: e.latencyMs,
          failure: null,
          endedAt: e.time,
        })
        p.startedAt = Math.min(p.startedAt, e.time - e.latencyMs)
        this.countSuccess(p)
        return
      }
      case 'payment_failed': {
        const p = this.payment(e.paymentHash)
        p.from = e.node
        Object.assign(p, {
          amountMsat: e.amountMsat,
          status: 'failed',
          attempts: e.attempts,
          latencyMs: e.latencyMs,
          endedAt: e.time,
        })
        p.failure = { code: e.code, message: e.message, failingNode: p.refusedBy }
        p.startedAt = Math.min(p.startedAt, e.time - e.latencyMs)
        return
      }
      case 'payment_received': {
        const p = this.payment(e.paymentHash)
        p.to = e.node
        if (p.amountMsat === 0n) p.amountMsat = e.amountMsat
        this.changingNode(e.node).paymentsReceived += 1
        return
      }
      case 'onchain':
        // a funding transaction's amount is the channel's capacity, which no other event carries
        if (e.channelId && e.amountSat !== null && txKind(e.label) === 'funding') {
          this.fundingMsat.set(e.channelId, e.amountSat * 1000n)
          if (this.channels.has(e.channelId)) this.dirtyChannels.add(e.channelId)
        }
        if (
          this.chain.labelTx({
            txid: e.txid,
            label: e.label,
            channelId: e.channelId,
            amountSat: e.amountSat,
            node: e.node,
          })
        )
          this.chainDirty = true
        return
      case 'block':
        if (this.chain.seeHeight(e.height)) this.chainDirty = true
        return
      case 'warning':
      case 'rogue_message':
        return
    }
  }

  private applySnapshot(s: NodeSnapshotEvent): void {
    const id = s.info.nodeId
    this.changingNode(id, s.info.alias).online = true
    if (this.chain.seeHeight(s.info.chain.blockHeight)) this.chainDirty = true
    for (const ci of s.channels) {
      const c = this.touchChannel(ci.channelId, id, ci.remoteNodeId)
      if (s.time >= c.stateTime) {
        c.state = ci.state
        c.stateTime = s.time
      }
      c.connected = ci.active || ci.state !== 'NORMAL'
      c.capacityMsat = ci.capacitySat * 1000n
      if (!c.report || c.report.time <= s.time)
        c.report = { node: id, localMsat: ci.localBalanceMsat, remoteMsat: ci.remoteBalanceMsat, time: s.time }
      if (ci.shortChannelId) this.setScid(c, ci.shortChannelId)
      // attached late, the dashboard missed the onchain events: the channel still names its transactions
      if (
        ci.fundingTxid &&
        this.chain.labelTx({
          txid: ci.fundingTxid,
          label: 'funding',
          channelId: ci.channelId,
          amountSat: ci.capacitySat,
          node: id,
        })
      )
        this.chainDirty = true
      if (
        ci.closingTxid &&
        this.chain.labelTx({ txid: ci.closingTxid, label: 'close', channelId: ci.channelId, amountSat: null, node: id })
      )
        this.chainDirty = true
    }
    for (const pi of s.payments) this.applyPaymentInfo(id, pi)
  }

  private applyPaymentInfo(node: string, pi: PaymentInfo): void {
    const p = this.payment(pi.paymentHash)
    if (pi.direction === 'received') {
      p.to = node
      if (p.amountMsat === 0n) p.amountMsat = pi.amountMsat
    } else {
      p.from = node
      if (pi.destination) p.to = pi.destination
      this.payments.setRoute(p, pi.route)
      Object.assign(p, {
        amountMsat: pi.amountMsat,
        feeMsat: pi.feeMsat,
        status: pi.status,
        attempts: pi.attempts,
        latencyMs: pi.latencyMs,
        failure: pi.failure,
      })
      const created = Date.parse(pi.createdAt)
      if (Number.isFinite(created)) p.startedAt = Math.min(p.startedAt, created)
      if (pi.status === 'succeeded') this.countSuccess(p)
    }
  }

  /** The node, created on first sight; it goes into the next batch only if it is new or renamed. */
  private touchNode(id: string, alias?: string): NodeView {
    let n = this.nodes.get(id)
    if (!n) {
      n = {
        id,
        alias: alias ?? id.slice(0, 10),
        online: true,
        feesEarnedMsat: 0n,
        feesPaidMsat: 0n,
        paymentsSent: 0,
        paymentsReceived: 0,
        forwards: 0,
        htlcsInFlight: 0,
        htlcsHeld: 0,
        lockedMsatSeconds: 0n,
      }
      this.nodes.set(id, n)
      this.dirtyNodes.add(id)
    } else if (alias && alias !== n.alias) {
      n.alias = alias
      this.dirtyNodes.add(id)
    }
    return n
  }

  /** The node, about to change: it goes into the next batch. */
  private changingNode(id: string, alias?: string): NodeView {
    const n = this.touchNode(id, alias)
    this.dirtyNodes.add(id)
    return n
  }

  private touchChannel(channelId: string, node: string, peer: string | null): ChannelState {
    let c = this.channels.get(channelId)
    if (!c) {
      c = {
        channelId,
        shortChannelId: null,
        node1: node,
        node2: peer,
        capacityMsat: 0n,
        report: null,
        state: 'UNKNOWN',
        stateTime: 0,
        connected: true,
      }
      this.channels.set(channelId, c)
    } else if (c.node2 === null && node !== c.node1) c.node2 = node
    else if (c.node2 === null && peer) c.node2 = peer
    // the ends in a fixed order (as BOLT #7 orders node_1 and node_2), whoever reported first
    if (c.node2 !== null && c.node2 < c.node1) [c.node1, c.node2] = [c.node2, c.node1]
    if (peer) this.touchNode(peer)
    this.dirtyChannels.add(channelId)
    return c
  }

  private setScid(c: ChannelState, scid: string): void {
    c.shortChannelId = scid
    this.channelByScid.set(scid, c.channelId)
  }

  private payment(hash: string): PaymentState {
    return this.payments.get(hash, this.clock)
  }

  private countSuccess(p: PaymentState): void {
    if (p.counted || !p.from) return
    p.counted = true
    const payer = this.changingNode(p.from)
    payer.feesPaidMsat += p.feeMsat
    payer.paymentsSent += 1
  }

  /** An HTLC movement on a channel: 'toward' the reporting node (it received something), or 'away' from it. */
  private step(
    paymentHash: string,
    kind: HtlcStep['kind'],
    channelId: string,
    node: string,
    time: number,
    way: 'toward' | 'away',
    reason?: string,
  ): void {
    const c = this.channels.get(channelId)
    const other = c ? (c.node1 === node ? c.node2 : c.node1) : null
    if (!other) return
    const [from, to] = way === 'toward' ? [other, node] : [node, other]
    this.steps.push({ paymentHash, kind, channelId, from, to, time, ...(reason !== undefined ? { reason } : {}) })
  }

  private channelView(c: ChannelState): ChannelView {
    let balance1Msat = 0n
    let balance2Msat = 0n
    if (c.report) {
      const mine = c.report.node === c.node1
      balance1Msat = mine ? c.report.localMsat : c.report.remoteMsat
      balance2Msat = mine ? c.report.remoteMsat : c.report.localMsat
    }
    return {
      channelId: c.channelId,
      shortChannelId: c.shortChannelId,
      node1: c.node1,
      node2: c.node2 ?? '',
      capacityMsat: this.fundingMsat.get(c.channelId) ?? c.capacityMsat,
      balance1Msat,
      balance2Msat,
      state: c.state,
      active: c.state === 'NORMAL' && c.connected,
    }
  }

  /** Every payment kept, newest first: what the payments table shows. */
  paymentsTable(): PaymentView[] {
    return this.payments.table()
  }

  snapshot(mode: DashboardSnapshot['mode'], replay: ReplayView | null = null): DashboardSnapshot {
    return {
      mode,
      clock: this.clock,
      nodes: [...this.nodes.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((n) => ({ ...n })),
      channels: [...this.channels.values()]
        .sort((a, b) => (a.channelId < b.channelId ? -1 : 1))
        .map((c) => this.channelView(c)),
      payments: this.paymentsTable().slice(0, this.snapshotPayments),
      chain: this.chain.view(),
      replay,
    }
  }

  /** What changed since the last call, or null when nothing did; the page applies it in one repaint. */
  takeBatch(replay: ReplayView | null = null): DashboardBatch | null {
    if (
      !this.dirtyNodes.size &&
      !this.dirtyChannels.size &&
      !this.payments.hasChanges &&
      !this.chainDirty &&
      !this.steps.length &&
      !replay
    )
      return null
    const batch: DashboardBatch = {
      seq: ++this.seq,
      clock: this.clock,
      nodes: [...this.dirtyNodes].flatMap((id) => (this.nodes.has(id) ? [{ ...this.nodes.get(id)! }] : [])),
      channels: [...this.dirtyChannels].flatMap((id) =>
        this.channels.has(id) ? [this.channelView(this.channels.get(id)!)] : [],
      ),
      payments: this.payments.takeChanged(),
      chain: this.chainDirty ? this.chain.view() : null,
      steps: this.steps.sort((a, b) => a.time - b.time),
      replay,
    }
    this.dirtyNodes.clear()
    this.dirtyChannels.clear()
    this.chainDirty = false
    this.steps = []
    return batch
  }
}
