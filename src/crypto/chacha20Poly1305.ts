/**
 * ChaCha20-Poly1305 (RFC 8439, section 2.8) for short messages, in plain
 * JavaScript: what Noise seals libp2p frames under 1,200 bytes with.
 *
 * Why not OpenSSL: node:crypto makes a cipher object per message, which makes
 * it slower than this on short messages; on long ones OpenSSL is faster,
 * and Noise switches to it past 1,200 bytes. Why not WebAssembly
 * (@chainsafe/as-chacha20poly1305, Noise's own choice, a little faster): loading
 * any WebAssembly pulls V8's wasm compilers into every process, memory each node
 * keeps resident from its start (src/node/transport/tuning/README.md).
 *
 * Poly1305 keeps its 130-bit accumulator in ten 13-bit limbs, so every
 * product of two limbs and every sum of ten products fits a double exactly
 * (under 2^35) and the arithmetic needs no BigInt. AEAD input is padded to
 * 16 bytes, so every Poly1305 block here is a full one.
 */
import { InvalidKeyError } from './errors.js'

export const TAG_BYTES = 16

export function checkKeyAndNonce(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== 32) throw new InvalidKeyError(`a ChaCha20-Poly1305 key is 32 bytes, got ${key.length}`)
  if (nonce.length !== 12) throw new InvalidKeyError(`a ChaCha20-Poly1305 nonce is 12 bytes, got ${nonce.length}`)
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
}

/** The key and nonce as the eleven state words a block needs besides its counter. */
function cipherState(key: Uint8Array, nonce: Uint8Array): Uint32Array {
  const s = new Uint32Array(11)
  for (let i = 0; i < 8; i++) s[i] = readU32(key, i * 4)
  for (let i = 0; i < 3; i++) s[8 + i] = readU32(nonce, i * 4)
  return s
}

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n))

