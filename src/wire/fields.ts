/**
 * The BOLT #1 fundamental types and lnsim's few additions, as a reader and a
 * writer over bytes plus one codec per field type. Every read checks that the
 * bytes are there before it copies them, so a length field from a peer never
 * allocates more than the peer actually sent.
 * https://github.com/lightning/bolts/blob/master/01-messaging.md#fundamental-types
 */
import {
  CONDITION_LIMITS,
  assertValidCondition,
  decodeCondition,
  encodeCondition,
  type Condition,
} from '../chain/condition.js'
import { isValidPublicKey } from '../crypto/secp256k1.js'
import { decodeBigSize, encodeBigSize } from './bigsize.js'
import { CHANNEL_ID_SIZE, ONION_PACKET_SIZE, POINT_SIZE, SIGNATURE_SIZE } from './constants.js'
import { WireDecodeError, WireEncodeError } from './errors.js'
import { decodeTruncatedUint, encodeTruncatedUint } from './tlv.js'

const U64_MAX = 0xffff_ffff_ffff_ffffn

export class WireReader {
  private offset = 0
  private readonly bytes: Uint8Array
  private readonly view: DataView

  /**
   * `context` names what is being read (a message or TLV record), for error messages. `owned`: the caller hands the
   * bytes over (no one else writes them), so fields are views of them and no copy is made.
   */
  constructor(
    bytes: Uint8Array,
    readonly context: string,
    owned = false,
  ) {
    // one copy of the whole input (unless handed over), which every byte field is a view of: a decoded message never
    // aliases a frame someone else may reuse, and its fields share one allocation instead of one each (a
    // channel_announcement has ten, and a large network's nodes keep thousands of them: a backing store apiece cost
    // more than the bytes)
    this.bytes = owned ? bytes : new Uint8Array(bytes)
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength)
  }

  get remaining(): number {
    return this.bytes.length - this.offset
  }

  private take(n: number, field: string): number {
    if (n > this.remaining) {
      throw new WireDecodeError(
        'TRUNCATED',
        `${this.context} is truncated: ${field} needs ${n} bytes, ${this.remaining} left`,
        { context: this.context, field },
      )
    }
    const at = this.offset
    this.offset += n
    return at
  }

  u8(field: string): number {
    return this.bytes[this.take(1, field)]!
  }
  u16(field: string): number {
    return this.view.getUint16(this.take(2, field))
  }
  u32(field: string): number {
    return this.view.getUint32(this.take(4, field))
  }
  u64(field: string): bigint {
    return this.view.getBigUint64(this.take(8, field))
  }
  /** A view of the reader's own copy of the input, never of the frame it came from. */
  bytesOf(n: number, field: string): Uint8Array {
    const at = this.take(n, field)
    return this.bytes.subarray(at, at + n)
  }
  bigSize(): bigint {
    const { value, length } = decodeBigSize(this.bytes, this.offset)
    this.offset += length
    return value
  }
  /** tu64 fills the rest of its TLV record: its length is the record's length. */
  tu64(field: string): bigint {
    return this.truncated(8, field)
  }
  tu32(field: string): number {
    return Number(this.truncated(4, field))
  }
  private truncated(maxBytes: number, field: string): bigint {
    const at = this.take(this.remaining, field)
    try {
      return decodeTruncatedUint(this.bytes.subarray(at), maxBytes)
    } catch (err) {
      if (err instanceof WireDecodeError)
        throw new WireDecodeError(err.code, `${this.context}.${field}: ${err.message}`, {
          context: this.context,
          field,
        })
      throw err
    }
  }
  /** Everything not read yet, as a view: the caller copies what it keeps. */
  rest(): Uint8Array {
    return this.bytes.subarray(this.take(this.remaining, 'rest'))
  }
  /** Rejects bytes left over where a fixed layout should have ended. */
  end(): void {
    if (this.remaining > 0) {
      throw new WireDecodeError('TRAILING_BYTES', `${this.context} has ${this.remaining} bytes after its last field`, {
        context: this.context,
      })
    }
  }
}

export class WireWriter {
  private buf: Uint8Array
  private view: DataView
  private length = 0

  constructor(
    readonly context: string,
    initialSize = 256,
  ) {
    this.buf = new Uint8Array(initialSize)
    this.view = new DataView(this.buf.buffer)
  }

  /** Grows the buffer if needed; read `buf`/`view` only after calling it. */
  private reserve(n: number): number {
    if (this.length + n > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + n))
      grown.set(this.buf.subarray(0, this.length))
      this.buf = grown
      this.view = new DataView(grown.buffer)
    }
    const at = this.length
    this.length += n
    return at
  }

  private check(ok: boolean, field: string, what: string): void {
    if (!ok)
      throw new WireEncodeError('INVALID_FIELD', `${this.context}.${field} ${what}`, { context: this.context, field })
  }

  private checkU64(v: bigint, field: string): void {
    this.check(
      typeof v === 'bigint' && v >= 0n && v <= U64_MAX,
      field,
      `must be a bigint from 0 to 2^64-1, got ${String(v)}`,
    )
  }

  u8(v: number, field: string): void {
    this.check(Number.isInteger(v) && v >= 0 && v <= 0xff, field, `must be an integer from 0 to 255, got ${v}`)
    const at = this.reserve(1)
    this.buf[at] = v
  }
  u16(v: number, field: string): void {
    this.check(Number.isInteger(v) && v >= 0 && v <= 0xffff, field, `must be an integer from 0 to 65535, got ${v}`)
    const at = this.reserve(2)
    this.view.setUint16(at, v)
  }
  u32(v: number, field: string): void {
    this.check(
      Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff,
      field,
      `must be an integer from 0 to 2^32-1, got ${v}`,
    )
    const at = this.reserve(4)
    this.view.setUint32(at, v)
  }
  u64(v: bigint, field: string): void {
    this.checkU64(v, field)
    const at = this.reserve(8)
    this.view.setBigUint64(at, v)
  }
  /** `size` given: the bytes must be exactly that long. */
  bytes(b: Uint8Array, field: string, size?: number): void {
    this.check(
      b instanceof Uint8Array && (size === undefined || b.length === size),
      field,
      `must be ${size ?? 'a Uint8Array of'} bytes`,
    )
    const at = this.reserve(b.length)
    this.buf.set(b, at)
  }
  bigSize(v: bigint, field: string): void {
    this.checkU64(v, field)
    this.bytes(encodeBigSize(v), field)
  }
  tu64(v: bigint, field: string): void {
    this.checkU64(v, field)
    this.bytes(encodeTruncatedUint(v), field)
  }

  get size(): number {
    return this.length
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.length)
  }
}

