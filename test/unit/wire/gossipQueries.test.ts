/**
 * BOLT #7 gossip query messages. The BOLTs have no test vectors for them, so
 * each layout is checked byte for byte against the spec's field list, and the
 * encoding rules of encoded_short_ids (type 0 only, whole ids) are checked.
 * https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#query-messages
 */
import { describe, expect, it } from 'vitest'
import { concatBytes, toHex, u16be, u32be, u64be } from '../../../src/core/bytes.js'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js'
import { MESSAGE_TYPES } from '../../../src/wire/constants.js'
import { WireDecodeError } from '../../../src/wire/errors.js'
import type { Message } from '../../../src/wire/messages.js'

const chainHash = new Uint8Array(32).fill(0x06)
const a = shortChannelId(103, 1, 0)
const b = shortChannelId(200, 7, 1)

function roundTrip(m: Message): Message {
  const d = decodeMessage(encodeMessage(m))
  if (d.kind !== 'message') throw new Error('not decoded')
  return d.message
}

function decodeCode(bytes: Uint8Array): string {
  try {
    decodeMessage(bytes)
  } catch (err) {
    if (err instanceof WireDecodeError) return err.code
    throw err
  }
  return 'decoded'
}

describe('gossip query messages (BOLT #7)', () => {
  it('have the type numbers 261 to 265', () => {
    expect([
      MESSAGE_TYPES.query_short_channel_ids,
      MESSAGE_TYPES.reply_short_channel_ids_end,
      MESSAGE_TYPES.query_channel_range,
      MESSAGE_TYPES.reply_channel_range,
      MESSAGE_TYPES.gossip_timestamp_filter,
    ]).toEqual([261, 262, 263, 264, 265])
  })

  it('query_short_channel_ids: chain_hash, u16 len, encoding byte 0, then each id as 8 bytes', () => {
    const m: Message = { type: 'query_short_channel_ids', chainHash, shortChannelIds: [a, b] }
    expect(toHex(encodeMessage(m))).toBe(
      toHex(concatBytes(u16be(261), chainHash, u16be(17), Uint8Array.of(0), u64be(a), u64be(b))),
    )
    expect(roundTrip(m)).toEqual(m)
  })

  it('reply_short_channel_ids_end: chain_hash, full_information byte', () => {
    const m: Message = { type: 'reply_short_channel_ids_end', chainHash, fullInformation: 1 }
    expect(toHex(encodeMessage(m))).toBe(toHex(concatBytes(u16be(262), chainHash, Uint8Array.of(1))))
    expect(roundTrip(m)).toEqual(m)
  })

  it('query_channel_range: chain_hash, u32 first_blocknum, u32 number_of_blocks', () => {
    const m: Message = { type: 'query_channel_range', chainHash, firstBlocknum: 100, numberOfBlocks: 0xffffffff }
    expect(toHex(encodeMessage(m))).toBe(toHex(concatBytes(u16be(263), chainHash, u32be(100), u32be(0xffffffff))))
    expect(roundTrip(m)).toEqual(m)
  })

  it('reply_channel_range: chain_hash, first_blocknum, number_of_blocks, sync_complete, encoded_short_ids', () => {
    const m: Message = {
      type: 'reply_channel_range',
      chainHash,
      firstBlocknum: 100,
      numberOfBlocks: 200,
      syncComplete: 1,
      shortChannelIds: [a, b],
    }
    expect(toHex(encodeMessage(m))).toBe(
      toHex(
        concatBytes(
          u16be(264),
          chainHash,
          u32be(100),
          u32be(200),
          Uint8Array.of(1),
          u16be(17),
          Uint8Array.of(0),
          u64be(a),
          u64be(b),
        ),
      ),
    )
    expect(roundTrip(m)).toEqual(m)
  })

  it('an empty list is written as the encoding byte alone, and read from length 0 too', () => {
    const m: Message = {
      type: 'reply_channel_range',
      chainHash,
      firstBlocknum: 0,
      numberOfBlocks: 10,
      syncComplete: 1,
      shortChannelIds: [],
    }
    const bytes = encodeMessage(m)
    expect(toHex(bytes.subarray(bytes.length - 3))).toBe('000100')
    expect(roundTrip(m)).toEqual(m)
    const lengthZero = concatBytes(u16be(264), chainHash, u32be(0), u32be(10), Uint8Array.of(1), u16be(0))
    const d = decodeMessage(lengthZero)
    expect(d.kind === 'message' && d.message).toEqual(m)
  })

  it('gossip_timestamp_filter: chain_hash, u32 first_timestamp, u32 timestamp_range', () => {
    const m: Message = { type: 'gossip_timestamp_filter', chainHash, firstTimestamp: 1_700_000_000, timestampRange: 60 }
    expect(toHex(encodeMessage(m))).toBe(toHex(concatBytes(u16be(265), chainHash, u32be(1_700_000_000), u32be(60))))
    expect(roundTrip(m)).toEqual(m)
  })

  it('refuses zlib (encoding 1: MUST NOT be used), unknown encodings, and a part of an id', () => {
    const ids = (body: Uint8Array) => concatBytes(u16be(261), chainHash, u16be(body.length), body)
    expect(decodeCode(ids(concatBytes(Uint8Array.of(1), u64be(a))))).toBe('INVALID_FIELD')
    expect(decodeCode(ids(concatBytes(Uint8Array.of(2), u64be(a))))).toBe('INVALID_FIELD')
    expect(decodeCode(ids(concatBytes(Uint8Array.of(0), u64be(a).subarray(0, 5))))).toBe('INVALID_FIELD')
    expect(decodeCode(ids(concatBytes(Uint8Array.of(0), u64be(a))))).toBe('decoded')
  })

  it('ignores the optional odd TLVs (query_flags, query_option, timestamps) it does not ask for', () => {
    const queryOption = Uint8Array.of(1, 1, 1) // type 1, length 1, flags 1 (timestamps wanted)
    const bytes = concatBytes(u16be(263), chainHash, u32be(0), u32be(10), queryOption)
    const d = decodeMessage(bytes)
    expect(d.kind === 'message' && d.message).toEqual({
      type: 'query_channel_range',
      chainHash,
      firstBlocknum: 0,
      numberOfBlocks: 10,
    })
  })
})
