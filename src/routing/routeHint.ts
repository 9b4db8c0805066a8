/**
 * A private route to a payee, one or more hops in forward order, each with the
 * channel_update values (BOLT #7) a payer needs to pay across it. Pathfinding
 * uses it as extra edges; a BOLT #11 invoice carries it in its `r` fields.
 */
import type { Msat } from '../core/amount.js'
import type { ShortChannelId } from '../core/shortChannelId.js'

export interface RouteHintHop {
  /** The node at the start of the channel. */
  nodeId: Uint8Array
  shortChannelId: ShortChannelId
  feeBaseMsat: Msat
  feeProportionalMillionths: number
  cltvExpiryDelta: number
}

export type RouteHint = RouteHintHop[]
