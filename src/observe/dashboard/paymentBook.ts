/**
 * Payments as the dashboard lists them, keyed by payment hash and pieced
 * together from several nodes' streams: the payer's attempts and outcome, the
 * payee's receipt, and each hop's arrival and forwarding times. Any of them
 * may arrive first. The oldest payments are forgotten past a limit, so a long
 * busy run keeps a bounded table.
 */
import type { Msat } from '../../core/amount.js'
import type { RouteHop } from '../../api/node/types.js'
import type { PaymentStatus, PaymentView } from './views.js'

export interface PaymentState {
  paymentHash: string
  from: string | null
  to: string | null
  amountMsat: Msat
  feeMsat: Msat
  status: PaymentStatus
  attempts: number
  latencyMs: number | null
  route: RouteHop[]
  /** a split payment's parts, each on its route; empty unless it was split */
  parts: RouteHop[][]
  failure: PaymentView['failure']
  startedAt: number
  attemptStartedAt: number | null
  /** when it succeeded or failed, on the payer's clock */
  endedAt: number | null
  /** the last node that refused this payment's HTLC */
  refusedBy: string | null
  /** fees paid are counted once, when the payment first succeeds */
  counted: boolean
}

interface HopTiming {
  arrivedAt?: number
  forwardMs?: number
}

export class PaymentBook {
  private readonly payments = new Map<string, PaymentState>()
  private readonly timings = new Map<string, Map<string, HopTiming>>()
  private readonly changed = new Set<string>()

  constructor(
    private readonly maxPayments: number,
    /** the channel behind a short channel id, once the dashboard knows it */
    private readonly channelOf: (shortChannelId: string) => string | null,
  ) {}

  /** The payment, created on first sight (at `now`) and marked as changed. */
  get(hash: string, now: number): PaymentState {
    let p = this.payments.get(hash)
    if (!p) {
      p = {
        paymentHash: hash,
        from: null,
        to: null,
        amountMsat: 0n,
        feeMsat: 0n,
        status: 'pending',
        attempts: 0,
        latencyMs: null,
        route: [],
        parts: [],
        failure: null,
        startedAt: now,
        attemptStartedAt: null,
        endedAt: null,
        refusedBy: null,
        counted: false,
      }
      this.payments.set(hash, p)
      if (this.payments.size > this.maxPayments) {
        const oldest = this.payments.keys().next().value!
        this.payments.delete(oldest)
        this.timings.delete(oldest)
        this.changed.delete(oldest)
      }
    }
    this.changed.add(hash)
    return p
  }

  /** A hop's timing, kept even before the payer's events name the payment. */
  timing(hash: string, node: string): HopTiming {
    let byNode = this.timings.get(hash)
    if (!byNode) {
      byNode = new Map()
      this.timings.set(hash, byNode)
      // timings of payments whose payer we never hear about must not pile up
      if (this.timings.size > this.maxPayments * 2) this.timings.delete(this.timings.keys().next().value!)
    }
    let t = byNode.get(node)
    if (!t) byNode.set(node, (t = {}))
    if (this.payments.has(hash)) this.changed.add(hash)
    return t
  }

  setRoute(p: PaymentState, route: RouteHop[]): void {
    if (route.length === 0) return
    p.route = route
    const last = route[route.length - 1]!
    p.to = last.nodeId
    p.amountMsat = last.amountMsat
    p.feeMsat = route.reduce((sum, h) => sum + h.feeMsat, 0n)
  }

  private view(p: PaymentState): PaymentView {
    const timings = this.timings.get(p.paymentHash)
    const hopViews = (hops: RouteHop[]) =>
      hops.map((h) => {
        const t = timings?.get(h.nodeId)
        return {
          nodeId: h.nodeId,
          shortChannelId: h.shortChannelId,
          channelId: this.channelOf(h.shortChannelId),
          amountMsat: h.amountMsat,
          feeMsat: h.feeMsat,
          arrivedAfterMs:
            t?.arrivedAt !== undefined && p.attemptStartedAt !== null
              ? Math.max(0, t.arrivedAt - p.attemptStartedAt)
              : null,
          forwardMs: t?.forwardMs ?? null,
        }
      })
    const route = hopViews(p.route)
    const failure =
      p.failure && !p.failure.failingNode && p.refusedBy ? { ...p.failure, failingNode: p.refusedBy } : p.failure
    return {
      paymentHash: p.paymentHash,
      from: p.from,
      to: p.to,
      amountMsat: p.amountMsat,
      feeMsat: p.feeMsat,
      status: p.status,
      attempts: p.attempts,
      latencyMs: p.latencyMs,
      route,
      parts: p.parts.map(hopViews),
      failure,
      startedAt: p.startedAt,
    }
  }

  /** Every payment kept, newest first. */
  table(): PaymentView[] {
    return [...this.payments.values()]
      .map((p) => this.view(p))
      .sort((a, b) => b.startedAt - a.startedAt || (a.paymentHash < b.paymentHash ? -1 : 1))
  }

  /** The payments changed since the last call. */
  takeChanged(): PaymentView[] {
    const views = [...this.changed].flatMap((h) => (this.payments.has(h) ? [this.view(this.payments.get(h)!)] : []))
    this.changed.clear()
    return views
  }

  get hasChanges(): boolean {
    return this.changed.size > 0
  }
}
