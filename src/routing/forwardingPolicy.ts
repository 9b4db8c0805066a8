/**
 * What a node charges to forward over one of its channels, and the least and
 * most it forwards: the part of BOLT #7's channel_update a forwarding node checks an
 * HTLC against (BOLT #4), and pathfinding pays (`forwardingFee` in route.ts). A
 * channel_update carries it with the rest (`AnnouncedPolicy`).
 */
import type { Msat } from '../core/amount.js'

export interface ForwardingPolicy {
  feeBaseMsat: Msat
  feeProportionalMillionths: bigint
  cltvExpiryDelta: number
  htlcMinimumMsat: Msat
  /** the largest HTLC forwarded (BOLT #7 htlc_maximum_msat); absent: the channel's capacity */
  htlcMaximumMsat?: Msat | undefined
}
