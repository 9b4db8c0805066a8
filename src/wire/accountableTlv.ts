/**
 * update_add_htlc_tlvs type 1, `accountable`: a record with no data whose presence says the sender will hold the
 * receiver's reputation accountable for how this HTLC resolves. lightning/bolts#1280 (02-peer-protocol.md, "Adding an
 * HTLC: update_add_htlc") defines it; the experimental signal before it was blip-0004's `endorsed` (TLV 65555, a u8).
 * Absent and `false` are the same on the wire: the record is written only when the HTLC is accountable.
 */
import { WireDecodeError } from './errors.js'

/** The record's type in update_add_htlc_tlvs. */
export const ACCOUNTABLE_TLV_TYPE = 1n

export const accountable = {
  tlvType: ACCOUNTABLE_TLV_TYPE,
  encode(value: boolean | undefined): Uint8Array | undefined {
    return value === true ? new Uint8Array(0) : undefined
  },
  decode(value: Uint8Array | undefined, context: string, field: string): boolean | undefined {
    if (value === undefined) return undefined
    // the proposal gives the record no data: anything in it is a malformed message, not a hint to guess at
    if (value.length !== 0)
      throw new WireDecodeError('INVALID_FIELD', `${context}.${field} carries ${value.length} bytes, expected none`, {
        context,
        field,
      })
    return true
  },
}
