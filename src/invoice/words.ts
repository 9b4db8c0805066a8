/**
 * Field data as 5-bit words, the unit BOLT #11 counts `data_length` in. Bytes
 * are padded with 0 bits to a whole word; numbers and feature vectors are
 * big-endian with no leading zero word.
 */
import { bytesToWords, convertBits } from '../core/bech32.js'
import { InvoiceError } from './errors.js'

/** Bytes from a field's words, refusing padding that is not zero or longer than a word. */
export function wordsToFieldBytes(words: readonly number[], field: string): Uint8Array {
  try {
    return new Uint8Array(convertBits(words, 5, 8, false))
  } catch {
    throw new InvoiceError(
      'INVALID_FIELD',
      `the ${field} field has ${words.length * 5} bits, which is not whole bytes padded with zeros`,
      { field },
    )
  }
}

export function fieldBytesToWords(bytes: Uint8Array): number[] {
  return bytesToWords(bytes)
}

export function wordsToNumber(words: readonly number[]): number {
  let n = 0
  for (const w of words) n = n * 32 + w
  return n
}

/** The fewest words that hold `n`; zero is no words at all. */
export function numberToWords(n: number): number[] {
  const words: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 32)) words.unshift(v % 32)
  return words
}

/**
 * A feature vector in the wire layer's form: big-endian bytes, bit 0 the lowest bit of the last byte, no leading zero
 * byte.
 */
export function wordsToFeatures(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(Math.ceil((words.length * 5) / 8))
  for (let j = 0; j < words.length; j++) {
    const word = words[words.length - 1 - j]!
    for (let b = 0; b < 5; b++) {
      const bit = j * 5 + b
      if ((word >> b) & 1) out[out.length - 1 - (bit >> 3)]! |= 1 << (bit & 7)
    }
  }
  const first = out.findIndex((byte) => byte !== 0)
  return first === -1 ? new Uint8Array(0) : out.subarray(first)
}

export function featuresToWords(features: Uint8Array): number[] {
  const words: number[] = []
  const bitCount = features.length * 8
  for (let bit = 0; bit < bitCount; bit++) {
    if ((features[features.length - 1 - (bit >> 3)]! >> (bit & 7)) & 1) {
      const index = Math.floor(bit / 5)
      while (words.length <= index) words.push(0)
      words[index]! |= 1 << (bit % 5)
    }
  }
  return words.reverse()
}
