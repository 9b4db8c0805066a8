/** Hand-made invoices for tests: any tagged fields, signed, so one rule at a time can be broken. */
import { bytesToWords } from '../../../src/core/bech32.js'
import { fromHex, utf8 } from '../../../src/core/bytes.js'
import { decodeInvoice, InvoiceError, signInvoice, type TaggedField } from '../../../src/invoice/index.js'

export const KEY = fromHex('11'.repeat(32))
export const HASH = new Uint8Array(32).fill(0xaa)
export const SECRET = new Uint8Array(32).fill(0xbb)
export const TIMESTAMP = 1_700_000_000

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'

/** A field by its BOLT #11 letter, from 5-bit words. */
export function field(letter: string, words: number[]): TaggedField {
  return { tag: CHARSET.indexOf(letter), words }
}

/** A field by its BOLT #11 letter, from bytes (zero-padded to whole words). */
export function bytesField(letter: string, bytes: Uint8Array): TaggedField {
  return field(letter, bytesToWords(bytes))
}

export const P = bytesField('p', HASH)
export const S = bytesField('s', SECRET)
export const D = bytesField('d', utf8('coffee'))

export function signed(
  taggedFields: TaggedField[],
  humanReadablePart = 'lnbcrt1m',
  timestamp = TIMESTAMP,
  key = KEY,
): string {
  return signInvoice({ humanReadablePart, timestamp, taggedFields }, key)
}

/** The code an invalid invoice is refused with; fails the test if it is accepted. */
export function rejectionCode(text: string): string {
  try {
    decodeInvoice(text)
  } catch (err) {
    if (err instanceof InvoiceError) return err.code
    throw err
  }
  throw new Error('the invoice was accepted')
}

export function thrownCode(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof InvoiceError) return err.code
    throw err
  }
  throw new Error('nothing was thrown')
}
