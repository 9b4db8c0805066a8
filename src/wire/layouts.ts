/**
 * The byte layout of every message, field by field in BOLT order. A layout
 * maps each field of the message type to its codec; the object's key order is
 * the wire order. Fields carried in the message's TLV extension are `TlvField`s;
 * keys starting with `_` are wire fields with no place in the message type.
 */
import { concatBytes } from '../core/bytes.js'
import { CHAIN_HASH_SIZE } from './constants.js'
import { WireDecodeError, WireEncodeError } from './errors.js'
import { combineFeatures } from './features.js'
import {
  bytes32,
  condition,
  fixedBytes,
  onionPacket,
  point,
  shortChannelId,
  signature,
  u16,
  u32,
  u64,
  u8,
  varBytes,
  WireReader,
  WireWriter,
  type FieldCodec,
} from './fields.js'
import type { ClosingSigned, MessageOf, MessageType } from './messages.js'
import { accountable } from './accountableTlv.js'
import { checksums, queryFlags, queryOption, timestamps } from './gossipQueryTlvs.js'

/** A field carried as one record of the message's TLV stream. */
export interface TlvField<V> {
  readonly tlvType: bigint
  /** undefined leaves the record out. */
  encode(value: V, context: string, field: string): Uint8Array | undefined
  /** `value` is undefined when the record is absent. */
  decode(value: Uint8Array | undefined, context: string, field: string): V
}

type Body<T extends MessageType> = Omit<MessageOf<T>, 'type'>
export type Layout<T extends MessageType> = {
  [K in keyof Body<T>]-?: FieldCodec<Body<T>[K]> | TlvField<Body<T>[K]>
} & {
  [wireOnly: `_${string}`]: FieldCodec<undefined>
}

function invalid(context: string, field: string, what: string): WireDecodeError {
  return new WireDecodeError('INVALID_FIELD', `${context}.${field} ${what}`, { context, field })
}

/**
 * init: lnsim puts every feature in `features` and sends an empty
 * `globalfeatures` (BOLT #1: SHOULD NOT set features above 13 there); what a
 * peer sends in `globalfeatures` is merged in, as the receiver MUST.
 */
const initFeatures: FieldCodec<Uint8Array> = {
  read(r, field) {
    const global = varBytes.read(r, 'globalfeatures')
    const local = varBytes.read(r, field)
    return global.length === 0 ? local : combineFeatures(global, local)
  },
  write(w, v, field) {
    w.u16(0, 'gflen')
    varBytes.write(w, v, field)
  },
}

/** init_tlvs type 1: the chains the node is interested in. */
const networks: TlvField<Uint8Array[]> = {
  tlvType: 1n,
  encode(chains, context, field) {
    if (chains.length === 0) return undefined
    const w = new WireWriter(context, chains.length * CHAIN_HASH_SIZE)
    for (const chain of chains) w.bytes(chain, field, CHAIN_HASH_SIZE)
    return w.finish()
  },
  decode(value, context, field) {
    if (value === undefined) return []
    if (value.length % CHAIN_HASH_SIZE !== 0)
      throw invalid(context, field, `is ${value.length} bytes, not a whole number of 32-byte chain hashes`)
    const chains: Uint8Array[] = []
    for (let at = 0; at < value.length; at += CHAIN_HASH_SIZE) chains.push(value.slice(at, at + CHAIN_HASH_SIZE))
    return chains
  },
}

/** closing_signed_tlvs type 1: the fee range the sender accepts. */
const feeRange: TlvField<ClosingSigned['feeRange']> = {
  tlvType: 1n,
  encode(range, context) {
    if (range === undefined) return undefined
    const w = new WireWriter(context, 16)
    w.u64(range.minFeeSatoshis, 'feeRange.minFeeSatoshis')
    w.u64(range.maxFeeSatoshis, 'feeRange.maxFeeSatoshis')
    return w.finish()
  },
  decode(value, context, field) {
    if (value === undefined) return undefined
    if (value.length !== 16) throw invalid(context, field, `is ${value.length} bytes, expected 16`)
    const r = new WireReader(value, context)
    return { minFeeSatoshis: r.u64('feeRange.minFeeSatoshis'), maxFeeSatoshis: r.u64('feeRange.maxFeeSatoshis') }
  },
}

/**
 * commitment_signed's `num_htlcs` and `htlc_signature`s (BOLT #2): one 64-byte signature per HTLC output of the
 * receiver's commitment, in output order. A u16 count bounds them (65,535, well above BOLT #2's 2 × 483 HTLCs).
 */
