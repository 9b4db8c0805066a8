/**
 * BOLT #1 TLV streams: records of (BigSize type, BigSize length, value), in
 * strictly increasing type order. Unknown even types are an error ("it's OK to
 * be odd"); unknown odd types are skipped.
 */
import { concatBytes } from '../core/bytes.js'
import { decodeBigSize, encodeBigSize } from './bigsize.js'
import { WireDecodeError } from './errors.js'

export type TlvRecords = Map<bigint, Uint8Array>

export function encodeTlvStream(records: TlvRecords): Uint8Array {
  const types = [...records.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return concatBytes(
    ...types.flatMap((t) => {
      const v = records.get(t)!
      return [encodeBigSize(t), encodeBigSize(BigInt(v.length)), v]
    }),
  )
}

/**
 * Decodes a whole stream. `known` lists the types the caller understands; an
 * unknown even type throws, an unknown odd one is dropped from the result.
 */
export function decodeTlvStream(bytes: Uint8Array, known: ReadonlySet<bigint>): TlvRecords {
  const out: TlvRecords = new Map()
  let offset = 0
  let last = -1n
  while (offset < bytes.length) {
    const t = decodeBigSize(bytes, offset)
    offset += t.length
    const l = decodeBigSize(bytes, offset)
    offset += l.length
    if (t.value <= last)
      throw new WireDecodeError('INVALID_FIELD', `TLV types are not strictly increasing (${t.value} after ${last})`)
    last = t.value
    if (l.value > BigInt(bytes.length - offset))
      throw new WireDecodeError('TRUNCATED', `TLV record ${t.value} is truncated`)
    const value = bytes.slice(offset, offset + Number(l.value))
    offset += Number(l.value)
    if (known.has(t.value)) out.set(t.value, value)
    else if (t.value % 2n === 0n)
      throw new WireDecodeError('UNKNOWN_EVEN_TYPE', `unknown even TLV type ${t.value}`, {
        tlvType: t.value.toString(),
      })
  }
  return out
}

/** tu64 and friends: big-endian with no leading zero bytes (BOLT #1 "truncated" integers). */
export function encodeTruncatedUint(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError('negative')
  const bytes: number[] = []
  let v = value
  while (v > 0n) {
    bytes.unshift(Number(v & 0xffn))
    v >>= 8n
  }
  return Uint8Array.from(bytes)
}

export function decodeTruncatedUint(bytes: Uint8Array, maxBytes: number): bigint {
  if (bytes.length > maxBytes)
    throw new WireDecodeError('INVALID_FIELD', `truncated integer longer than ${maxBytes} bytes`)
  if (bytes.length > 0 && bytes[0] === 0)
    throw new WireDecodeError('NON_CANONICAL', 'truncated integer has a leading zero')
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return v
}
