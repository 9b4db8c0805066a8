/**
 * BOLT #4 per-hop `payload` TLV stream for payments outside blinded paths:
 * amt_to_forward (2), outgoing_cltv_value (4), short_channel_id (6) for a hop
 * that forwards, payment_data (8) for the final node, and the keysend record
 * (5482373484, bLIP-3): a spontaneous payment's preimage, for the final node.
 */
import { concatBytes, u64be } from '../../core/bytes.js'
import type { ShortChannelId } from '../../core/shortChannelId.js'
import {
  decodeTlvStream,
  decodeTruncatedUint,
  encodeTlvStream,
  encodeTruncatedUint,
  type TlvRecords,
} from '../../wire/tlv.js'
import { WireDecodeError } from '../../wire/errors.js'
import { tlvFaultOffset } from '../../wire/tlvOffsets.js'
import { OnionEncodeError, OnionError } from './errors.js'
import { FAILURE } from './failureCodes.js'

export interface HopPayload {
  amtToForward: bigint
  outgoingCltvValue: number
  /** intermediate hops: the channel to forward on */
  shortChannelId?: ShortChannelId
  /** the final node: the invoice's payment secret and the total of the (possibly multi-part) payment */
  paymentData?: { paymentSecret: Uint8Array; totalMsat: bigint }
  /** the final node of a keysend payment: the preimage the sender chose */
  keysendPreimage?: Uint8Array
  /**
   * `upgrade_accountability` (type 19, no data; lightning/bolts#1280, 04-onion-routing.md): the sender lets this hop
   * forward the HTLC as accountable even when it arrived unaccountable
   */
  upgradeAccountability?: boolean
}

export const HOP_PAYLOAD_TLV = {
  AMT_TO_FORWARD: 2n,
  OUTGOING_CLTV_VALUE: 4n,
  SHORT_CHANNEL_ID: 6n,
  PAYMENT_DATA: 8n,
  UPGRADE_ACCOUNTABILITY: 19n,
  KEYSEND_PREIMAGE: 5_482_373_484n,
} as const

const KNOWN_TYPES: ReadonlySet<bigint> = new Set(Object.values(HOP_PAYLOAD_TLV))
const U64_MAX = 0xffff_ffff_ffff_ffffn

/** The TLV stream for one hop; `isFinal` says which fields BOLT #4 requires and forbids. */
export function encodeHopPayload(payload: HopPayload, isFinal: boolean): Uint8Array {
  const bad = (why: string): OnionEncodeError => new OnionEncodeError('INVALID_HOP_PAYLOAD', `hop payload ${why}`)
  if (payload.amtToForward < 0n || payload.amtToForward > U64_MAX)
    throw bad(`amt_to_forward out of range: ${payload.amtToForward}`)
  if (
    !Number.isInteger(payload.outgoingCltvValue) ||
    payload.outgoingCltvValue < 0 ||
    payload.outgoingCltvValue > 0xffff_ffff
  ) {
    throw bad(`outgoing_cltv_value out of range: ${payload.outgoingCltvValue}`)
  }
  const records: TlvRecords = new Map([
    [HOP_PAYLOAD_TLV.AMT_TO_FORWARD, encodeTruncatedUint(payload.amtToForward)],
    [HOP_PAYLOAD_TLV.OUTGOING_CLTV_VALUE, encodeTruncatedUint(BigInt(payload.outgoingCltvValue))],
  ])
  if (isFinal) {
    if (payload.shortChannelId !== undefined) throw bad('for the final node must not name a short_channel_id')
  } else {
    if (payload.shortChannelId === undefined) throw bad('for an intermediate hop needs a short_channel_id')
    if (payload.paymentData !== undefined) throw bad('for an intermediate hop must not carry payment_data')
    if (payload.keysendPreimage !== undefined) throw bad('for an intermediate hop must not carry a keysend preimage')
  }
  if (payload.shortChannelId !== undefined) {
    if (payload.shortChannelId < 0n || payload.shortChannelId > U64_MAX)
      throw bad(`short_channel_id out of range: ${payload.shortChannelId}`)
    records.set(HOP_PAYLOAD_TLV.SHORT_CHANNEL_ID, u64be(payload.shortChannelId))
  }
  if (payload.paymentData !== undefined) {
    const { paymentSecret, totalMsat } = payload.paymentData
    if (paymentSecret.length !== 32) throw bad(`payment_secret must be 32 bytes, got ${paymentSecret.length}`)
    if (totalMsat < 0n || totalMsat > U64_MAX) throw bad(`total_msat out of range: ${totalMsat}`)
    records.set(HOP_PAYLOAD_TLV.PAYMENT_DATA, concatBytes(paymentSecret, encodeTruncatedUint(totalMsat)))
  }
  if (payload.keysendPreimage !== undefined) {
    if (payload.keysendPreimage.length !== 32)
      throw bad(`keysend preimage must be 32 bytes, got ${payload.keysendPreimage.length}`)
    records.set(HOP_PAYLOAD_TLV.KEYSEND_PREIMAGE, payload.keysendPreimage)
  }
  if (payload.upgradeAccountability === true) records.set(HOP_PAYLOAD_TLV.UPGRADE_ACCOUNTABILITY, new Uint8Array(0))
  return encodeTlvStream(records)
}