const htlcSignatures: FieldCodec<Uint8Array[]> & { readonly whenCrafted: Uint8Array[] } = {
  /** a message a scenario crafts whole carries none */
  whenCrafted: [],
  read(r, field) {
    const n = r.u16(`${field}.num_htlcs`)
    const out: Uint8Array[] = []
    for (let i = 0; i < n; i++) out.push(signature.read(r, `${field}[${i}]`))
    return out
  },
  write(w, v, field) {
    w.u16(v.length, `${field}.num_htlcs`)
    v.forEach((s, i) => signature.write(w, s, `${field}[${i}]`))
  },
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const utf8Encoder = new TextEncoder()

/**
 * node_announcement addresses: lnsim's peers are libp2p multiaddrs, so in place
 * of BOLT #7's address descriptors the `addrlen` bytes hold a list of u16-length
 * UTF-8 strings. Whether each is a well-formed multiaddr is for the gossip code.
 */
const multiaddrList: FieldCodec<string[]> = {
  read(r, field) {
    const list = r.bytesOf(r.u16(field), field)
    const out: string[] = []
    for (let at = 0; at < list.length;) {
      if (at + 2 > list.length) throw invalid(r.context, field, 'ends inside an address length')
      const length = (list[at]! << 8) | list[at + 1]!
      at += 2
      if (at + length > list.length)
        throw invalid(
          r.context,
          field,
          `has an address of ${length} bytes but only ${list.length - at} left in the list`,
        )
      try {
        out.push(utf8Decoder.decode(list.subarray(at, at + length)))
      } catch {
        throw invalid(r.context, field, 'has an address that is not valid UTF-8')
      }
      at += length
    }
    return out
  },
  write(w, addresses, field) {
    const encoded = addresses.map((a) => {
      const bytes = utf8Encoder.encode(a)
      if (utf8Decoder.decode(bytes) !== a)
        throw new WireEncodeError(
          'INVALID_FIELD',
          `${w.context}.${field}: ${JSON.stringify(a)} is not well-formed Unicode`,
        )
      const entry = new WireWriter(w.context, bytes.length + 2)
      varBytes.write(entry, bytes, field)
      return entry.finish()
    })
    varBytes.write(w, concatBytes(...encoded), field)
  },
}

/** BOLT #7 encoding types of encoded_short_ids. */
export const SHORT_IDS_UNCOMPRESSED = 0
/** BOLT #7: previously zlib; "this encoding MUST NOT be used". */
export const SHORT_IDS_ZLIB = 1
const SHORT_CHANNEL_ID_SIZE = 8

/**
 * encoded_short_ids: a u16 length, then an encoding byte and the ids. lnsim
 * writes and reads encoding 0 only (ascending, uncompressed); zlib (1) is
 * refused as BOLT #7 now requires. An empty list may come as length 0.
 */
const encodedShortIds: FieldCodec<bigint[]> = {
  read(r, field) {
    const bytes = r.bytesOf(r.u16(field), field)
    if (bytes.length === 0) return []
    if (bytes[0] === SHORT_IDS_ZLIB)
      throw invalid(r.context, field, 'uses zlib encoding (1), which BOLT #7 says MUST NOT be used')
    if (bytes[0] !== SHORT_IDS_UNCOMPRESSED) throw invalid(r.context, field, `has unknown encoding type ${bytes[0]}`)
    if ((bytes.length - 1) % SHORT_CHANNEL_ID_SIZE !== 0)
      throw invalid(r.context, field, `holds ${bytes.length - 1} bytes, not a whole number of short_channel_ids`)
    const ids = new WireReader(bytes.subarray(1), r.context)
    const out: bigint[] = []
    while (ids.remaining > 0) out.push(ids.u64(field))
    return out
  },
  write(w, ids, field) {
    const body = new WireWriter(w.context, 1 + ids.length * SHORT_CHANNEL_ID_SIZE)
    body.u8(SHORT_IDS_UNCOMPRESSED, field)
    for (const id of ids) body.u64(id, field)
    varBytes.write(w, body.finish(), field)
  },
}

const rgbColor = fixedBytes(3)
const alias = fixedBytes(32)

export const LAYOUTS: { [T in MessageType]: Layout<T> } = {
  // BOLT #1
  init: { features: initFeatures, networks },
  error: { channelId: bytes32, data: varBytes },
  warning: { channelId: bytes32, data: varBytes },
  ping: { numPongBytes: u16, ignored: varBytes },
  pong: { ignored: varBytes },

  // BOLT #2: channel establishment
  open_channel: {
    chainHash: bytes32,
    temporaryChannelId: bytes32,
    fundingSatoshis: u64,
    pushMsat: u64,
    dustLimitSatoshis: u64,
    maxHtlcValueInFlightMsat: u64,
    channelReserveSatoshis: u64,
    htlcMinimumMsat: u64,
    feeratePerKw: u32,
    toSelfDelay: u16,
    maxAcceptedHtlcs: u16,
    fundingPubkey: point,
    revocationBasepoint: point,
    paymentBasepoint: point,
    delayedPaymentBasepoint: point,
    htlcBasepoint: point,
    firstPerCommitmentPoint: point,
    channelFlags: u8,
  },
  accept_channel: {
    temporaryChannelId: bytes32,
    dustLimitSatoshis: u64,
    maxHtlcValueInFlightMsat: u64,
    channelReserveSatoshis: u64,
    htlcMinimumMsat: u64,
    minimumDepth: u32,
    toSelfDelay: u16,
    maxAcceptedHtlcs: u16,
    fundingPubkey: point,
    revocationBasepoint: point,
    paymentBasepoint: point,
    delayedPaymentBasepoint: point,
    htlcBasepoint: point,
    firstPerCommitmentPoint: point,
  },
  funding_created: { temporaryChannelId: bytes32, fundingTxid: bytes32, fundingOutputIndex: u16, signature },
  funding_signed: { channelId: bytes32, signature },
  channel_ready: { channelId: bytes32, secondPerCommitmentPoint: point },

  // BOLT #2: closing
  shutdown: { channelId: bytes32, scriptpubkey: condition },
  closing_signed: { channelId: bytes32, feeSatoshis: u64, signature, feeRange },

  // BOLT #2: normal operation
  update_add_htlc: {
    channelId: bytes32,
    id: u64,
    amountMsat: u64,
    paymentHash: bytes32,
    cltvExpiry: u32,
    onionRoutingPacket: onionPacket,
    accountable,
  },
  update_fulfill_htlc: { channelId: bytes32, id: u64, paymentPreimage: bytes32 },
  update_fail_htlc: { channelId: bytes32, id: u64, reason: varBytes },
  update_fail_malformed_htlc: { channelId: bytes32, id: u64, sha256OfOnion: bytes32, failureCode: u16 },
  commitment_signed: { channelId: bytes32, signature, htlcSignatures },
  revoke_and_ack: { channelId: bytes32, perCommitmentSecret: bytes32, nextPerCommitmentPoint: point },
  update_fee: { channelId: bytes32, feeratePerKw: u32 },
  channel_reestablish: {
    channelId: bytes32,
    nextCommitmentNumber: u64,
    nextRevocationNumber: u64,
    yourLastPerCommitmentSecret: bytes32,
    myCurrentPerCommitmentPoint: point,
  },

  // BOLT #7
  announcement_signatures: {
    channelId: bytes32,
    shortChannelId,
    nodeSignature: signature,
    bitcoinSignature: signature,
  },
  channel_announcement: {
    nodeSignature1: signature,
    nodeSignature2: signature,
    bitcoinSignature1: signature,
    bitcoinSignature2: signature,
    features: varBytes,
    chainHash: bytes32,
    shortChannelId,
    nodeId1: point,
    nodeId2: point,
    bitcoinKey1: point,
    bitcoinKey2: point,
  },
  node_announcement: {
    signature,
    features: varBytes,
    timestamp: u32,
    nodeId: point,
    rgbColor,
    alias,
    addresses: multiaddrList,
  },
  channel_update: {
    signature,
    chainHash: bytes32,
    shortChannelId,
    timestamp: u32,
    messageFlags: u8,
    channelFlags: u8,
    cltvExpiryDelta: u16,
    htlcMinimumMsat: u64,
    feeBaseMsat: u32,
    feeProportionalMillionths: u32,
    htlcMaximumMsat: u64,
  },

  // BOLT #7 gossip queries, with gossip_queries_ex's TLVs
  query_short_channel_ids: { chainHash: bytes32, shortChannelIds: encodedShortIds, queryFlags },
  reply_short_channel_ids_end: { chainHash: bytes32, fullInformation: u8 },
  query_channel_range: { chainHash: bytes32, firstBlocknum: u32, numberOfBlocks: u32, queryOption },
  reply_channel_range: {
    chainHash: bytes32,
    firstBlocknum: u32,
    numberOfBlocks: u32,
    syncComplete: u8,
    shortChannelIds: encodedShortIds,
    timestamps,
    checksums,
  },
  gossip_timestamp_filter: { chainHash: bytes32, firstTimestamp: u32, timestampRange: u32 },
}
