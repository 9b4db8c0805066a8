/**
 * The TLV records of BOLT #7's extended gossip queries (gossip_queries_ex, feature bits 10/11): what a range query
 * asks to hear of each channel (query_option), the timestamps and checksums of each channel's two updates in the
 * reply (timestamps_tlv, checksums_tlv), and which of a channel's messages a query_short_channel_ids wants
 * (query_flags). Arrays carry an encoding byte as encoded_short_ids do: only 0 (uncompressed) is known.
 * https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#query-messages
 */
import { decodeBigSize, encodeBigSize } from './bigsize.js'
import { WireDecodeError } from './errors.js'
import { WireReader, WireWriter } from './fields.js'
import type { PerDirection } from './messages.js'

/** query_option_flags: the replies should carry each channel's update timestamps */
export const QUERY_OPTION_TIMESTAMPS = 1n
/** query_option_flags: …and each update's checksum */
export const QUERY_OPTION_CHECKSUMS = 2n

/** query_flags bits: which of a channel's messages the querier wants */
export const QUERY_FLAG = {
  announcement: 1n,
  update1: 2n,
  update2: 4n,
  nodeAnnouncement1: 8n,
  nodeAnnouncement2: 16n,
} as const

const UNCOMPRESSED = 0

function invalid(context: string, field: string, what: string): WireDecodeError {
  return new WireDecodeError('INVALID_FIELD', `${context}.${field} ${what}`, { context, field })
}

/** The array after an encoding byte that must be 0; empty when the record is. */
function uncompressed(value: Uint8Array, context: string, field: string): Uint8Array {
  if (value.length === 0) return value
  if (value[0] !== UNCOMPRESSED)
    throw invalid(context, field, `has encoding type ${value[0]}: only 0 (uncompressed) is known`)
  return value.subarray(1)
}

/** query_channel_range_tlvs type 1. */
export const queryOption = {
  tlvType: 1n,
  encode(flags: bigint | undefined): Uint8Array | undefined {
    return flags === undefined ? undefined : encodeBigSize(flags)
  },
  decode(value: Uint8Array | undefined, context: string, field: string): bigint | undefined {
    if (value === undefined) return undefined
    const { value: flags, length } = decodeBigSize(value)
    if (length !== value.length) throw invalid(context, field, 'holds more than one bigsize')
    return flags
  },
}

/** query_short_channel_ids_tlvs type 1: one minimally encoded bigsize per short_channel_id. */
export const queryFlags = {
  tlvType: 1n,
  encode(flags: bigint[] | undefined): Uint8Array | undefined {
    if (flags === undefined) return undefined
    const parts = flags.map((f) => encodeBigSize(f))
    const out = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0))
    let at = 1 // after the encoding byte, 0
    for (const p of parts) {
      out.set(p, at)
      at += p.length
    }
    return out
  },
  decode(value: Uint8Array | undefined, context: string, field: string): bigint[] | undefined {
    if (value === undefined) return undefined
    const bytes = uncompressed(value, context, field)
    const flags: bigint[] = []
    for (let at = 0; at < bytes.length;) {
      const { value: flag, length } = decodeBigSize(bytes, at)
      flags.push(flag)
      at += length
    }
    return flags
  },
}

/** Pairs of u32, after an encoding byte (timestamps) or without one (checksums). */
function perDirectionRecord(tlvType: bigint, withEncodingByte: boolean) {
  return {
    tlvType,
    encode(pairs: PerDirection[] | undefined, context: string, field: string): Uint8Array | undefined {
      if (pairs === undefined) return undefined
      const prefix = withEncodingByte ? 1 : 0
      const w = new WireWriter(context, prefix + pairs.length * 8)
      if (withEncodingByte) w.u8(UNCOMPRESSED, field)
      for (const p of pairs) {
        w.u32(p.node1, field)
        w.u32(p.node2, field)
      }
      return w.finish()
    },
    decode(value: Uint8Array | undefined, context: string, field: string): PerDirection[] | undefined {
      if (value === undefined) return undefined
      const bytes = withEncodingByte ? uncompressed(value, context, field) : value
      if (bytes.length % 8 !== 0) throw invalid(context, field, `holds ${bytes.length} bytes, not whole pairs of u32`)
      const r = new WireReader(bytes, context)
      const pairs: PerDirection[] = []
      while (r.remaining > 0) pairs.push({ node1: r.u32(field), node2: r.u32(field) })
      return pairs
    },
  }
}

/** reply_channel_range_tlvs type 1: each channel's update timestamps. */
export const timestamps = perDirectionRecord(1n, true)
/** reply_channel_range_tlvs type 3: each channel's update checksums (channelUpdateChecksum). */
export const checksums = perDirectionRecord(3n, false)