/** How one field type is read and written; `field` names it in errors. */
export interface FieldCodec<T> {
  read(r: WireReader, field: string): T
  write(w: WireWriter, value: T, field: string): void
}

export const u8: FieldCodec<number> = { read: (r, f) => r.u8(f), write: (w, v, f) => w.u8(v, f) }
export const u16: FieldCodec<number> = { read: (r, f) => r.u16(f), write: (w, v, f) => w.u16(v, f) }
export const u32: FieldCodec<number> = { read: (r, f) => r.u32(f), write: (w, v, f) => w.u32(v, f) }
export const u64: FieldCodec<bigint> = { read: (r, f) => r.u64(f), write: (w, v, f) => w.u64(v, f) }

/** A field of exactly `size` bytes; `size` tells tools that build messages by hand how long a value must be. */
export function fixedBytes(size: number): FieldCodec<Uint8Array> & { readonly size: number } {
  return { size, read: (r, f) => r.bytesOf(size, f), write: (w, v, f) => w.bytes(v, f, size) }
}

/** chain_hash, channel_id, sha256 and 32-byte secrets all share this shape. */
export const bytes32 = fixedBytes(CHANNEL_ID_SIZE)
/** Compact ECDSA signature, r ‖ s. */
export const signature = fixedBytes(SIGNATURE_SIZE)
export const onionPacket = fixedBytes(ONION_PACKET_SIZE)
/** BOLT #7: block height, tx index and output index packed into a u64. */
export const shortChannelId: FieldCodec<bigint> = u64

function isCompressedPoint(b: Uint8Array): boolean {
  return b.length === POINT_SIZE && (b[0] === 0x02 || b[0] === 0x03)
}

/**
 * A compressed public key on the curve. Checked here, where it enters, because
 * every later use (key derivation, ECDH, verification) would throw deep inside
 * the node's work, long after the message that brought it was accepted and
 * stored; a bad point is the peer's error, and only decoding knows whose.
 */
export const point: FieldCodec<Uint8Array> = {
  read(r, field) {
    const b = r.bytesOf(POINT_SIZE, field)
    if (!isCompressedPoint(b)) {
      throw new WireDecodeError(
        'INVALID_FIELD',
        `${r.context}.${field} is not a compressed point (prefix must be 02 or 03)`,
        { context: r.context, field },
      )
    }
    if (!isValidPublicKey(b)) {
      throw new WireDecodeError('INVALID_POINT', `${r.context}.${field} is not a point on secp256k1`, {
        context: r.context,
        field,
      })
    }
    return b
  },
  write(w, v, field) {
    if (!(v instanceof Uint8Array) || !isCompressedPoint(v)) {
      throw new WireEncodeError('INVALID_FIELD', `${w.context}.${field} must be a 33-byte compressed point`, {
        context: w.context,
        field,
      })
    }
    w.bytes(v, field)
  },
}

/** u16 length, then that many bytes. */
export const varBytes: FieldCodec<Uint8Array> = {
  read: (r, f) => r.bytesOf(r.u16(f), f),
  write(w, v, f) {
    w.u16(v instanceof Uint8Array ? v.length : -1, `${f} length`)
    w.bytes(v, f)
  },
}

/**
 * The largest valid condition has every one of its CONDITION_LIMITS.maxNodes
 * parts a sig() (tag + 33-byte key). Rejecting longer bytes before decoding
 * also bounds decodeCondition's recursion, which a long run of nested all()
 * tags could otherwise drive past the stack.
 */
export const MAX_CONDITION_BYTES = CONDITION_LIMITS.maxNodes * (1 + POINT_SIZE)

/** The mock chain's spending condition, where BOLT #2 has a scriptpubkey: u16 length, then encodeCondition's bytes. */
export const condition: FieldCodec<Condition> = {
  read(r, field) {
    const length = r.u16(field)
    if (length > MAX_CONDITION_BYTES) {
      throw new WireDecodeError(
        'INVALID_FIELD',
        `${r.context}.${field} is ${length} bytes, longer than any valid condition (${MAX_CONDITION_BYTES})`,
        { context: r.context, field },
      )
    }
    const bytes = r.bytesOf(length, field)
    try {
      return decodeCondition(bytes)
    } catch (err) {
      throw new WireDecodeError(
        'INVALID_FIELD',
        `${r.context}.${field} is not a valid condition: ${(err as Error).message}`,
        { context: r.context, field },
      )
    }
  },
  write(w, v, field) {
    try {
      assertValidCondition(v)
    } catch (err) {
      throw new WireEncodeError(
        'INVALID_FIELD',
        `${w.context}.${field} is not a valid condition: ${(err as Error).message}`,
        { context: w.context, field },
      )
    }
    varBytes.write(w, encodeCondition(v), field)
  },
}