/** The ChaCha20 block function (RFC 8439, 2.3): sixteen keystream words into `out`. */
function chachaBlock(s: Uint32Array, counter: number, out: Uint32Array): void {
  const i0 = 0x61707865,
    i1 = 0x3320646e,
    i2 = 0x79622d32,
    i3 = 0x6b206574
  const i4 = s[0]!,
    i5 = s[1]!,
    i6 = s[2]!,
    i7 = s[3]!,
    i8 = s[4]!,
    i9 = s[5]!,
    i10 = s[6]!,
    i11 = s[7]!
  const i12 = counter,
    i13 = s[8]!,
    i14 = s[9]!,
    i15 = s[10]!
  let x0 = i0,
    x1 = i1,
    x2 = i2,
    x3 = i3,
    x4 = i4,
    x5 = i5,
    x6 = i6,
    x7 = i7
  let x8 = i8,
    x9 = i9,
    x10 = i10,
    x11 = i11,
    x12 = i12,
    x13 = i13,
    x14 = i14,
    x15 = i15
  for (let round = 0; round < 10; round++) {
    // columns
    x0 = (x0 + x4) | 0
    x12 = rotl(x12 ^ x0, 16)
    x8 = (x8 + x12) | 0
    x4 = rotl(x4 ^ x8, 12)
    x0 = (x0 + x4) | 0
    x12 = rotl(x12 ^ x0, 8)
    x8 = (x8 + x12) | 0
    x4 = rotl(x4 ^ x8, 7)
    x1 = (x1 + x5) | 0
    x13 = rotl(x13 ^ x1, 16)
    x9 = (x9 + x13) | 0
    x5 = rotl(x5 ^ x9, 12)
    x1 = (x1 + x5) | 0
    x13 = rotl(x13 ^ x1, 8)
    x9 = (x9 + x13) | 0
    x5 = rotl(x5 ^ x9, 7)
    x2 = (x2 + x6) | 0
    x14 = rotl(x14 ^ x2, 16)
    x10 = (x10 + x14) | 0
    x6 = rotl(x6 ^ x10, 12)
    x2 = (x2 + x6) | 0
    x14 = rotl(x14 ^ x2, 8)
    x10 = (x10 + x14) | 0
    x6 = rotl(x6 ^ x10, 7)
    x3 = (x3 + x7) | 0
    x15 = rotl(x15 ^ x3, 16)
    x11 = (x11 + x15) | 0
    x7 = rotl(x7 ^ x11, 12)
    x3 = (x3 + x7) | 0
    x15 = rotl(x15 ^ x3, 8)
    x11 = (x11 + x15) | 0
    x7 = rotl(x7 ^ x11, 7)
    // diagonals
    x0 = (x0 + x5) | 0
    x15 = rotl(x15 ^ x0, 16)
    x10 = (x10 + x15) | 0
    x5 = rotl(x5 ^ x10, 12)
    x0 = (x0 + x5) | 0
    x15 = rotl(x15 ^ x0, 8)
    x10 = (x10 + x15) | 0
    x5 = rotl(x5 ^ x10, 7)
    x1 = (x1 + x6) | 0
    x12 = rotl(x12 ^ x1, 16)
    x11 = (x11 + x12) | 0
    x6 = rotl(x6 ^ x11, 12)
    x1 = (x1 + x6) | 0
    x12 = rotl(x12 ^ x1, 8)
    x11 = (x11 + x12) | 0
    x6 = rotl(x6 ^ x11, 7)
    x2 = (x2 + x7) | 0
    x13 = rotl(x13 ^ x2, 16)
    x8 = (x8 + x13) | 0
    x7 = rotl(x7 ^ x8, 12)
    x2 = (x2 + x7) | 0
    x13 = rotl(x13 ^ x2, 8)
    x8 = (x8 + x13) | 0
    x7 = rotl(x7 ^ x8, 7)
    x3 = (x3 + x4) | 0
    x14 = rotl(x14 ^ x3, 16)
    x9 = (x9 + x14) | 0
    x4 = rotl(x4 ^ x9, 12)
    x3 = (x3 + x4) | 0
    x14 = rotl(x14 ^ x3, 8)
    x9 = (x9 + x14) | 0
    x4 = rotl(x4 ^ x9, 7)
  }
  out[0] = x0 + i0
  out[1] = x1 + i1
  out[2] = x2 + i2
  out[3] = x3 + i3
  out[4] = x4 + i4
  out[5] = x5 + i5
  out[6] = x6 + i6
  out[7] = x7 + i7
  out[8] = x8 + i8
  out[9] = x9 + i9
  out[10] = x10 + i10
  out[11] = x11 + i11
  out[12] = x12 + i12
  out[13] = x13 + i13
  out[14] = x14 + i14
  out[15] = x15 + i15
}

/** `input` XOR the keystream from block counter 1 (block 0 keys Poly1305), into `output`. */
function xorKeystream(s: Uint32Array, input: Uint8Array, output: Uint8Array, words: Uint32Array): void {
  for (let at = 0, counter = 1; at < input.length; at += 64, counter++) {
    chachaBlock(s, counter, words)
    const end = Math.min(64, input.length - at)
    for (let j = 0; j < end; j++) output[at + j] = input[at + j]! ^ ((words[j >> 2]! >>> ((j & 3) * 8)) & 0xff)
  }
}

/** Sixteen little-endian bytes at `at` as ten 13-bit limbs, plus `high` on the top limb (2^128 for a block). */
function limbs(b: Uint8Array, at: number, high: number, out: Float64Array, outAt: number): void {
  const t0 = b[at]! | (b[at + 1]! << 8),
    t1 = b[at + 2]! | (b[at + 3]! << 8)
  const t2 = b[at + 4]! | (b[at + 5]! << 8),
    t3 = b[at + 6]! | (b[at + 7]! << 8)
  const t4 = b[at + 8]! | (b[at + 9]! << 8),
    t5 = b[at + 10]! | (b[at + 11]! << 8)
  const t6 = b[at + 12]! | (b[at + 13]! << 8),
    t7 = b[at + 14]! | (b[at + 15]! << 8)
  out[outAt + 0] = t0 & 0x1fff
  out[outAt + 1] = ((t0 >>> 13) | (t1 << 3)) & 0x1fff
  out[outAt + 2] = ((t1 >>> 10) | (t2 << 6)) & 0x1fff
  out[outAt + 3] = ((t2 >>> 7) | (t3 << 9)) & 0x1fff
  out[outAt + 4] = ((t3 >>> 4) | (t4 << 12)) & 0x1fff
  out[outAt + 5] = (t4 >>> 1) & 0x1fff
  out[outAt + 6] = ((t4 >>> 14) | (t5 << 2)) & 0x1fff
  out[outAt + 7] = ((t5 >>> 11) | (t6 << 5)) & 0x1fff
  out[outAt + 8] = ((t6 >>> 8) | (t7 << 8)) & 0x1fff
  out[outAt + 9] = (t7 >>> 5) | high
}

