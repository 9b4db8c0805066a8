/**
 * Follows each payment across the nodes' event streams: the sender's attempt
 * (its route), the moment each hop received the HTLC, what each forwarding
 * hop kept as its fee, and how it ended. From these a view shows a payment
 * hop by hop with per-hop fee and time, whoever made the payment.
 */
import type { NodeEvent } from '../api/node/events.js'
import type { RouteHop } from '../api/node/types.js'

export interface HopView {
  /** the hop's node name (its alias), or a short node id */
  name: string
  shortChannelId: string
  /** what this hop kept for forwarding (0 for the payee) */
  feeMsat: bigint
  /** ms from the sender's attempt until this hop had the HTLC; null when its event has not been seen */
  atMs: number | null
}

interface Trail {
  sender: string
  attemptAt: number | null
  route: RouteHop[]
  arrivals: Map<string, number>
  forwardFees: Map<string, bigint>
}

/** Payments remembered at once; the oldest are forgotten first. */
export const MAX_TRAILS = 10_000

export class PaymentTrails {
  private readonly trails = new Map<string, Trail>()
  private readonly aliases = new Map<string, string>()

  /** Names nodes before their first event is seen (a runner knows them all from the start). */
  name(nodeId: string, name: string): void {
    this.aliases.set(nodeId, name)
  }

  nameOf(nodeId: string): string {
    return this.aliases.get(nodeId) ?? `${nodeId.slice(0, 10)}…`
  }

  private trail(hash: string, sender = ''): Trail {
    let t = this.trails.get(hash)
    if (!t) {
      t = { sender, attemptAt: null, route: [], arrivals: new Map(), forwardFees: new Map() }
      this.trails.set(hash, t)
      if (this.trails.size > MAX_TRAILS) this.trails.delete(this.trails.keys().next().value!)
    }
    return t
  }

  onEvent(e: NodeEvent): void {
    if (!this.aliases.has(e.node)) this.aliases.set(e.node, e.alias)
    switch (e.type) {
      case 'payment_attempt': {
        const t = this.trail(e.paymentHash, e.alias)
        t.sender = e.alias
        t.attemptAt = e.time
        t.route = e.route
        t.arrivals.clear()
        return
      }
      case 'payment_sent': {
        const t = this.trail(e.paymentHash, e.alias)
        t.sender = e.alias
        t.route = e.route
        return
      }
      case 'htlc_added':
        if (e.direction === 'incoming') this.trail(e.paymentHash).arrivals.set(e.alias, e.time)
        return
      case 'htlc_forwarded':
        if (e.status === 'settled') this.trail(e.paymentHash).forwardFees.set(e.alias, e.feeMsat)
        return
      default:
        return
    }
  }

  sender(paymentHash: string): string | undefined {
    return this.trails.get(paymentHash)?.sender || undefined
  }

  /** The route of the payment's last attempt, hop by hop; empty when no attempt was seen. */
  hops(paymentHash: string): HopView[] {
    const t = this.trails.get(paymentHash)
    if (!t) return []
    return t.route.map((h) => {
      const name = this.nameOf(h.nodeId)
      const arrived = t.arrivals.get(name)
      return {
        name,
        shortChannelId: h.shortChannelId,
        feeMsat: t.forwardFees.get(name) ?? h.feeMsat,
        atMs: arrived !== undefined && t.attemptAt !== null ? Math.max(0, arrived - t.attemptAt) : null,
      }
    })
  }
}
