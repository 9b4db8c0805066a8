/**
 * Where the records of a TLV stream (BOLT #1) start, as far as the stream can
 * be read: what a node needs to say *where* a payload went wrong, as BOLT #4's
 * invalid_onion_payload reports (its `offset`), the way Core Lightning does.
 */
import { decodeBigSize } from './bigsize.js'
import { WireDecodeError } from './errors.js'

export interface TlvRecordStarts {
  /** the byte offset of each readable record's type, by type */
  starts: Map<bigint, number>
  /**
   * where reading stopped: the start of the first record that cannot be read
   * (truncated, out of order), or the stream's length when all of it could
   */
  stoppedAt: number
}

export function tlvRecordStarts(bytes: Uint8Array): TlvRecordStarts {
  const starts = new Map<bigint, number>()
  let offset = 0
  let last = -1n
  while (offset < bytes.length) {
    let type: bigint
    let length: bigint
    let headerBytes: number
    try {
      const t = decodeBigSize(bytes, offset)
      const l = decodeBigSize(bytes, offset + t.length)
      type = t.value
      length = l.value
      headerBytes = t.length + l.length
    } catch (err) {
      if (err instanceof WireDecodeError) return { starts, stoppedAt: offset }
      throw err
    }
    if (type <= last || length > BigInt(bytes.length - offset - headerBytes)) return { starts, stoppedAt: offset }
    starts.set(type, offset)
    last = type
    offset += headerBytes + Number(length)
  }
  return { starts, stoppedAt: offset }
}

/**
 * The offset to report for a fault in record `tlvType`: where that record
 * starts; for a stream that could not be read, where reading stopped; for a
 * record that is missing, the end of the stream (where it would have had to be).
 */
export function tlvFaultOffset(bytes: Uint8Array, tlvType: bigint | undefined): number {
  const { starts, stoppedAt } = tlvRecordStarts(bytes)
  return (tlvType === undefined ? undefined : starts.get(tlvType)) ?? stoppedAt
}
