/**
 * BOLT #1 BigSize: a big-endian variable-length integer that must use its
 * shortest encoding. https://github.com/lightning/bolts/blob/master/01-messaging.md#appendix-a-bigsize-test-vectors
 */
import { WireDecodeError } from './errors.js'

export function encodeBigSize(value: bigint): Uint8Array {
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new RangeError(`BigSize out of range: ${value}`)
  if (value < 0xfdn) return Uint8Array.of(Number(value))
  if (value <= 0xffffn) {
    const out = new Uint8Array(3)
    out[0] = 0xfd
    new DataView(out.buffer).setUint16(1, Number(value))
    return out
  }
  if (value <= 0xffff_ffffn) {
    const out = new Uint8Array(5)
    out[0] = 0xfe
    new DataView(out.buffer).setUint32(1, Number(value))
    return out
  }
  const out = new Uint8Array(9)
  out[0] = 0xff
  new DataView(out.buffer).setBigUint64(1, value)
  return out
}

/** Returns the value and how many bytes it took; rejects truncated and non-minimal encodings. */
export function decodeBigSize(bytes: Uint8Array, offset = 0): { value: bigint; length: number } {
  if (offset >= bytes.length) throw new WireDecodeError('TRUNCATED', 'BigSize is truncated')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const first = bytes[offset]!
  const need = (n: number): void => {
    if (offset + n > bytes.length) throw new WireDecodeError('TRUNCATED', 'BigSize is truncated')
  }
  if (first < 0xfd) return { value: BigInt(first), length: 1 }
  if (first === 0xfd) {
    need(3)
    const v = view.getUint16(offset + 1)
    if (v < 0xfd) throw new WireDecodeError('NON_CANONICAL', 'BigSize is not minimally encoded')
    return { value: BigInt(v), length: 3 }
  }
  if (first === 0xfe) {
    need(5)
    const v = view.getUint32(offset + 1)
    if (v <= 0xffff) throw new WireDecodeError('NON_CANONICAL', 'BigSize is not minimally encoded')
    return { value: BigInt(v), length: 5 }
  }
  need(9)
  const v = view.getBigUint64(offset + 1)
  if (v <= 0xffff_ffffn) throw new WireDecodeError('NON_CANONICAL', 'BigSize is not minimally encoded')
  return { value: v, length: 9 }
}
