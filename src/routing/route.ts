/**
 * A route: the hops a payment takes, with what each hop receives and what it
 * is told to forward (the onion payload's amt_to_forward, outgoing_cltv_value
 * and short_channel_id, BOLT #4).
 */
import type { Msat } from '../core/amount.js'
import { toHex } from '../core/bytes.js'
import { formatScid, type ShortChannelId } from '../core/shortChannelId.js'

export interface RouteHop {
  /** the node this hop reaches */
  nodeId: Uint8Array
  /** the channel the HTLC takes to reach it */
  shortChannelId: ShortChannelId
  /** the HTLC arriving at this node */
  amountMsat: Msat
  cltvExpiry: number
  /** what it sends on (at the payee: what it is paid and the final expiry, as BOLT #4's final payload says) */
  amtToForward: Msat
  outgoingCltvValue: number
  /** what it keeps: amountMsat - amtToForward, 0 at the payee */
  feeMsat: Msat
}

export interface Route {
  hops: RouteHop[]
  /** what the payee receives */
  amountMsat: Msat
  /** the HTLC we add on our channel: hops[0].amountMsat and .cltvExpiry */
  totalAmountMsat: Msat
  totalCltvExpiry: number
  totalFeeMsat: Msat
}

/**
 * BOLT #7: fee_base_msat + amount_to_forward * fee_proportional_millionths / 1000000,
 * rounded down as every implementation does.
 */
export function forwardingFee(amountToForwardMsat: Msat, feeBaseMsat: Msat, feeProportionalMillionths: bigint): Msat {
  return feeBaseMsat + (amountToForwardMsat * feeProportionalMillionths) / 1_000_000n
}

/** What the onion tells each hop, in route order; the payee's has no short_channel_id (BOLT #4). */
export function hopPayloads(
  route: Route,
): Array<{ amtToForward: Msat; outgoingCltvValue: number; shortChannelId?: ShortChannelId }> {
  return route.hops.map((hop, i) => {
    const next = route.hops[i + 1]
    return next
      ? {
          amtToForward: hop.amtToForward,
          outgoingCltvValue: hop.outgoingCltvValue,
          shortChannelId: next.shortChannelId,
        }
      : { amtToForward: hop.amtToForward, outgoingCltvValue: hop.outgoingCltvValue }
  })
}

/**
 * For people, one line per hop:
 *
 *     route of 3 hops: 1000000 msat + 2050 msat fee = 1002050 msat, cltv 822
 *       1. 102x1x0 → carol 03c4…  receives 1002050 msat (fee 1000) cltv 822, forwards 1001050 msat cltv 782
 */
export function routeToString(route: Route, aliasOf: (nodeId: string) => string | undefined = () => undefined): string {
  const lines = [
    `route of ${route.hops.length} hop${route.hops.length === 1 ? '' : 's'}: ` +
      `${route.amountMsat} msat + ${route.totalFeeMsat} msat fee = ${route.totalAmountMsat} msat, ` +
      `cltv ${route.totalCltvExpiry}`,
  ]
  route.hops.forEach((hop, i) => {
    const id = toHex(hop.nodeId)
    const alias = aliasOf(id)
    const who = `${alias ? `${alias} ` : ''}${id.slice(0, 8)}…`
    const last = i === route.hops.length - 1
    lines.push(
      `  ${i + 1}. ${formatScid(hop.shortChannelId)} → ${who}  receives ${hop.amountMsat} ` +
        `msat${last ? '' : ` (fee ${hop.feeMsat})`} ` +
        `cltv ${hop.cltvExpiry}` +
        `${last ? ' (payee)' : `, forwards ${hop.amtToForward} msat cltv ${hop.outgoingCltvValue}`}`,
    )
  })
  return lines.join('\n')
}
