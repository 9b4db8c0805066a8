/**
 * The `r` fields of our invoices (BOLT #11): a payer cannot see our private
 * channels in the gossip graph, so each invoice names them, one single-hop route
 * hint per channel, with the policy the *peer* announced to us for its direction
 * (it is the peer that forwards the payment to us and charges for it).
 */
import { fromHex } from '../../core/bytes.js'
import type { ShortChannelId } from '../../core/shortChannelId.js'
import type { ChannelUpdate } from '../../wire/messages.js'
import { isDisabled } from '../../routing/gossip/channelUpdate.js'
import type { RouteHint } from '../../routing/routeHint.js'

/** At most this many hints in one invoice (LND's default, `maxHopHints`): each costs 51 bytes of the invoice. */
export const MAX_ROUTE_HINTS = 20

/** One of our private channels, as the invoice needs to see it. */
export interface PrivateChannel {
  peer: string
  shortChannelId: ShortChannelId
  /** what the peer can send us on it now */
  inboundMsat: bigint
  /** the channel_update the peer sent us for its direction, if any yet */
  peerUpdate: ChannelUpdate | undefined
}

/**
 * A hint for each private channel that can carry a payment to us now (the
 * peer's update known and not disabled, some inbound liquidity): those that can
 * take `amountMsat` whole first, then by inbound liquidity, most first.
 */
export function routeHintsFor(
  channels: readonly PrivateChannel[],
  amountMsat: bigint | null,
  max = MAX_ROUTE_HINTS,
): RouteHint[] {
  const usable = channels.filter((c) => c.peerUpdate && !isDisabled(c.peerUpdate) && c.inboundMsat > 0n)
  const fits = (c: PrivateChannel): number => (amountMsat === null || c.inboundMsat >= amountMsat ? 1 : 0)
  usable.sort(
    (a, b) =>
      fits(b) - fits(a) ||
      (a.inboundMsat === b.inboundMsat ? 0 : a.inboundMsat > b.inboundMsat ? -1 : 1) ||
      (a.shortChannelId < b.shortChannelId ? -1 : 1),
  )
  return usable.slice(0, max).map((c) => {
    const u = c.peerUpdate!
    return [
      {
        nodeId: fromHex(c.peer),
        shortChannelId: c.shortChannelId,
        feeBaseMsat: BigInt(u.feeBaseMsat),
        feeProportionalMillionths: u.feeProportionalMillionths,
        cltvExpiryDelta: u.cltvExpiryDelta,
      },
    ]
  })
}
