/**
 * channel_announcement (BOLT #7): proof that two nodes own a funding output,
 * signed by both node keys and both funding keys. Each side signs the same
 * digest and sends its two signatures in announcement_signatures; either side
 * can then assemble the announcement.
 * https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#the-channel_announcement-message
 */
import type { Sat } from '../../core/amount.js'
import { bytesEqual, compareBytes, toHex } from '../../core/bytes.js'
import { formatScid, type ShortChannelId } from '../../core/shortChannelId.js'
import { encodeCondition, type Condition } from '../../chain/condition.js'
import { publicKeyOf, signDigest, verifyDigest } from '../../crypto/secp256k1.js'
import { fundingCondition } from '../../channel/scripts.js'
import { encodeMessage } from '../../wire/codec.js'
import { unknownRequiredFeatures } from '../../wire/features.js'
import { channelAnnouncementDigest, gossipDigest } from '../../wire/gossipDigest.js'
import type { AnnouncementSignatures, ChannelAnnouncement } from '../../wire/messages.js'
import { GossipError } from '../errors.js'

/** The funding output a short_channel_id points at, or undefined when there is none or it is spent. */
export type FundingOutputLookup = (
  shortChannelId: ShortChannelId,
) => Promise<{ value: Sat; condition: Condition } | undefined>

/** What one side of a channel knows when it announces it. */
export interface ChannelAnnouncementContext {
  chainHash: Uint8Array
  shortChannelId: ShortChannelId
  nodeKey: Uint8Array
  fundingKey: Uint8Array
  remoteNodeId: Uint8Array
  remoteFundingPubkey: Uint8Array
  /** @default empty: no channel features are defined */
  features?: Uint8Array
}

type UnsignedChannelAnnouncement = Omit<
  ChannelAnnouncement,
  'type' | 'nodeSignature1' | 'nodeSignature2' | 'bitcoinSignature1' | 'bitcoinSignature2'
>

/** The announcement's fields with node_id_1 the lesser node id, each bitcoin key beside its node's id. */
function unsignedAnnouncement(ctx: ChannelAnnouncementContext): {
  fields: UnsignedChannelAnnouncement
  localIsNode1: boolean
} {
  const localNodeId = publicKeyOf(ctx.nodeKey)
  const localFundingPubkey = publicKeyOf(ctx.fundingKey)
  const localIsNode1 = compareBytes(localNodeId, ctx.remoteNodeId) < 0
  const [n1, n2] = localIsNode1 ? [localNodeId, ctx.remoteNodeId] : [ctx.remoteNodeId, localNodeId]
  const [b1, b2] = localIsNode1
    ? [localFundingPubkey, ctx.remoteFundingPubkey]
    : [ctx.remoteFundingPubkey, localFundingPubkey]
  return {
    fields: {
      features: ctx.features ?? new Uint8Array(0),
      chainHash: ctx.chainHash,
      shortChannelId: ctx.shortChannelId,
      nodeId1: n1,
      nodeId2: n2,
      bitcoinKey1: b1,
      bitcoinKey2: b2,
    },
    localIsNode1,
  }
}

/** Our half: the message to send the peer once the funding is deep enough (BOLT #7 announcement_signatures). */
export function createAnnouncementSignatures(
  ctx: ChannelAnnouncementContext,
  channelId: Uint8Array,
): AnnouncementSignatures {
  const digest = channelAnnouncementDigest(unsignedAnnouncement(ctx).fields)
  return {
    type: 'announcement_signatures',
    channelId,
    shortChannelId: ctx.shortChannelId,
    nodeSignature: signDigest(digest, ctx.nodeKey),
    bitcoinSignature: signDigest(digest, ctx.fundingKey),
  }
}

/**
 * The whole announcement from our signatures and the peer's announcement_signatures.
 * Throws GossipError SHORT_CHANNEL_ID_MISMATCH or INVALID_SIGNATURE when the
 * peer's half does not fit (BOLT #7: the receiver should send a warning).
 */
