/**
 * The tagged fields between the timestamp and the signature, kept as written:
 * `type` (5 bits) · `data_length` (10 bits, in words) · `data`. An invoice keeps
 * them in order, unknown ones included, so it can be re-signed byte for byte.
 */
import { BECH32_CHARSET } from '../core/bech32.js'
import { MAX_FIELD_WORDS } from './constants.js'
import { InvoiceError } from './errors.js'

export interface TaggedField {
  readonly tag: number
  readonly words: readonly number[]
}

/** The letter that writes `tag`, as BOLT #11 names fields (`p`, `s`, `9`…). */
export function tagLetter(tag: number): string {
  return BECH32_CHARSET[tag] ?? '?'
}

export function splitTaggedFields(words: readonly number[]): TaggedField[] {
  const fields: TaggedField[] = []
  let at = 0
  while (at < words.length) {
    if (at + 3 > words.length)
      throw new InvoiceError('INVALID_FIELD', 'the invoice ends in the middle of a tagged field header', { offset: at })
    const tag = words[at]!
    const length = words[at + 1]! * 32 + words[at + 2]!
    const end = at + 3 + length
    if (end > words.length) {
      throw new InvoiceError(
        'INVALID_FIELD',
        `the ${tagLetter(tag)} field claims ${length} words but only ${words.length - at - 3} remain ` +
          'before the signature',
        { field: tagLetter(tag), length },
      )
    }
    fields.push({ tag, words: words.slice(at + 3, end) })
    at = end
  }
  return fields
}

export function joinTaggedFields(fields: readonly TaggedField[]): number[] {
  const out: number[] = []
  for (const { tag, words } of fields) {
    if (!Number.isInteger(tag) || tag < 0 || tag > 31)
      throw new InvoiceError('INVALID_FIELD', `a field tag is 5 bits, got ${tag}`, { tag })
    if (words.length > MAX_FIELD_WORDS) {
      throw new InvoiceError(
        'INVALID_FIELD',
        `the ${tagLetter(tag)} field is ${words.length} words, more than the ${MAX_FIELD_WORDS} a field can hold`,
        { field: tagLetter(tag), length: words.length },
      )
    }
    out.push(tag, words.length >> 5, words.length & 31, ...words)
  }
  return out
}
