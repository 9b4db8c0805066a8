/** Bytes in, bytes out; hex only at the edges. */

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** Decodes hex, throwing on odd length or non-hex characters (Buffer.from would silently truncate). */
export function fromHex(hex: string, expectedLength?: number): Uint8Array {
  if (typeof hex !== 'string' || !HEX_RE.test(hex)) throw new TypeError(`not a hex string: ${String(hex).slice(0, 80)}`)
  const out = new Uint8Array(Buffer.from(hex, 'hex'))
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new TypeError(`expected ${expectedLength} bytes of hex, got ${out.length}`)
  }
  return out
}

export function isHex(value: unknown, byteLength?: number): value is string {
  return (
    typeof value === 'string' && HEX_RE.test(value) && (byteLength === undefined || value.length === byteLength * 2)
  )
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

/** Lexicographic order, as BIP69 and BOLT #3 use to sort keys and outputs. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!
  }
  return a.length - b.length
}

export function u16be(n: number): Uint8Array {
  const out = new Uint8Array(2)
  new DataView(out.buffer).setUint16(0, n)
  return out
}

export function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

export function u64be(n: bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, n)
  return out
}

export function bigintToBytes32(n: bigint): Uint8Array {
  if (n < 0n || n >= 1n << 256n) throw new RangeError('number does not fit in 32 bytes')
  const out = new Uint8Array(32)
  let v = n
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  let n = 0n
  for (const b of bytes) n = (n << 8n) | BigInt(b)
  return n
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}
