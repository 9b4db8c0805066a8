/**
 * invalid_onion_payload says where the payload went wrong (BOLT #4: "the
 * erring node may include that type and its byte offset in the decrypted byte
 * stream"): the offset of the faulty record's type in the payload, as Core
 * Lightning reports it; the end of the payload for a record that is missing;
 * where reading stopped for a stream that cannot be read.
 */
import { describe, expect, it } from 'vitest'
import { fromHex } from '../../../../src/core/bytes.js'
import { decodeHopPayload, OnionError } from '../../../../src/routing/onion/index.js'

/** The failure's data fields for a payload that is refused. */
function fault(hex: string, isFinal: boolean): { tlvType: string; offset: number } {
  try {
    decodeHopPayload(fromHex(hex), isFinal, new Uint8Array(32))
  } catch (err) {
    expect(err).toBeInstanceOf(OnionError)
    const { tlvType, offset } = (err as OnionError).details
    return { tlvType: tlvType as string, offset: offset as number }
  }
  return expect.fail('the payload was accepted')
}

// amt_to_forward = 1000 (02 02 03e8, bytes 0–3), outgoing_cltv_value = 500 (04 02 01f4, bytes 4–7)
const AMT_AND_CLTV = '020203e8' + '040201f4'

describe('the offset in invalid_onion_payload', () => {
  it('is where the faulty record starts', () => {
    // short_channel_id of 7 bytes at byte 8
    expect(fault(AMT_AND_CLTV + '0607' + '00000000000001', false)).toEqual({ tlvType: '6', offset: 8 })
    // amt_to_forward with a leading zero, at byte 0
    expect(fault('02020000' + '040201f4' + '0608' + '0000000000000001', false)).toEqual({ tlvType: '2', offset: 0 })
    // outgoing_cltv_value longer than 4 bytes, at byte 4
    expect(fault('020203e8' + '04050100000000' + '0608' + '0000000000000001', false)).toEqual({
      tlvType: '4',
      offset: 4,
    })
    // a short_channel_id for the final node, at byte 8
    expect(fault(AMT_AND_CLTV + '0608' + '0000000000000001', true)).toEqual({ tlvType: '6', offset: 8 })
    // payment_data too short for its secret, at byte 8
    expect(fault(AMT_AND_CLTV + '0801' + '00', true)).toEqual({ tlvType: '8', offset: 8 })
  })

  it('is the record of an unknown even type', () => {
    // type 10 (even, unknown) after amt and cltv
    expect(fault(AMT_AND_CLTV + '0a01' + 'ff', true)).toEqual({ tlvType: '10', offset: 8 })
  })

  it('is the end of the payload for a record that is missing', () => {
    expect(fault(AMT_AND_CLTV, false)).toEqual({ tlvType: '6', offset: 8 })
    expect(fault('040201f4', true)).toEqual({ tlvType: '2', offset: 4 })
  })

  it('is where reading stopped for a stream that cannot be read', () => {
    // a record claiming 9 bytes where 2 remain, at byte 8
    expect(fault(AMT_AND_CLTV + '0609' + '0000', false)).toMatchObject({ offset: 8 })
    // types out of order: cltv (4) after scid (6), at byte 10
    expect(fault('020203e8' + '0604' + '00000001' + '040201f4', false)).toMatchObject({ offset: 10 })
  })
})