/**
 * Poly1305 (RFC 8439, 2.5). The state is twenty numbers: the accumulator h,
 * then r, each as ten 13-bit limbs, the lowest first.
 */
function poly1305State(key: Uint8Array): { state: Float64Array; pad: Uint16Array } {
  const bytes = key.slice(0, 32)
  // clamp r (RFC 8439, 2.5.1)
  bytes[3]! &= 15
  bytes[7]! &= 15
  bytes[11]! &= 15
  bytes[15]! &= 15
  bytes[4]! &= 252
  bytes[8]! &= 252
  bytes[12]! &= 252
  const state = new Float64Array(20)
  limbs(bytes, 0, 0, state, 10)
  const pad = new Uint16Array(8)
  for (let i = 0; i < 8; i++) pad[i] = bytes[16 + i * 2]! | (bytes[17 + i * 2]! << 8)
  return { state, pad }
}

/** A block's limbs, as poly1305Absorb adds them: one array for all, as this never runs concurrently. */
const blockLimbs = new Float64Array(10)

/**
 * Absorbs `length` bytes of `data` from `at`, zero-padded to a multiple of 16:
 * h = (h + block + 2^128) * r mod 2^130 - 5 per block. A product of two limbs
 * is under 2^31 and a sum of ten under 2^35, exact in a double; the carries
 * bring every limb back under 2^13 (the second just over).
 */
