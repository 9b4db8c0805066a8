/**
 * ECDSA signatures in DER (SEC1 / BIP66 strict form), as libp2p's secp256k1
 * keys carry them in the Noise handshake, converted to and from the 64-byte
 * compact form (r || s) that lnsim's crypto layer speaks.
 */

const SEQUENCE = 0x30
const INTEGER = 0x02

/** The DER form of a 64-byte compact signature. */
export function compactToDer(compact: Uint8Array): Uint8Array {
  if (compact.length !== 64) throw new Error(`a compact signature is 64 bytes, got ${compact.length}`)
  const r = derInteger(compact.subarray(0, 32))
  const s = derInteger(compact.subarray(32, 64))
  const out = new Uint8Array(2 + r.length + s.length)
  out[0] = SEQUENCE
  out[1] = r.length + s.length
  out.set(r, 2)
  out.set(s, 2 + r.length)
  return out
}

/** A big-endian unsigned integer as a minimal DER INTEGER: no leading zeros, one zero byte when the top bit is set. */
function derInteger(value: Uint8Array): Uint8Array {
  let start = 0
  while (start < value.length - 1 && value[start] === 0) start++
  const body = value.subarray(start)
  const pad = body[0]! & 0x80 ? 1 : 0
  const out = new Uint8Array(2 + pad + body.length)
  out[0] = INTEGER
  out[1] = pad + body.length
  out.set(body, 2 + pad)
  return out
}

/**
 * The 64-byte compact form of a strict DER signature, or undefined when the
 * bytes are not one: wrong tags or lengths, trailing bytes, negative or
 * non-minimal integers, or an integer wider than 32 bytes. Range checks
 * against the curve order are left to the verifier.
 */
export function derToCompact(der: Uint8Array): Uint8Array | undefined {
  if (der.length < 8 || der.length > 72 || der[0] !== SEQUENCE || der[1] !== der.length - 2) return undefined
  const r = readInteger(der, 2)
  if (!r) return undefined
  const s = readInteger(der, r.next)
  if (!s || s.next !== der.length) return undefined
  const out = new Uint8Array(64)
  out.set(r.value, 32 - r.value.length)
  out.set(s.value, 64 - s.value.length)
  return out
}

function readInteger(der: Uint8Array, at: number): { value: Uint8Array; next: number } | undefined {
  if (der[at] !== INTEGER) return undefined
  const length = der[at + 1]
  if (length === undefined || length === 0 || at + 2 + length > der.length) return undefined
  let body = der.subarray(at + 2, at + 2 + length)
  if (body[0]! & 0x80) return undefined // negative
  if (body[0] === 0) {
    // a leading zero only to clear the sign bit of the next byte
    if (length === 1 || !(body[1]! & 0x80)) return undefined
    body = body.subarray(1)
  }
  if (body.length > 32) return undefined
  return { value: body, next: at + 2 + length }
}
