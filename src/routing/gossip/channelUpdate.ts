/**
 * channel_update (BOLT #7): one direction's forwarding policy, signed by the
 * node at the start of that direction. Bit 0 of channel_flags is the direction
 * (0: from node_id_1, the lesser id), bit 1 disables it; bit 0 of
 * message_flags must be set (htlc_maximum_msat is always present).
 * https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#the-channel_update-message
 */
import { satToMsat, type Msat, type Sat } from '../../core/amount.js'
import { bytesEqual, compareBytes, toHex } from '../../core/bytes.js'
import { formatScid, type ShortChannelId } from '../../core/shortChannelId.js'
import { publicKeyOf, signDigest, verifyDigest } from '../../crypto/secp256k1.js'
import { encodeMessage } from '../../wire/codec.js'
import { channelUpdateDigest, gossipDigest } from '../../wire/gossipDigest.js'
import type { ChannelUpdate } from '../../wire/messages.js'
import { GossipError } from '../errors.js'

export const MESSAGE_FLAG_HTLC_MAXIMUM = 0x01
export const CHANNEL_FLAG_DIRECTION = 0x01
export const CHANNEL_FLAG_DISABLE = 0x02

/** 0 or 1: which end of the channel signs an update. */
export type Direction = 0 | 1

/** What a channel_update advertises, as the message carries it. */
export interface AnnouncedPolicy {
  cltvExpiryDelta: number
  htlcMinimumMsat: Msat
  htlcMaximumMsat: Msat
  feeBaseMsat: number
  feeProportionalMillionths: number
  disabled: boolean
}

export interface ChannelUpdateInput extends AnnouncedPolicy {
  nodeKey: Uint8Array
  remoteNodeId: Uint8Array
  chainHash: Uint8Array
  shortChannelId: ShortChannelId
  /** seconds; see nextGossipTimestamp */
  timestamp: number
}

/** The direction of updates signed by `nodeId` on its channel with `otherNodeId`. */
export function directionOf(nodeId: Uint8Array, otherNodeId: Uint8Array): Direction {
  return compareBytes(nodeId, otherNodeId) < 0 ? 0 : 1
}

export function updateDirection(u: Pick<ChannelUpdate, 'channelFlags'>): Direction {
  return (u.channelFlags & CHANNEL_FLAG_DIRECTION) as Direction
}

export function isDisabled(u: Pick<ChannelUpdate, 'channelFlags'>): boolean {
  return (u.channelFlags & CHANNEL_FLAG_DISABLE) !== 0
}

/**
 * A timestamp for our next update or announcement: now in seconds, but always
 * past the previous one, since peers drop anything not strictly newer and a
 * simulation can change a policy twice in a second (LND does the same).
 */
export function nextGossipTimestamp(previous: number | undefined, nowMs: number): number {
  const now = Math.floor(nowMs / 1000)
  return previous === undefined ? now : Math.max(now, previous + 1)
}

export function createChannelUpdate(input: ChannelUpdateInput): ChannelUpdate {
  const direction = directionOf(publicKeyOf(input.nodeKey), input.remoteNodeId)
  const unsigned: Omit<ChannelUpdate, 'type' | 'signature'> = {
    chainHash: input.chainHash,
    shortChannelId: input.shortChannelId,
    timestamp: input.timestamp,
    messageFlags: MESSAGE_FLAG_HTLC_MAXIMUM,
    channelFlags: direction | (input.disabled ? CHANNEL_FLAG_DISABLE : 0),
    cltvExpiryDelta: input.cltvExpiryDelta,
    htlcMinimumMsat: input.htlcMinimumMsat,
    feeBaseMsat: input.feeBaseMsat,
    feeProportionalMillionths: input.feeProportionalMillionths,
    htlcMaximumMsat: input.htlcMaximumMsat,
  }
  return { type: 'channel_update', signature: signDigest(channelUpdateDigest(unsigned), input.nodeKey), ...unsigned }
}

export function policyOf(u: ChannelUpdate): AnnouncedPolicy {
  return {
    cltvExpiryDelta: u.cltvExpiryDelta,
    htlcMinimumMsat: u.htlcMinimumMsat,
    htlcMaximumMsat: u.htlcMaximumMsat,
    feeBaseMsat: u.feeBaseMsat,
    feeProportionalMillionths: u.feeProportionalMillionths,
    disabled: isDisabled(u),
  }
}

/** What an update is checked against: the channel it belongs to. */
export interface AnnouncedChannel {
  nodeId1: Uint8Array
  nodeId2: Uint8Array
  capacitySat: Sat
}

/** Updates dated further ahead than this are refused (BOLT #7: "MAY discard ... unreasonably far in the future"). */
export const MAX_FUTURE_TIMESTAMP_SECONDS = 24 * 60 * 60

/**
 * BOLT #7 checks of an update for a known channel, its signature over `encoded`
 * (the bytes as received) when given. Throws GossipError. Newer-than-known is
 * the store's question, not validity.
 */
export function verifyChannelUpdate(
  u: ChannelUpdate,
  channel: AnnouncedChannel,
  chainHash: Uint8Array,
  nowMs: number,
  encoded: Uint8Array = encodeMessage(u),
): void {
  const scid = formatScid(u.shortChannelId)
  const details = { shortChannelId: scid, direction: updateDirection(u) }
  if (!bytesEqual(u.chainHash, chainHash))
    throw new GossipError(
      'UNKNOWN_CHAIN',
      `channel_update ${scid} is for chain ${toHex(u.chainHash)}, not ours`,
      details,
    )
  if ((u.messageFlags & MESSAGE_FLAG_HTLC_MAXIMUM) === 0)
    throw new GossipError(
      'HTLC_MAXIMUM_NOT_SET',
      `channel_update ${scid} must set bit 0 of message_flags (htlc_maximum_msat)`,
      details,
    )
  if (u.timestamp > Math.floor(nowMs / 1000) + MAX_FUTURE_TIMESTAMP_SECONDS) {
    throw new GossipError(
      'TIMESTAMP_IN_FUTURE',
      `channel_update ${scid} is dated ${u.timestamp}, more than a day ahead of our clock`,
      { ...details, timestamp: u.timestamp },
    )
  }
  const capacityMsat = satToMsat(channel.capacitySat)
  if (u.htlcMaximumMsat > capacityMsat) {
    throw new GossipError(
      'HTLC_MAXIMUM_ABOVE_CAPACITY',
      `channel_update ${scid}: htlc_maximum_msat ${u.htlcMaximumMsat} exceeds the channel capacity ` +
        `of ${capacityMsat} msat`,
      details,
    )
  }
  if (u.htlcMinimumMsat > u.htlcMaximumMsat) {
    throw new GossipError(
      'HTLC_MINIMUM_ABOVE_MAXIMUM',
      `channel_update ${scid}: htlc_minimum_msat ${u.htlcMinimumMsat} exceeds htlc_maximum_msat ${u.htlcMaximumMsat}`,
      details,
    )
  }
  const signer = updateDirection(u) === 0 ? channel.nodeId1 : channel.nodeId2
  if (!verifyDigest(u.signature, gossipDigest(encoded), signer))
    throw new GossipError('INVALID_SIGNATURE', `channel_update ${scid} is not signed by node ${toHex(signer)}`, details)
}