function poly1305Absorb(state: Float64Array, data: Uint8Array, at: number, length: number): void {
  const r0 = state[10]!,
    r1 = state[11]!,
    r2 = state[12]!,
    r3 = state[13]!,
    r4 = state[14]!
  const r5 = state[15]!,
    r6 = state[16]!,
    r7 = state[17]!,
    r8 = state[18]!,
    r9 = state[19]!
  // a limb product past 2^130 wraps to 5 times itself
  const s1 = 5 * r1,
    s2 = 5 * r2,
    s3 = 5 * r3,
    s4 = 5 * r4,
    s5 = 5 * r5,
    s6 = 5 * r6,
    s7 = 5 * r7,
    s8 = 5 * r8,
    s9 = 5 * r9
  let h0 = state[0]!,
    h1 = state[1]!,
    h2 = state[2]!,
    h3 = state[3]!,
    h4 = state[4]!
  let h5 = state[5]!,
    h6 = state[6]!,
    h7 = state[7]!,
    h8 = state[8]!,
    h9 = state[9]!
  for (let offset = 0; offset < length; offset += 16) {
    let b = data,
      p = at + offset
    if (length - offset < 16) {
      b = new Uint8Array(16)
      b.set(data.subarray(p, at + length))
      p = 0
    }
    const m = blockLimbs
    limbs(b, p, 1 << 11, m, 0)
    h0 += m[0]!
    h1 += m[1]!
    h2 += m[2]!
    h3 += m[3]!
    h4 += m[4]!
    h5 += m[5]!
    h6 += m[6]!
    h7 += m[7]!
    h8 += m[8]!
    h9 += m[9]!
    const d0 = h0 * r0 + h1 * s9 + h2 * s8 + h3 * s7 + h4 * s6 + h5 * s5 + h6 * s4 + h7 * s3 + h8 * s2 + h9 * s1
    const d1 = h0 * r1 + h1 * r0 + h2 * s9 + h3 * s8 + h4 * s7 + h5 * s6 + h6 * s5 + h7 * s4 + h8 * s3 + h9 * s2
    const d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s9 + h4 * s8 + h5 * s7 + h6 * s6 + h7 * s5 + h8 * s4 + h9 * s3
    const d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s9 + h5 * s8 + h6 * s7 + h7 * s6 + h8 * s5 + h9 * s4
    const d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0 + h5 * s9 + h6 * s8 + h7 * s7 + h8 * s6 + h9 * s5
    const d5 = h0 * r5 + h1 * r4 + h2 * r3 + h3 * r2 + h4 * r1 + h5 * r0 + h6 * s9 + h7 * s8 + h8 * s7 + h9 * s6
    const d6 = h0 * r6 + h1 * r5 + h2 * r4 + h3 * r3 + h4 * r2 + h5 * r1 + h6 * r0 + h7 * s9 + h8 * s8 + h9 * s7
    const d7 = h0 * r7 + h1 * r6 + h2 * r5 + h3 * r4 + h4 * r3 + h5 * r2 + h6 * r1 + h7 * r0 + h8 * s9 + h9 * s8
    const d8 = h0 * r8 + h1 * r7 + h2 * r6 + h3 * r5 + h4 * r4 + h5 * r3 + h6 * r2 + h7 * r1 + h8 * r0 + h9 * s9
    const d9 = h0 * r9 + h1 * r8 + h2 * r7 + h3 * r6 + h4 * r5 + h5 * r4 + h6 * r3 + h7 * r2 + h8 * r1 + h9 * r0
    // carry each limb into the next, one limb per line: v is the limb with the carry in, c the carry out
    let v = d0,
      c = Math.trunc(v / 8192)
    h0 = v - c * 8192
    v = d1 + c
    c = Math.trunc(v / 8192)
    h1 = v - c * 8192
    v = d2 + c
    c = Math.trunc(v / 8192)
    h2 = v - c * 8192
    v = d3 + c
    c = Math.trunc(v / 8192)
    h3 = v - c * 8192
    v = d4 + c
    c = Math.trunc(v / 8192)
    h4 = v - c * 8192
    v = d5 + c
    c = Math.trunc(v / 8192)
    h5 = v - c * 8192
    v = d6 + c
    c = Math.trunc(v / 8192)
    h6 = v - c * 8192
    v = d7 + c
    c = Math.trunc(v / 8192)
    h7 = v - c * 8192
    v = d8 + c
    c = Math.trunc(v / 8192)
    h8 = v - c * 8192
    v = d9 + c
    c = Math.trunc(v / 8192)
    h9 = v - c * 8192
    // the carry out of the top limb counts 2^130, which is 5 modulo 2^130 - 5
    v = h0 + c * 5
    c = Math.trunc(v / 8192)
    h0 = v - c * 8192
    h1 += c
  }
  state[0] = h0
  state[1] = h1
  state[2] = h2
  state[3] = h3
  state[4] = h4
  state[5] = h5
  state[6] = h6
  state[7] = h7
  state[8] = h8
  state[9] = h9
}

