/**
 * Read-only views of channel state for the control API and the payment code:
 * balances, pending HTLCs, whether a channel can carry a payment now.
 */
import { toHex } from '../../core/bytes.js'
import { formatScid, type ShortChannelId } from '../../core/shortChannelId.js'
import { availableToReceiveMsat, availableToSendMsat } from '../../channel/commitments.js'
import { commitmentsOf, type ChannelData } from '../../channel/states.js'
import type { ChannelInfo } from '../../api/node/types.js'

export function shortChannelIdOf(data: ChannelData): ShortChannelId | undefined {
  const inner = data.state === 'OFFLINE' || data.state === 'SYNCING' ? data.prior : data
  return 'shortChannelId' in inner ? inner.shortChannelId : undefined
}

export function channelInfo(key: string, peer: string, data: ChannelData, connected: boolean): ChannelInfo {
  const c = commitmentsOf(data)
  const scid = shortChannelIdOf(data)
  const spec = c?.localCommit.spec
  const closingTxid =
    data.state === 'CLOSED'
      ? (data.closingTxid ?? null)
      : data.state === 'CLOSING'
        ? (data.mutualCloseTx?.txid ?? data.published?.txid ?? null)
        : null
  return {
    channelId: key,
    shortChannelId: scid === undefined ? null : formatScid(scid),
    remoteNodeId: peer,
    state: data.state,
    active: data.state === 'NORMAL' && connected,
    isFunder:
      c?.localParams.isFunder ??
      (data.state === 'WAIT_FOR_ACCEPT_CHANNEL' || data.state === 'WAIT_FOR_FUNDING_INTERNAL'),
    ...(c ? { private: (c.channelFlags & 1) === 0 } : {}),
    capacitySat: c?.capacitySat ?? 0n,
    localBalanceMsat: spec?.toLocalMsat ?? 0n,
    remoteBalanceMsat: spec?.toRemoteMsat ?? 0n,
    availableToSendMsat: c && data.state === 'NORMAL' ? availableToSendMsat(c) : 0n,
    availableToReceiveMsat: c && data.state === 'NORMAL' ? availableToReceiveMsat(c) : 0n,
    pendingHtlcs: (spec?.htlcs ?? []).map((h) => ({
      direction: h.direction,
      id: h.id,
      amountMsat: h.amountMsat,
      paymentHash: toHex(h.paymentHash),
      cltvExpiry: h.cltvExpiry,
    })),
    commitmentNumber: c?.localCommit.index ?? 0n,
    ...(c ? { feeratePerKw: c.localCommit.spec.feeratePerKw } : {}),
    fundingTxid: c?.funding.outpoint.txid ?? null,
    closingTxid,
  }
}