export function createChannelAnnouncement(
  ctx: ChannelAnnouncementContext,
  remote: AnnouncementSignatures,
): ChannelAnnouncement {
  if (remote.shortChannelId !== ctx.shortChannelId) {
    throw new GossipError(
      'SHORT_CHANNEL_ID_MISMATCH',
      `announcement_signatures is for ${formatScid(remote.shortChannelId)}, ` +
        `but the channel is ${formatScid(ctx.shortChannelId)}`,
      {
        expected: formatScid(ctx.shortChannelId),
        received: formatScid(remote.shortChannelId),
      },
    )
  }
  const { fields, localIsNode1 } = unsignedAnnouncement(ctx)
  const digest = channelAnnouncementDigest(fields)
  if (!verifyDigest(remote.nodeSignature, digest, ctx.remoteNodeId))
    throw invalidSignature("the peer's node_signature in announcement_signatures")
  if (!verifyDigest(remote.bitcoinSignature, digest, ctx.remoteFundingPubkey))
    throw invalidSignature("the peer's bitcoin_signature in announcement_signatures")
  const local = { node: signDigest(digest, ctx.nodeKey), bitcoin: signDigest(digest, ctx.fundingKey) }
  const [s1, s2] = localIsNode1
    ? [local, { node: remote.nodeSignature, bitcoin: remote.bitcoinSignature }]
    : [{ node: remote.nodeSignature, bitcoin: remote.bitcoinSignature }, local]
  return {
    type: 'channel_announcement',
    nodeSignature1: s1.node,
    nodeSignature2: s2.node,
    bitcoinSignature1: s1.bitcoin,
    bitcoinSignature2: s2.bitcoin,
    ...fields,
  }
}

/**
 * The checks that need no chain: chain, node order, features and the four
 * signatures, over `encoded` (the bytes as received) when given. Throws GossipError.
 */
export function checkChannelAnnouncement(
  m: ChannelAnnouncement,
  chainHash: Uint8Array,
  encoded: Uint8Array = encodeMessage(m),
): void {
  const scid = formatScid(m.shortChannelId)
  if (!bytesEqual(m.chainHash, chainHash))
    throw new GossipError(
      'UNKNOWN_CHAIN',
      `channel_announcement ${scid} is for chain ${toHex(m.chainHash)}, not ours`,
      { shortChannelId: scid },
    )
  if (compareBytes(m.nodeId1, m.nodeId2) >= 0) {
    throw new GossipError(
      'NODE_IDS_NOT_ORDERED',
      `channel_announcement ${scid}: node_id_1 must be lexicographically less than node_id_2`,
      { shortChannelId: scid },
    )
  }
  // BOLT #7: a channel with an unknown even feature must not be routed through; none are defined
  const unknown = unknownRequiredFeatures(m.features, [])
  if (unknown.length > 0)
    throw new GossipError(
      'UNKNOWN_REQUIRED_FEATURE',
      `channel_announcement ${scid} requires unknown feature bits ${unknown.join(', ')}`,
      { shortChannelId: scid, bits: unknown },
    )
  const digest = gossipDigest(encoded)
  const signatures: Array<[string, Uint8Array, Uint8Array]> = [
    ['node_signature_1', m.nodeSignature1, m.nodeId1],
    ['node_signature_2', m.nodeSignature2, m.nodeId2],
    ['bitcoin_signature_1', m.bitcoinSignature1, m.bitcoinKey1],
    ['bitcoin_signature_2', m.bitcoinSignature2, m.bitcoinKey2],
  ]
  for (const [field, signature, key] of signatures) {
    if (!verifyDigest(signature, digest, key))
      throw invalidSignature(`${field} of channel_announcement ${scid}`, { shortChannelId: scid, field })
  }
}

/**
 * Every BOLT #7 check: those of checkChannelAnnouncement, then that the funding
 * output exists, unspent, locked to all(sig(bitcoin_key_1), sig(bitcoin_key_2)).
 * Returns the channel's capacity (the output's value). Throws GossipError.
 */
export async function verifyChannelAnnouncement(
  m: ChannelAnnouncement,
  chainHash: Uint8Array,
  lookup: FundingOutputLookup,
  encoded?: Uint8Array,
): Promise<{ capacitySat: Sat }> {
  checkChannelAnnouncement(m, chainHash, encoded)
  const scid = formatScid(m.shortChannelId)
  const output = await lookup(m.shortChannelId)
  if (output === undefined)
    throw new GossipError(
      'FUNDING_OUTPUT_NOT_FOUND',
      `channel_announcement ${scid}: no unspent output at that position on chain`,
      { shortChannelId: scid },
    )
  if (!bytesEqual(encodeCondition(output.condition), encodeCondition(fundingCondition(m.bitcoinKey1, m.bitcoinKey2)))) {
    throw new GossipError(
      'FUNDING_OUTPUT_MISMATCH',
      `channel_announcement ${scid}: the output on chain is not the 2-of-2 of bitcoin_key_1 and bitcoin_key_2`,
      { shortChannelId: scid },
    )
  }
  return { capacitySat: output.value }
}

function invalidSignature(what: string, details: Record<string, unknown> = {}): GossipError {
  return new GossipError('INVALID_SIGNATURE', `${what} does not verify`, details)
}
