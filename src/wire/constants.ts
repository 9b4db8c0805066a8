/**
 * Protocol constants of the peer wire: message type numbers and sizes, each
 * beside the BOLT section that defines it.
 */
import type { MessageType } from './messages.js'

/** The 2-byte big-endian `type` that starts every message. */
export const MESSAGE_TYPES = {
  warning: 1, // https://github.com/lightning/bolts/blob/master/01-messaging.md#the-error-and-warning-messages
  init: 16, // https://github.com/lightning/bolts/blob/master/01-messaging.md#the-init-message
  error: 17, // https://github.com/lightning/bolts/blob/master/01-messaging.md#the-error-and-warning-messages
  ping: 18, // https://github.com/lightning/bolts/blob/master/01-messaging.md#the-ping-and-pong-messages
  pong: 19, // https://github.com/lightning/bolts/blob/master/01-messaging.md#the-ping-and-pong-messages
  open_channel: 32, // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md#the-open_channel-message
  accept_channel: 33, // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md#the-accept_channel-message
  funding_created: 34, // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md#the-funding_created-message
  funding_signed: 35, // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md#the-funding_signed-message
  channel_ready: 36, // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md#the-channel_ready-message
  shutdown: 38, // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md#closing-initiation-shutdown
  // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md#legacy-closing-negotiation-closing_signed
  closing_signed: 39,
  // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md#adding-an-htlc-update_add_htlc
  update_add_htlc: 128,
  // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md, section
  // "Removing an HTLC: update_fulfill_htlc, update_fail_htlc, and update_fail_malformed_htlc"
  update_fulfill_htlc: 130,
  // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md, section
  // "Removing an HTLC: update_fulfill_htlc, update_fail_htlc, and update_fail_malformed_htlc"
  update_fail_htlc: 131,
  // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md#committing-updates-so-far-commitment_signed
  commitment_signed: 132,
  // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md, section
  // "Completing the Transition to the Updated State: revoke_and_ack"
  revoke_and_ack: 133,
  update_fee: 134, // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md#updating-fees-update_fee
  // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md, section
  // "Removing an HTLC: update_fulfill_htlc, update_fail_htlc, and update_fail_malformed_htlc"
  update_fail_malformed_htlc: 135,
  channel_reestablish: 136, // https://github.com/lightning/bolts/blob/master/02-peer-protocol.md#message-retransmission
  // https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#the-channel_announcement-message
  channel_announcement: 256,
  // https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#the-node_announcement-message
  node_announcement: 257,
  channel_update: 258, // https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#the-channel_update-message
  // https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#the-announcement_signatures-message
  announcement_signatures: 259,
  // https://github.com/lightning/bolts/blob/master/07-routing-gossip.md, section
  // "The query_short_channel_ids/reply_short_channel_ids_end Messages"
  query_short_channel_ids: 261,
  reply_short_channel_ids_end: 262,
  // https://github.com/lightning/bolts/blob/master/07-routing-gossip.md, section
  // "The query_channel_range and reply_channel_range Messages"
  query_channel_range: 263,
  reply_channel_range: 264,
  // https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#the-gossip_timestamp_filter-message
  gossip_timestamp_filter: 265,
} as const satisfies Record<MessageType, number>

const NAMES = new Map<number, MessageType>(Object.entries(MESSAGE_TYPES).map(([name, n]) => [n, name as MessageType]))

/** The message name for a type number, or undefined if lnsim does not know it. */
export function messageTypeName(typeNumber: number): MessageType | undefined {
  return NAMES.get(typeNumber)
}

/**
 * The largest message, type included: BOLT #8 encrypts each message with a
 * 2-byte length. https://github.com/lightning/bolts/blob/master/08-transport.md#lightning-message-specification
 */
export const MAX_MESSAGE_SIZE = 65535

/**
 * update_add_htlc's onion_routing_packet: version (1) + public key (33) +
 * hop payloads (1300) + HMAC (32).
 * https://github.com/lightning/bolts/blob/master/04-onion-routing.md#packet-structure
 */
export const ONION_PACKET_SIZE = 1366

/** BOLT #1 fundamental types: https://github.com/lightning/bolts/blob/master/01-messaging.md#fundamental-types */
export const POINT_SIZE = 33
export const SIGNATURE_SIZE = 64
export const CHANNEL_ID_SIZE = 32
export const CHAIN_HASH_SIZE = 32
