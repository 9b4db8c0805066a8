/**
 * update_add_htlc's `accountable` record (lightning/bolts#1280, 02-peer-protocol.md "Adding an HTLC"): type 1 of
 * update_add_htlc_tlvs, with no data.
 */
import { describe, expect, it } from 'vitest'
import { concatBytes, toHex } from '../../../src/core/bytes.js'
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js'
import { WireDecodeError } from '../../../src/wire/errors.js'
import type { UpdateAddHtlc } from '../../../src/wire/messages.js'
import { SAMPLES } from './samples.js'

const decoded = (bytes: Uint8Array): UpdateAddHtlc => {
  const r = decodeMessage(bytes)
  if (r.kind !== 'message') throw new Error(`not a message: ${r.kind}`)
  return r.message as UpdateAddHtlc
}

const add = SAMPLES.update_add_htlc as UpdateAddHtlc

describe('update_add_htlc accountable record', () => {
  it('is written as type 1, length 0, after the onion, and read back', () => {
    const plain = encodeMessage(add)
    const bytes = encodeMessage({ ...add, accountable: true })
    expect(toHex(bytes)).toBe(toHex(concatBytes(plain, Uint8Array.of(1, 0))))
    expect(decoded(bytes).accountable).toBe(true)
  })

  it('is left out when the HTLC is not accountable, and reads back as absent', () => {
    expect(toHex(encodeMessage({ ...add, accountable: false }))).toBe(toHex(encodeMessage(add)))
    expect(decoded(encodeMessage(add)).accountable).toBeUndefined()
  })

  it('refuses a record that carries data', () => {
    const bytes = concatBytes(encodeMessage(add), Uint8Array.of(1, 1, 1))
    let err: unknown
    try {
      decodeMessage(bytes)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(WireDecodeError)
    expect((err as WireDecodeError).code).toBe('INVALID_FIELD')
    expect((err as WireDecodeError).message).toContain('accountable')
  })

  it("leaves blip-0004's experimental endorsement (odd type 65555) to the unknown-odd rule", () => {
    // [type 65555 as BigSize 0xfe0001_0013][length 1][endorsed = 1]
    const endorsed = Uint8Array.of(0xfe, 0x00, 0x01, 0x00, 0x13, 1, 1)
    const m = decoded(concatBytes(encodeMessage(add), endorsed))
    expect(m.accountable).toBeUndefined()
  })
})
