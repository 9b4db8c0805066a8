/**
 * The simplest route: straight over one of our own channels to the payee.
 * Used when the destination is a direct peer, and as the fallback before the
 * network graph knows anything.
 */
import { toHex } from '../../core/bytes.js'
import type { ChannelInfo } from '../../api/types.js'
import type { PlannedRoute, RouteRequest } from './paymentSender.js'

export function directRoute(req: RouteRequest, channels: Array<ChannelInfo & { scid: bigint | undefined }>, excluded: Set<string>): PlannedRoute | undefined {
  const dest = toHex(req.destination)
  const usable = channels
    .filter((c) => c.remoteNodeId === dest && c.active && c.scid !== undefined && !excluded.has(c.channelId) && c.availableToSendMsat >= req.amountMsat)
    .sort((a, b) => (b.availableToSendMsat > a.availableToSendMsat ? 1 : -1))
  const c = usable[0]
  if (!c) return undefined
  return {
    firstChannel: c.channelId,
    hops: [{ nodeId: dest, shortChannelId: c.scid!, amountMsat: req.amountMsat, feeMsat: 0n, cltvExpiry: req.finalCltvExpiry }],
    totalAmountMsat: req.amountMsat,
    totalFeeMsat: 0n,
  }
}
