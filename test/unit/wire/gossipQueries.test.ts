/**
 * BOLT #7 gossip query messages, with gossip_queries_ex's TLV records. The BOLTs have no test vectors for them, so
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
import { QUERY_FLAG, QUERY_OPTION_CHECKSUMS, QUERY_OPTION_TIMESTAMPS } from '../../../src/wire/gossipQueryTlvs.js'

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

  it('query_channel_range carries query_option as TLV 1, a bigsize', () => {
    const m: Message = {
      type: 'query_channel_range',
      chainHash,
      firstBlocknum: 0,
      numberOfBlocks: 10,
      queryOption: QUERY_OPTION_TIMESTAMPS | QUERY_OPTION_CHECKSUMS,
    }
    expect(toHex(encodeMessage(m))).toBe(
      toHex(concatBytes(u16be(263), chainHash, u32be(0), u32be(10), Uint8Array.of(1, 1, 3))),
    )
    expect(roundTrip(m)).toEqual(m)
  })

  it('reply_channel_range carries timestamps as TLV 1 (encoding byte, then u32 pairs), checksums as TLV 3', () => {
    const m: Message = {
      type: 'reply_channel_range',
      chainHash,
      firstBlocknum: 100,
      numberOfBlocks: 200,
      syncComplete: 1,
      shortChannelIds: [a],
      timestamps: [{ node1: 1_700_000_000, node2: 0 }],
      checksums: [{ node1: 0xdeadbeef, node2: 0 }],
    }
    const ids = concatBytes(u16be(9), Uint8Array.of(0), u64be(a))
    const tlvs = concatBytes(
      Uint8Array.of(1, 9, 0),
      u32be(1_700_000_000),
      u32be(0),
      Uint8Array.of(3, 8),
      u32be(0xdeadbeef),
      u32be(0),
    )
    expect(toHex(encodeMessage(m))).toBe(
      toHex(concatBytes(u16be(264), chainHash, u32be(100), u32be(200), Uint8Array.of(1), ids, tlvs)),
    )
    expect(roundTrip(m)).toEqual(m)
  })

  it('query_short_channel_ids carries query_flags as TLV 1: encoding byte, then a minimal bigsize per id', () => {
    const m: Message = {
      type: 'query_short_channel_ids',
      chainHash,
      shortChannelIds: [a, b],
      queryFlags: [QUERY_FLAG.update1, QUERY_FLAG.announcement | QUERY_FLAG.nodeAnnouncement2 | 0x100n],
    }
    const ids = concatBytes(u16be(17), Uint8Array.of(0), u64be(a), u64be(b))
    expect(toHex(encodeMessage(m))).toBe(
      toHex(concatBytes(u16be(261), chainHash, ids, Uint8Array.of(1, 5, 0, 2, 0xfd, 0x01, 0x11))),
    )
    expect(roundTrip(m)).toEqual(m)
  })

  it('refuses extended records in an unknown encoding, and timestamps or checksums that are not whole pairs', () => {
    const range = (tlv: Uint8Array) =>
      concatBytes(
        u16be(264),
        chainHash,
        u32be(0),
        u32be(10),
        Uint8Array.of(1),
        u16be(9),
        Uint8Array.of(0),
        u64be(a),
        tlv,
      )
    expect(decodeCode(range(concatBytes(Uint8Array.of(1, 9, 1), u32be(5), u32be(6))))).toBe('INVALID_FIELD')
    expect(decodeCode(range(concatBytes(Uint8Array.of(1, 5, 0), u32be(5))))).toBe('INVALID_FIELD')
    expect(decodeCode(range(concatBytes(Uint8Array.of(3, 4), u32be(5))))).toBe('INVALID_FIELD')
    expect(decodeCode(range(concatBytes(Uint8Array.of(1, 9, 0), u32be(5), u32be(6))))).toBe('decoded')
    const flags = (tlv: Uint8Array) => concatBytes(u16be(261), chainHash, u16be(9), Uint8Array.of(0), u64be(a), tlv)
    expect(decodeCode(flags(Uint8Array.of(1, 2, 1, 2)))).toBe('INVALID_FIELD')
    // BOLT #1: a bigsize must be minimal
    expect(decodeCode(flags(Uint8Array.of(1, 4, 0, 0xfd, 0x00, 0x02)))).toBe('NON_CANONICAL')
  })
})
