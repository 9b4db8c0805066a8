/**
 * What BOLT #7 gossip signatures sign: the double-SHA256 of the encoded
 * message from just after its signatures to the end, extension included.
 * - channel_announcement: from offset 256 of the payload (after the four signatures), i.e. from `len`/`features` on
 * - node_announcement: everything after `signature`, i.e. from `flen`/`features` on
 * - channel_update: everything after `signature`, i.e. from `chain_hash` on
 * https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#the-channel_announcement-message
 */
import { sha256 } from '../crypto/hash.js'
import { encodeMessage } from './codec.js'
import { CHAIN_HASH_SIZE, MESSAGE_TYPES, SIGNATURE_SIZE } from './constants.js'
import { crc32c } from '../core/crc32c.js'
import { WireDecodeError } from './errors.js'
import type { ChannelAnnouncement, ChannelUpdate, NodeAnnouncement } from './messages.js'

const TYPE_SIZE = 2
/** Where the signed bytes start in an encoded message, type included. */
const SIGNED_FROM = new Map<number, number>([
  [MESSAGE_TYPES.channel_announcement, TYPE_SIZE + 4 * SIGNATURE_SIZE],
  [MESSAGE_TYPES.node_announcement, TYPE_SIZE + SIGNATURE_SIZE],
  [MESSAGE_TYPES.channel_update, TYPE_SIZE + SIGNATURE_SIZE],
])

/**
 * The signed digest of an encoded channel_announcement, node_announcement or
 * channel_update, as received: use this to verify a peer's message, since it
 * covers any extension bytes the decoder does not keep.
 */
export function gossipDigest(encoded: Uint8Array): Uint8Array {
  const typeNumber = encoded.length >= TYPE_SIZE ? (encoded[0]! << 8) | encoded[1]! : -1
  const from = SIGNED_FROM.get(typeNumber)
  if (from === undefined)
    throw new WireDecodeError('INVALID_FIELD', `message type ${typeNumber} is not a signed gossip message`, {
      messageType: typeNumber,
    })
  if (encoded.length < from)
    throw new WireDecodeError('TRUNCATED', `gossip message of ${encoded.length} bytes ends inside its signatures`)
  return sha256(sha256(encoded.subarray(from)))
}

const SIGNED_GOSSIP_TYPES = new Map<number, 'channel_announcement' | 'node_announcement' | 'channel_update'>([
  [MESSAGE_TYPES.channel_announcement, 'channel_announcement'],
  [MESSAGE_TYPES.node_announcement, 'node_announcement'],
  [MESSAGE_TYPES.channel_update, 'channel_update'],
])

/** The type of an encoded signed gossip message, read from its first two bytes; undefined for any other message. */
export function signedGossipTypeOf(
  encoded: Uint8Array,
): 'channel_announcement' | 'node_announcement' | 'channel_update' | undefined {
  return encoded.length < TYPE_SIZE + SIGNATURE_SIZE
    ? undefined
    : SIGNED_GOSSIP_TYPES.get((encoded[0]! << 8) | encoded[1]!)
}

/**
 * The first signature of an encoded signed gossip message (an announcement's node_signature_1, an update's or node
 * announcement's signature), which tells one signed message from another without decoding it.
 */
export function firstSignatureOf(encoded: Uint8Array): Uint8Array {
  return encoded.subarray(TYPE_SIZE, TYPE_SIZE + SIGNATURE_SIZE)
}

/**
 * BOLT #7's checksum of an encoded channel_update (gossip_queries_ex): the CRC-32C of its bytes without the type,
 * signature and timestamp, so an update signed again with only a newer timestamp has the same one. Any extension
 * after htlc_maximum_msat is covered, as Core Lightning covers it.
 */
export function channelUpdateChecksum(encoded: Uint8Array): number {
  const chainHashAt = TYPE_SIZE + SIGNATURE_SIZE
  const timestampAt = chainHashAt + CHAIN_HASH_SIZE + 8
  return crc32c(encoded.subarray(chainHashAt, timestampAt), encoded.subarray(timestampAt + 4))
}

const NO_SIGNATURE = new Uint8Array(SIGNATURE_SIZE)

type Unsigned<M, S extends keyof M> = Omit<M, S | 'type'> & Partial<Pick<M, S>>

/** The digest both nodes and both funding keys sign; signature fields may be left out. */
export function channelAnnouncementDigest(
  m: Unsigned<ChannelAnnouncement, 'nodeSignature1' | 'nodeSignature2' | 'bitcoinSignature1' | 'bitcoinSignature2'>,
): Uint8Array {
  return gossipDigest(
    encodeMessage({
      nodeSignature1: NO_SIGNATURE,
      nodeSignature2: NO_SIGNATURE,
      bitcoinSignature1: NO_SIGNATURE,
      bitcoinSignature2: NO_SIGNATURE,
      ...m,
      type: 'channel_announcement',
    }),
  )
}

export function nodeAnnouncementDigest(m: Unsigned<NodeAnnouncement, 'signature'>): Uint8Array {
  return gossipDigest(encodeMessage({ signature: NO_SIGNATURE, ...m, type: 'node_announcement' }))
}

export function channelUpdateDigest(m: Unsigned<ChannelUpdate, 'signature'>): Uint8Array {
  return gossipDigest(encodeMessage({ signature: NO_SIGNATURE, ...m, type: 'channel_update' }))
}
