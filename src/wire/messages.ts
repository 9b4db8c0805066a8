/**
 * The peer messages lnsim speaks, in the shape of BOLT #1, #2 and #7. Field
 * names are the BOLT field names in camelCase. Amounts are bigint (msat or sat
 * as the name says), keys and points 33-byte compressed, signatures 64-byte
 * compact, channel ids 32 bytes. Where Bitcoin has a script, lnsim has a
 * spending condition of the mock chain.
 *
 * Differences from the BOLTs, because lnsim's chain is not Bitcoin:
 * - shutdown carries a Condition instead of a scriptpubkey.
 * - node_announcement carries libp2p multiaddrs as strings.
 */
import type { Msat, Sat } from '../core/amount.js'
import type { ShortChannelId } from '../core/shortChannelId.js'
import type { Condition } from '../chain/condition.js'

// BOLT #1
export interface Init {
  type: 'init'
  features: Uint8Array
  /** chain hashes this node is interested in (the `networks` TLV). */
  networks: Uint8Array[]
}
export interface ErrorMessage {
  type: 'error'
  /** all zeroes: the error is about every channel with the peer. */
  channelId: Uint8Array
  data: Uint8Array
}
export interface Warning {
  type: 'warning'
  channelId: Uint8Array
  data: Uint8Array
}
export interface Ping {
  type: 'ping'
  numPongBytes: number
  ignored: Uint8Array
}
export interface Pong {
  type: 'pong'
  ignored: Uint8Array
}

// BOLT #2: channel establishment
export interface OpenChannel {
  type: 'open_channel'
  chainHash: Uint8Array
  temporaryChannelId: Uint8Array
  fundingSatoshis: Sat
  pushMsat: Msat
  dustLimitSatoshis: Sat
  maxHtlcValueInFlightMsat: Msat
  channelReserveSatoshis: Sat
  htlcMinimumMsat: Msat
  feeratePerKw: number
  toSelfDelay: number
  maxAcceptedHtlcs: number
  fundingPubkey: Uint8Array
  revocationBasepoint: Uint8Array
  paymentBasepoint: Uint8Array
  delayedPaymentBasepoint: Uint8Array
  htlcBasepoint: Uint8Array
  firstPerCommitmentPoint: Uint8Array
  /** bit 0: announce_channel */
  channelFlags: number
}
export interface AcceptChannel {
  type: 'accept_channel'
  temporaryChannelId: Uint8Array
  dustLimitSatoshis: Sat
  maxHtlcValueInFlightMsat: Msat
  channelReserveSatoshis: Sat
  htlcMinimumMsat: Msat
  minimumDepth: number
  toSelfDelay: number
  maxAcceptedHtlcs: number
  fundingPubkey: Uint8Array
  revocationBasepoint: Uint8Array
  paymentBasepoint: Uint8Array
  delayedPaymentBasepoint: Uint8Array
  htlcBasepoint: Uint8Array
  firstPerCommitmentPoint: Uint8Array
}
export interface FundingCreated {
  type: 'funding_created'
  temporaryChannelId: Uint8Array
  fundingTxid: Uint8Array
  fundingOutputIndex: number
  signature: Uint8Array
}
export interface FundingSigned {
  type: 'funding_signed'
  channelId: Uint8Array
  signature: Uint8Array
}
export interface ChannelReady {
  type: 'channel_ready'
  channelId: Uint8Array
  secondPerCommitmentPoint: Uint8Array
}

// BOLT #2: closing
export interface Shutdown {
  type: 'shutdown'
  channelId: Uint8Array
  /** where this side's closing output goes. */
  scriptpubkey: Condition
}
export interface ClosingSigned {
  type: 'closing_signed'
  channelId: Uint8Array
  feeSatoshis: Sat
  signature: Uint8Array
  /** the fee_range TLV, when the sender offers a range. */
  feeRange?: { minFeeSatoshis: Sat; maxFeeSatoshis: Sat }
}

// BOLT #2: normal operation
export interface UpdateAddHtlc {
  type: 'update_add_htlc'
  channelId: Uint8Array
  id: bigint
  amountMsat: Msat
  paymentHash: Uint8Array
  cltvExpiry: number
  /** BOLT #4 onion, 1366 bytes. */
  onionRoutingPacket: Uint8Array
  /**
   * update_add_htlc_tlvs type 1 (`accountable`), a record with no data: the sender holds the receiver accountable for
   * how fast this HTLC resolves (lightning/bolts#1280, "Outgoing reputation and HTLC accountability").
   */
  accountable?: boolean
}
export interface UpdateFulfillHtlc {
  type: 'update_fulfill_htlc'
  channelId: Uint8Array
  id: bigint
  paymentPreimage: Uint8Array
}
export interface UpdateFailHtlc {
  type: 'update_fail_htlc'
  channelId: Uint8Array
  id: bigint
  /** the onion-encrypted failure message (BOLT #4). */
  reason: Uint8Array
}
export interface UpdateFailMalformedHtlc {
  type: 'update_fail_malformed_htlc'
  channelId: Uint8Array
  id: bigint
  sha256OfOnion: Uint8Array
  failureCode: number
}
export interface CommitmentSigned {
  type: 'commitment_signed'
  channelId: Uint8Array
  signature: Uint8Array
  /** one per HTLC output of the receiver's commitment, in output order: its HTLC-timeout/-success transaction */
  htlcSignatures: Uint8Array[]
}
export interface RevokeAndAck {
  type: 'revoke_and_ack'
  channelId: Uint8Array
  perCommitmentSecret: Uint8Array
  nextPerCommitmentPoint: Uint8Array
}
export interface UpdateFee {
  type: 'update_fee'
  channelId: Uint8Array
  feeratePerKw: number
}
export interface ChannelReestablish {
  type: 'channel_reestablish'
  channelId: Uint8Array
  nextCommitmentNumber: bigint
  nextRevocationNumber: bigint
  yourLastPerCommitmentSecret: Uint8Array
  myCurrentPerCommitmentPoint: Uint8Array
}