/** The tag: h fully reduced mod 2^130 - 5, plus the pad, mod 2^128. */
function poly1305Finish(state: Float64Array, pad: Uint16Array): Uint8Array {
  const h = new Int32Array(10)
  for (let i = 0; i < 10; i++) h[i] = state[i]!
  // Two passes of carries, 2^130 wrapping to 5 on h0. After a block h1 can be
  // over 2^13 (by up to ~2^10); the first pass brings every limb under 2^13 but
  // h0, which may gain 5; the second carries that, and h0 wraps back under 10
  // if it reaches the top. So every limb ends under 2^13, and h < 2^130.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < 10; i++) {
      const carry = h[i]! >>> 13
      h[i]! &= 0x1fff
      if (i < 9) h[i + 1]! += carry
      else h[0]! += carry * 5
    }
  }
  // h + 5 reaching 2^130 means h >= p, and then h - p is h + 5 - 2^130
  const g = new Int32Array(10)
  let carry = 5
  for (let i = 0; i < 10; i++) {
    const v = h[i]! + carry
    carry = v >>> 13
    g[i] = v & 0x1fff
  }
  const reduced = carry === 1 ? g : h
  const tag = new Uint8Array(16)
  let acc = 0,
    bits = 0,
    word = 0,
    sumCarry = 0
  for (let i = 0; i < 10 && word < 8; i++) {
    acc |= reduced[i]! << bits
    bits += 13
    while (bits >= 16 && word < 8) {
      const v = (acc & 0xffff) + pad[word]! + sumCarry
      sumCarry = v >>> 16
      tag[word * 2] = v & 0xff
      tag[word * 2 + 1] = (v >>> 8) & 0xff
      acc >>>= 16
      bits -= 16
      word++
    }
  }
  return tag
}

/**
 * Poly1305 with the AEAD's padding: `data` zero-padded to whole 16-byte blocks.
 * For data of whole blocks it is RFC 8439's plain Poly1305 (section 2.5).
 */
export function poly1305Padded(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (key.length !== 32) throw new InvalidKeyError(`a Poly1305 key is 32 bytes, got ${key.length}`)
  const { state, pad } = poly1305State(key)
  poly1305Absorb(state, data, 0, data.length)
  return poly1305Finish(state, pad)
}

/** The tag over the AEAD's MAC input: aad, ciphertext, each padded, then both lengths (RFC 8439, 2.8). */
function aeadTag(
  s: Uint32Array,
  words: Uint32Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  ctLength: number,
): Uint8Array {
  chachaBlock(s, 0, words)
  const key = new Uint8Array(32)
  for (let i = 0; i < 32; i++) key[i] = (words[i >> 2]! >>> ((i & 3) * 8)) & 0xff
  const { state, pad } = poly1305State(key)
  poly1305Absorb(state, aad, 0, aad.length)
  poly1305Absorb(state, ciphertext, 0, ctLength)
  // both lengths as 64-bit little-endian numbers; a message here is far under 2^32 bytes
  const lengths = new Uint8Array(16)
  for (let i = 0; i < 4; i++) {
    lengths[i] = (aad.length >>> (i * 8)) & 0xff
    lengths[8 + i] = (ctLength >>> (i * 8)) & 0xff
  }
  poly1305Absorb(state, lengths, 0, 16)
  return poly1305Finish(state, pad)
}

/** Encrypts and authenticates: the ciphertext followed by its 16-byte tag. */
export function chacha20Poly1305Seal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = new Uint8Array(0),
): Uint8Array {
  checkKeyAndNonce(key, nonce)
  const s = cipherState(key, nonce)
  const words = new Uint32Array(16)
  const sealed = new Uint8Array(plaintext.length + TAG_BYTES)
  xorKeystream(s, plaintext, sealed, words)
  sealed.set(aeadTag(s, words, aad, sealed, plaintext.length), plaintext.length)
  return sealed
}

/**
 * Checks the tag and decrypts; undefined when `sealed` is not what this key,
 * nonce and aad sealed. The plaintext goes to `into` when given (it may be the
 * ciphertext's own bytes: each byte is read before it is written).
 */
export function chacha20Poly1305Open(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = new Uint8Array(0),
  into?: Uint8Array,
): Uint8Array | undefined {
  checkKeyAndNonce(key, nonce)
  if (sealed.length < TAG_BYTES) return undefined
  const s = cipherState(key, nonce)
  const words = new Uint32Array(16)
  const ctLength = sealed.length - TAG_BYTES
  const tag = aeadTag(s, words, aad, sealed, ctLength)
  let diff = 0
  for (let i = 0; i < TAG_BYTES; i++) diff |= tag[i]! ^ sealed[ctLength + i]!
  if (diff !== 0) return undefined
  const plaintext = into?.length === ctLength ? into : new Uint8Array(ctLength)
  xorKeystream(s, sealed.subarray(0, ctLength), plaintext, words)
  return plaintext
}
