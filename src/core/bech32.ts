/**
 * Bech32 (BIP 173) and bech32m (BIP 350): the checksummed base32 that BOLT #11
 * invoices and lnsim's chain addresses are written in.
 */
import { InvalidInputError } from './errors.js'

/** BIP 173: the character for each 5-bit value. */
export const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
const CONSTANTS = { bech32: 1, bech32m: 0x2bc830a3 } as const

export type Bech32Variant = keyof typeof CONSTANTS

/** One step of the BCH checksum: `chk` extended by the 5-bit value `v`. */
function polymodStep(chk: number, v: number): number {
  const top = chk >>> 25
  chk = ((chk & 0x1ffffff) << 5) ^ v
  for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GENERATORS[i]!
  return chk
}

function polymod(values: number[]): number {
  let chk = 1
  for (const v of values) chk = polymodStep(chk, v)
  return chk >>> 0
}

/** Each character's 5-bit value by char code, -1 for characters bech32 does not use. */
const VALUE_OF = (() => {
  const table = new Int8Array(128).fill(-1)
  for (let i = 0; i < BECH32_CHARSET.length; i++) table[BECH32_CHARSET.charCodeAt(i)] = i
  return table
})()

/** The 5-bit value of a (lower-case) character, or -1. */
export function bech32ValueOf(charCode: number): number {
  return charCode < 128 ? VALUE_OF[charCode]! : -1
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = []
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) >> 5)
  out.push(0)
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) & 31)
  return out
}

export function bech32Encode(hrp: string, words: number[], variant: Bech32Variant): string {
  const lower = hrp.toLowerCase()
  const values = [...hrpExpand(lower), ...words, 0, 0, 0, 0, 0, 0]
  const mod = polymod(values) ^ CONSTANTS[variant]
  let out = lower + '1'
  for (const w of words) out += BECH32_CHARSET[w]
  for (let i = 0; i < 6; i++) out += BECH32_CHARSET[(mod >>> (5 * (5 - i))) & 31]
  return out
}

/** Decodes and checks the checksum; `limit` is 90 for addresses, larger for BOLT #11 invoices. */
export function bech32Decode(text: string, limit = 90): { hrp: string; words: number[]; variant: Bech32Variant } {
  if (text.length > limit)
    throw new InvalidInputError(
      `bech32 string is too long (${text.length} characters, at most ${limit})`,
      {},
      'INVALID_BECH32',
    )
  if (text !== text.toLowerCase() && text !== text.toUpperCase())
    throw new InvalidInputError('bech32 string mixes upper and lower case', {}, 'INVALID_BECH32')
  const lower = text.toLowerCase()
  const sep = lower.lastIndexOf('1')
  if (sep < 1 || sep + 7 > lower.length)
    throw new InvalidInputError('bech32 string has no separator or is too short', {}, 'INVALID_BECH32')
  const hrp = lower.slice(0, sep)
  for (let i = 0; i < hrp.length; i++) {
    const c = hrp.charCodeAt(i)
    if (c < 33 || c > 126) throw new InvalidInputError('bech32 prefix has an invalid character', {}, 'INVALID_BECH32')
  }
  // the checksum runs over the expanded prefix, then every data character, as it is read
  let chk = 1
  for (const v of hrpExpand(hrp)) chk = polymodStep(chk, v)
  const words = new Array<number>(lower.length - sep - 1)
  for (let i = sep + 1; i < lower.length; i++) {
    const v = bech32ValueOf(lower.charCodeAt(i))
    if (v === -1)
      throw new InvalidInputError(`bech32 string has an invalid character "${lower[i]}"`, {}, 'INVALID_BECH32')
    words[i - sep - 1] = v
    chk = polymodStep(chk, v)
  }
  const check = chk >>> 0
  const variant = check === CONSTANTS.bech32 ? 'bech32' : check === CONSTANTS.bech32m ? 'bech32m' : undefined
  if (variant === undefined)
    throw new InvalidInputError('bech32 checksum does not match (a typo?)', {}, 'INVALID_BECH32')
  return { hrp, words: words.slice(0, -6), variant }
}

/** Regroups bits, e.g. 8-bit bytes to 5-bit words. With pad=false, leftover bits must be zero padding. */
export function convertBits(data: ArrayLike<number>, from: number, to: number, pad: boolean): number[] {
  let acc = 0
  let bits = 0
  const out: number[] = []
  const maxv = (1 << to) - 1
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!
    if (value < 0 || value >> from !== 0) throw new InvalidInputError('bech32 value out of range', {}, 'INVALID_BECH32')
    acc = (acc << from) | value
    bits += from
    while (bits >= to) {
      bits -= to
      out.push((acc >> bits) & maxv)
    }
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxv)
  } else if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) {
    throw new InvalidInputError('bech32 data has invalid padding', {}, 'INVALID_BECH32')
  }
  return out
}

export function bytesToWords(bytes: Uint8Array): number[] {
  return convertBits(bytes, 8, 5, true)
}

export function wordsToBytes(words: number[]): Uint8Array {
  return new Uint8Array(convertBits(words, 5, 8, false))
}
