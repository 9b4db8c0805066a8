/**
 * BOLT #4 `failuremsg`: a u16 failure code, the data fields that code defines,
 * then an optional TLV stream. channel_update stays raw bytes (with its 0x0102
 * type prefix, as the spec now sends it): reading it is the gossip code's job.
 */
import { concatBytes, u16be, u32be, u64be } from '../../core/bytes.js'
import { decodeBigSize, encodeBigSize } from '../../wire/bigsize.js'
import { WireDecodeError } from '../../wire/errors.js'
import { OnionEncodeError } from './errors.js'
import { FAILURE, failureName } from './failureCodes.js'

export interface FailureFields {
  sha256OfOnion?: Uint8Array
  htlcMsat?: bigint
  cltvExpiry?: number
  height?: number
  incomingHtlcAmt?: bigint
  disabledFlags?: number
  channelUpdate?: Uint8Array
  /** invalid_onion_payload: the TLV type at fault and its offset in the payload */
  tlvType?: bigint
  offset?: number
}

/** One failure, e.g. `{ code: FAILURE.FEE_INSUFFICIENT, htlcMsat, channelUpdate }`. */
export interface FailureMessage extends FailureFields {
  code: number
  /** bytes after the data fields: the optional TLV stream, or all the data of a code lnsim does not know */
  extra?: Uint8Array
}

type FieldName = keyof FailureFields

/** The data fields of each code, in wire order (BOLT #4 "Failure Messages"); codes not listed have none. */
const LAYOUTS = new Map<number, readonly FieldName[]>([
  [FAILURE.INVALID_ONION_VERSION, ['sha256OfOnion']],
  [FAILURE.INVALID_ONION_HMAC, ['sha256OfOnion']],
  [FAILURE.INVALID_ONION_KEY, ['sha256OfOnion']],
  [FAILURE.INVALID_ONION_BLINDING, ['sha256OfOnion']],
  [FAILURE.TEMPORARY_CHANNEL_FAILURE, ['channelUpdate']],
  [FAILURE.AMOUNT_BELOW_MINIMUM, ['htlcMsat', 'channelUpdate']],
  [FAILURE.FEE_INSUFFICIENT, ['htlcMsat', 'channelUpdate']],
  [FAILURE.INCORRECT_CLTV_EXPIRY, ['cltvExpiry', 'channelUpdate']],
  [FAILURE.EXPIRY_TOO_SOON, ['channelUpdate']],
  [FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS, ['htlcMsat', 'height']],
  [FAILURE.FINAL_INCORRECT_CLTV_EXPIRY, ['cltvExpiry']],
  [FAILURE.FINAL_INCORRECT_HTLC_AMOUNT, ['incomingHtlcAmt']],
  [FAILURE.CHANNEL_DISABLED, ['disabledFlags', 'channelUpdate']],
  [FAILURE.INVALID_ONION_PAYLOAD, ['tlvType', 'offset']],
])

export function encodeFailureMessage(failure: FailureMessage): Uint8Array {
  const bad = (why: string): OnionEncodeError =>
    new OnionEncodeError('INVALID_FAILURE_MESSAGE', `${failureName(failure.code)} ${why}`, {
      failureCode: failure.code,
    })
  if (!Number.isInteger(failure.code) || failure.code < 0 || failure.code > 0xffff)
    throw bad('is not a u16 failure code')
  const parts: Uint8Array[] = [u16be(failure.code)]
  for (const field of LAYOUTS.get(failure.code) ?? []) {
    const value = failure[field]
    if (value === undefined) throw bad(`needs its ${field} field`)
    parts.push(encodeField(field, value, bad))
  }
  if (failure.extra) parts.push(failure.extra)
  return concatBytes(...parts)
}

function encodeField(field: FieldName, value: Uint8Array | bigint | number, bad: (why: string) => Error): Uint8Array {
  const inRange = (max: bigint): bigint => {
    const v = BigInt(value as bigint | number)
    if (v < 0n || v > max || (typeof value === 'number' && !Number.isInteger(value)))
      throw bad(`has ${field} out of range: ${String(value)}`)
    return v
  }
  switch (field) {
    case 'sha256OfOnion':
      if ((value as Uint8Array).length !== 32) throw bad('needs a 32-byte sha256_of_onion')
      return value as Uint8Array
    case 'htlcMsat':
    case 'incomingHtlcAmt':
      return u64be(inRange(0xffff_ffff_ffff_ffffn))
    case 'cltvExpiry':
    case 'height':
      return u32be(Number(inRange(0xffff_ffffn)))
    case 'disabledFlags':
    case 'offset':
      return u16be(Number(inRange(0xffffn)))
    case 'tlvType':
      return encodeBigSize(inRange(0xffff_ffff_ffff_ffffn))
    case 'channelUpdate': {
      const update = value as Uint8Array
      if (update.length > 0xffff) throw bad('has a channel_update over 65535 bytes')
      return concatBytes(u16be(update.length), update)
    }
  }
}

/** Reads a failuremsg; throws WireDecodeError when the code's data fields are cut short. */
export function decodeFailureMessage(bytes: Uint8Array): FailureMessage {
  if (bytes.length < 2) throw new WireDecodeError('TRUNCATED', 'a failure message needs at least its 2-byte code')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const code = view.getUint16(0)
  const failure: FailureMessage = { code }
  let offset = 2
  const take = (n: number, field: FieldName): number => {
    if (offset + n > bytes.length)
      throw new WireDecodeError('TRUNCATED', `${failureName(code)} is cut short in its ${field} field`)
    const at = offset
    offset += n
    return at
  }
  for (const field of LAYOUTS.get(code) ?? []) {
    switch (field) {
      case 'sha256OfOnion':
        failure.sha256OfOnion = bytes.slice(take(32, field), offset)
        break
      case 'htlcMsat':
      case 'incomingHtlcAmt':
        failure[field] = view.getBigUint64(take(8, field))
        break
      case 'cltvExpiry':
      case 'height':
        failure[field] = view.getUint32(take(4, field))
        break
      case 'disabledFlags':
      case 'offset':
        failure[field] = view.getUint16(take(2, field))
        break
      case 'tlvType': {
        const t = decodeBigSize(bytes, offset)
        offset += t.length
        failure.tlvType = t.value
        break
      }
      case 'channelUpdate': {
        const length = view.getUint16(take(2, field))
        failure.channelUpdate = bytes.slice(take(length, field), offset)
        break
      }
    }
  }
  if (offset < bytes.length) failure.extra = bytes.slice(offset)
  return failure
}