/**
 * Reads a hop's payload. Any defect is an OnionError INVALID_ONION_PAYLOAD
 * (PERM|22) naming the TLV type at fault and the byte offset of its record in
 * the payload (the end of the payload for a missing record; where reading
 * stopped for a stream that cannot be read), for the failure's data fields;
 * `sharedSecret` rides along so the node can encrypt that failure.
 */
export function decodeHopPayload(bytes: Uint8Array, isFinal: boolean, sharedSecret?: Uint8Array): HopPayload {
  const invalid = (why: string, tlvType: bigint, offset = tlvFaultOffset(bytes, tlvType)): OnionError =>
    new OnionError(
      'INVALID_ONION_PAYLOAD',
      FAILURE.INVALID_ONION_PAYLOAD,
      `onion payload ${why}`,
      { tlvType: tlvType.toString(), offset },
      sharedSecret,
    )
  // `tlvType` undefined: the stream as a whole, whose fault is where it stops being readable
  const read = <T>(tlvType: bigint | undefined, parse: () => T): T => {
    try {
      return parse()
    } catch (err) {
      if (err instanceof WireDecodeError) {
        const named = typeof err.details.tlvType === 'string' ? BigInt(err.details.tlvType) : tlvType
        throw invalid(`field ${named ?? 0n}: ${err.message}`, named ?? 0n, tlvFaultOffset(bytes, named))
      }
      throw err
    }
  }

  const records = read(undefined, () => decodeTlvStream(bytes, KNOWN_TYPES))
  const amt = records.get(HOP_PAYLOAD_TLV.AMT_TO_FORWARD)
  const cltv = records.get(HOP_PAYLOAD_TLV.OUTGOING_CLTV_VALUE)
  const scid = records.get(HOP_PAYLOAD_TLV.SHORT_CHANNEL_ID)
  const paymentData = records.get(HOP_PAYLOAD_TLV.PAYMENT_DATA)
  const keysend = records.get(HOP_PAYLOAD_TLV.KEYSEND_PREIMAGE)
  if (amt === undefined) throw invalid('has no amt_to_forward', HOP_PAYLOAD_TLV.AMT_TO_FORWARD)
  if (cltv === undefined) throw invalid('has no outgoing_cltv_value', HOP_PAYLOAD_TLV.OUTGOING_CLTV_VALUE)
  if (isFinal && scid !== undefined)
    throw invalid('for the final node names a short_channel_id', HOP_PAYLOAD_TLV.SHORT_CHANNEL_ID)
  if (!isFinal && scid === undefined)
    throw invalid('for an intermediate hop has no short_channel_id', HOP_PAYLOAD_TLV.SHORT_CHANNEL_ID)
  if (!isFinal && paymentData !== undefined)
    throw invalid('for an intermediate hop carries payment_data', HOP_PAYLOAD_TLV.PAYMENT_DATA)
  if (!isFinal && keysend !== undefined)
    throw invalid('for an intermediate hop carries a keysend preimage', HOP_PAYLOAD_TLV.KEYSEND_PREIMAGE)

  const payload: HopPayload = {
    amtToForward: read(HOP_PAYLOAD_TLV.AMT_TO_FORWARD, () => decodeTruncatedUint(amt, 8)),
    outgoingCltvValue: Number(read(HOP_PAYLOAD_TLV.OUTGOING_CLTV_VALUE, () => decodeTruncatedUint(cltv, 4))),
  }
  if (scid !== undefined) {
    if (scid.length !== 8)
      throw invalid(`short_channel_id has ${scid.length} bytes, not 8`, HOP_PAYLOAD_TLV.SHORT_CHANNEL_ID)
    payload.shortChannelId = new DataView(scid.buffer, scid.byteOffset, 8).getBigUint64(0)
  }
  if (paymentData !== undefined) {
    if (paymentData.length < 32)
      throw invalid(
        `payment_data has ${paymentData.length} bytes, fewer than its 32-byte payment_secret`,
        HOP_PAYLOAD_TLV.PAYMENT_DATA,
      )
    payload.paymentData = {
      paymentSecret: paymentData.slice(0, 32),
      totalMsat: read(HOP_PAYLOAD_TLV.PAYMENT_DATA, () => decodeTruncatedUint(paymentData.subarray(32), 8)),
    }
  }
  if (keysend !== undefined) {
    if (keysend.length !== 32)
      throw invalid(`keysend preimage has ${keysend.length} bytes, not 32`, HOP_PAYLOAD_TLV.KEYSEND_PREIMAGE)
    payload.keysendPreimage = keysend
  }
  const upgrade = records.get(HOP_PAYLOAD_TLV.UPGRADE_ACCOUNTABILITY)
  if (upgrade !== undefined) {
    if (upgrade.length !== 0)
      throw invalid(
        `upgrade_accountability carries ${upgrade.length} bytes, expected none`,
        HOP_PAYLOAD_TLV.UPGRADE_ACCOUNTABILITY,
      )
    payload.upgradeAccountability = true
  }
  return payload
}