// BOLT #7
export interface AnnouncementSignatures {
  type: 'announcement_signatures'
  channelId: Uint8Array
  shortChannelId: ShortChannelId
  nodeSignature: Uint8Array
  bitcoinSignature: Uint8Array
}
export interface ChannelAnnouncement {
  type: 'channel_announcement'
  nodeSignature1: Uint8Array
  nodeSignature2: Uint8Array
  bitcoinSignature1: Uint8Array
  bitcoinSignature2: Uint8Array
  features: Uint8Array
  chainHash: Uint8Array
  shortChannelId: ShortChannelId
  nodeId1: Uint8Array
  nodeId2: Uint8Array
  bitcoinKey1: Uint8Array
  bitcoinKey2: Uint8Array
}
export interface NodeAnnouncement {
  type: 'node_announcement'
  signature: Uint8Array
  features: Uint8Array
  timestamp: number
  nodeId: Uint8Array
  rgbColor: Uint8Array
  /** 32 bytes, UTF-8, zero padded. */
  alias: Uint8Array
  /** libp2p multiaddrs, e.g. /ip4/127.0.0.1/tcp/9735 */
  addresses: string[]
}
export interface ChannelUpdate {
  type: 'channel_update'
  signature: Uint8Array
  chainHash: Uint8Array
  shortChannelId: ShortChannelId
  timestamp: number
  /** bit 0: must be 1 (htlc_maximum_msat present) */
  messageFlags: number
  /** bit 0: direction, bit 1: disable */
  channelFlags: number
  cltvExpiryDelta: number
  htlcMinimumMsat: Msat
  feeBaseMsat: number
  feeProportionalMillionths: number
  htlcMaximumMsat: Msat
}

// BOLT #7 gossip queries

/** A value per direction of a channel: of node_id_1's update, of node_id_2's (0 when that end sent none). */
export interface PerDirection {
  node1: number
  node2: number
}
export interface QueryShortChannelIds {
  type: 'query_short_channel_ids'
  chainHash: Uint8Array
  /** encoded_short_ids, encoding type 0 (uncompressed) */
  shortChannelIds: ShortChannelId[]
  /** gossip_queries_ex: one bitfield per id, saying which of its messages are wanted (QUERY_FLAG) */
  queryFlags?: bigint[]
}
export interface ReplyShortChannelIdsEnd {
  type: 'reply_short_channel_ids_end'
  chainHash: Uint8Array
  /** 0: the sender does not keep up-to-date channel information for this chain */
  fullInformation: number
}
export interface QueryChannelRange {
  type: 'query_channel_range'
  chainHash: Uint8Array
  firstBlocknum: number
  numberOfBlocks: number
  /** gossip_queries_ex: what the replies should carry besides the ids (QUERY_OPTION_TIMESTAMPS, _CHECKSUMS) */
  queryOption?: bigint
}
export interface ReplyChannelRange {
  type: 'reply_channel_range'
  chainHash: Uint8Array
  firstBlocknum: number
  numberOfBlocks: number
  /** 1 on the last reply to a query */
  syncComplete: number
  shortChannelIds: ShortChannelId[]
  /** gossip_queries_ex: each channel's update timestamps, one per id */
  timestamps?: PerDirection[]
  /** gossip_queries_ex: each channel's update checksums (channelUpdateChecksum), one per id */
  checksums?: PerDirection[]
}
export interface GossipTimestampFilter {
  type: 'gossip_timestamp_filter'
  chainHash: Uint8Array
  firstTimestamp: number
  timestampRange: number
}

export type SetupMessage = Init | ErrorMessage | Warning | Ping | Pong
export type ChannelEstablishmentMessage = OpenChannel | AcceptChannel | FundingCreated | FundingSigned | ChannelReady
export type ChannelCloseMessage = Shutdown | ClosingSigned
export type UpdateMessage = UpdateAddHtlc | UpdateFulfillHtlc | UpdateFailHtlc | UpdateFailMalformedHtlc | UpdateFee
export type ChannelMessage =
  | ChannelEstablishmentMessage
  | ChannelCloseMessage
  | UpdateMessage
  | CommitmentSigned
  | RevokeAndAck
  | ChannelReestablish
export type GossipMessage = AnnouncementSignatures | ChannelAnnouncement | NodeAnnouncement | ChannelUpdate
export type GossipQueryMessage =
  QueryShortChannelIds | ReplyShortChannelIdsEnd | QueryChannelRange | ReplyChannelRange | GossipTimestampFilter
export type Message = SetupMessage | ChannelMessage | GossipMessage | GossipQueryMessage
export type MessageType = Message['type']
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>
