/**
 * Decoding an invoice: bech32 → human-readable part → timestamp, tagged fields,
 * signature → the payee's key, verified or recovered. Every BOLT #11 reader
 * requirement that makes an invoice unpayable is a thrown InvoiceError.
 */
import { bech32Decode, bech32ValueOf } from '../core/bech32.js'
import { isValidPublicKey, recoverPublicKey, verifyDigest } from '../crypto/secp256k1.js'
import {
  DEFAULT_EXPIRY_SECONDS,
  DEFAULT_MIN_FINAL_CLTV_EXPIRY_DELTA,
  MAX_INVOICE_LENGTH,
  MAX_NUMBER_WORDS,
  SIGNATURE_WORDS,
  TAG,
  TIMESTAMP_WORDS,
} from './constants.js'
import { InvoiceError } from './errors.js'
import { checkInvoiceFeatures } from './features.js'
import { parseHumanReadablePart } from './humanReadablePart.js'
import { Invoice, type FallbackAddress } from './invoice.js'
import { decodeRouteHint, type RouteHint } from './routeHint.js'
import { isLowS, signingDigest } from './signature.js'
import { splitTaggedFields, type TaggedField } from './taggedFields.js'
import { wordsToFeatures, wordsToFieldBytes, wordsToNumber } from './words.js'

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Decodes and checks an invoice (upper or lower case, with or without a
 * `lightning:` prefix). It does not check expiry: see Invoice.isExpired.
 */
export function decodeInvoice(text: string): Invoice {
  if (typeof text !== 'string') throw new InvoiceError('INVALID_BECH32', 'an invoice is a string')
  const trimmed = text.trim().replace(/^lightning:/i, '')
  const { hrp, words } = decodeBech32(trimmed)
  const { network, amountMsat } = parseHumanReadablePart(hrp)
  if (words.length < TIMESTAMP_WORDS + SIGNATURE_WORDS) {
    throw new InvoiceError(
      'TOO_SHORT',
      `the invoice is too short to hold a timestamp and a signature (${words.length} data characters, ` +
        `at least ${TIMESTAMP_WORDS + SIGNATURE_WORDS})`,
    )
  }
  const signedWords = words.slice(0, words.length - SIGNATURE_WORDS)
  const timestamp = wordsToNumber(signedWords.slice(0, TIMESTAMP_WORDS))
  const taggedFields = splitTaggedFields(signedWords.slice(TIMESTAMP_WORDS))
  const fields = readFields(taggedFields)

  const sigBytes = wordsToFieldBytes(words.slice(words.length - SIGNATURE_WORDS), 'signature')
  const signature = sigBytes.slice(0, 64)
  const recoveryId = sigBytes[64]!
  if (recoveryId > 3)
    throw new InvoiceError('INVALID_SIGNATURE', `the signature's recovery id is ${recoveryId}, not 0 to 3`, {
      recoveryId,
    })
  const digest = signingDigest(hrp, signedWords)
  let payee: Uint8Array
  if (fields.payeeNodeId) {
    // BOLT #11: with `n`, verify against it, and refuse high-S (signature malleability)
    if (!isLowS(signature))
      throw new InvoiceError(
        'INVALID_SIGNATURE',
        'the invoice signature is not in low-S form, which BOLT #11 requires when the payee is named (n field)',
      )
    if (!verifyDigest(signature, digest, fields.payeeNodeId))
      throw new InvoiceError('INVALID_SIGNATURE', 'the invoice signature does not match the payee named in its n field')
    payee = fields.payeeNodeId
  } else {
    try {
      payee = recoverPublicKey(signature, recoveryId, digest)
    } catch {
      throw new InvoiceError(
        'INVALID_SIGNATURE',
        'no public key can be recovered from the invoice signature: it is corrupt',
      )
    }
  }

  return new Invoice({
    network,
    amountMsat,
    timestamp,
    paymentHash: fields.paymentHash,
    paymentSecret: fields.paymentSecret,
    description: fields.description,
    descriptionHash: fields.descriptionHash,
    expiry: fields.expiry,
    minFinalCltvExpiryDelta: fields.minFinalCltvExpiryDelta,
    fallbackAddresses: fields.fallbackAddresses,
    routeHints: fields.routeHints,
    features: fields.features,
    paymentMetadata: fields.paymentMetadata,
    payee,
    signature,
    recoveryId,
    humanReadablePart: hrp,
    taggedFields,
  })
}

/**
 * bech32 (BIP 173, not bech32m) without the 90-character limit. The format is
 * checked here first so that whatever bech32Decode still refuses is the checksum.
 */
function decodeBech32(text: string): { hrp: string; words: number[] } {
  if (text.length > MAX_INVOICE_LENGTH)
    throw new InvoiceError(
      'TOO_LONG',
      `the invoice is ${text.length} characters, more than the ${MAX_INVOICE_LENGTH} lnsim accepts`,
      { length: text.length },
    )
  if (text !== text.toLowerCase() && text !== text.toUpperCase())
    throw new InvoiceError('INVALID_BECH32', 'the invoice mixes upper and lower case letters; bech32 is all one case')
  const lower = text.toLowerCase()
  const separator = lower.lastIndexOf('1')
  if (separator < 1)
    throw new InvoiceError(
      'INVALID_BECH32',
      'the invoice has no "1" separating its prefix from its data: it is not bech32',
    )
  if (lower.length - separator - 1 < 6)
    throw new InvoiceError('INVALID_BECH32', 'the invoice is too short to hold a bech32 checksum')
  for (let i = 0; i < separator; i++) {
    const c = lower.charCodeAt(i)
    if (c < 33 || c > 126)
      throw new InvoiceError('INVALID_BECH32', 'the invoice prefix has a character bech32 does not allow')
  }
  for (let i = separator + 1; i < lower.length; i++) {
    if (bech32ValueOf(lower.charCodeAt(i)) === -1) {
      const ch = String.fromCodePoint(lower.codePointAt(i)!)
      throw new InvoiceError(
        'INVALID_BECH32',
        `the invoice has the character "${ch}", which bech32 does not use (no 1, b, i or o after the separator)`,
        { character: ch },
      )
    }
  }
  let decoded: ReturnType<typeof bech32Decode>
  try {
    decoded = bech32Decode(lower, MAX_INVOICE_LENGTH)
  } catch {
    throw new InvoiceError('INVALID_CHECKSUM', 'the invoice checksum does not match: it was mistyped or cut short')
  }
  if (decoded.variant !== 'bech32')
    throw new InvoiceError('INVALID_CHECKSUM', 'the invoice has a bech32m checksum; BOLT #11 invoices use bech32')
  return decoded
}

interface Fields {
  paymentHash: Uint8Array
  paymentSecret: Uint8Array
  description: string | null
  descriptionHash: Uint8Array | null
  expiry: number
  minFinalCltvExpiryDelta: number
  fallbackAddresses: FallbackAddress[]
  routeHints: RouteHint[]
  features: Uint8Array
  paymentMetadata: Uint8Array | null
  payeeNodeId: Uint8Array | null
}

/**
 * Reads the fields BOLT #11 defines. Where one appears twice the first counts
 * (the writer puts its preferred one first); `f` and `r` may repeat.
 * Fixed-length fields (p, s, h, n) of another length are skipped, as BOLT #11 required
 * until 2025 and as its "fields which must be ignored" example still shows.
 */
function readFields(taggedFields: readonly TaggedField[]): Fields {
  const first = new Map<number, readonly number[]>()
  const fallbackAddresses: FallbackAddress[] = []
  const routeHints: RouteHint[] = []
  for (const { tag, words } of taggedFields) {
    switch (tag) {
      case TAG.paymentHash:
      case TAG.paymentSecret:
      case TAG.descriptionHash:
        if (words.length === 52 && !first.has(tag)) first.set(tag, words)
        break
      case TAG.payeeNodeId:
        if (words.length === 53 && !first.has(tag)) first.set(tag, words)
        break
      case TAG.description:
      case TAG.expiry:
      case TAG.minFinalCltvExpiryDelta:
      case TAG.features:
      case TAG.paymentMetadata:
        if (!first.has(tag)) first.set(tag, words)
        break
      case TAG.fallbackAddress: {
        const version = words[0]
        // versions 19–31 are for future address types: skipped (BOLT #11)
        if (version !== undefined && version <= 18)
          fallbackAddresses.push({ version, program: wordsToFieldBytes(words.slice(1), 'f') })
        break
      }
      case TAG.routeHint:
        routeHints.push(decodeRouteHint(wordsToFieldBytes(words, 'r')))
        break
      default:
        // unknown fields are skipped: it's OK to be odd
        break
    }
  }

  const bytesOf = (tag: number, letter: string): Uint8Array | null => {
    const words = first.get(tag)
    return words === undefined ? null : wordsToFieldBytes(words, letter)
  }
  const numberOf = (tag: number, letter: string, fallback: number): number => {
    const words = first.get(tag)
    if (words === undefined) return fallback
    checkMinimal(words, letter)
    if (words.length > MAX_NUMBER_WORDS)
      throw new InvoiceError(
        'INVALID_FIELD',
        `the ${letter} field holds a number too large to be meant (${words.length} words)`,
        { field: letter },
      )
    return wordsToNumber(words)
  }

  const paymentHash = bytesOf(TAG.paymentHash, 'p')
  if (!paymentHash)
    throw new InvoiceError('MISSING_PAYMENT_HASH', 'the invoice has no payment hash (p field): it cannot be paid')
  const paymentSecret = bytesOf(TAG.paymentSecret, 's')
  if (!paymentSecret)
    throw new InvoiceError(
      'MISSING_PAYMENT_SECRET',
      'the invoice has no payment secret (s field), which BOLT #11 requires: ask the payee for a current invoice',
    )
  const descriptionBytes = bytesOf(TAG.description, 'd')
  const descriptionHash = bytesOf(TAG.descriptionHash, 'h')
  if (!descriptionBytes && !descriptionHash)
    throw new InvoiceError(
      'MISSING_DESCRIPTION',
      'the invoice has neither a description (d field) nor a description hash (h field)',
    )
  if (descriptionBytes && descriptionHash)
    throw new InvoiceError(
      'AMBIGUOUS_DESCRIPTION',
      'the invoice has both a description (d field) and a description hash (h field); BOLT #11 allows one',
    )
  let description: string | null = null
  if (descriptionBytes) {
    try {
      description = utf8Decoder.decode(descriptionBytes)
    } catch {
      throw new InvoiceError('INVALID_FIELD', 'the invoice description (d field) is not valid UTF-8', { field: 'd' })
    }
  }
  const featureWords = first.get(TAG.features) ?? []
  checkMinimal(featureWords, '9')
  const features = wordsToFeatures(featureWords)
  checkInvoiceFeatures(features)
  const payeeNodeId = bytesOf(TAG.payeeNodeId, 'n')
  if (payeeNodeId && !isValidPublicKey(payeeNodeId))
    throw new InvoiceError('INVALID_PAYEE_NODE_ID', 'the payee node id (n field) is not a valid public key')

  return {
    paymentHash,
    paymentSecret,
    description,
    descriptionHash,
    expiry: numberOf(TAG.expiry, 'x', DEFAULT_EXPIRY_SECONDS),
    minFinalCltvExpiryDelta: numberOf(TAG.minFinalCltvExpiryDelta, 'c', DEFAULT_MIN_FINAL_CLTV_EXPIRY_DELTA),
    fallbackAddresses,
    routeHints,
    features,
    paymentMetadata: bytesOf(TAG.paymentMetadata, 'm'),
    payeeNodeId,
  }
}

/** BOLT #11: a c, x or 9 field that begins with a zero word SHOULD make the invoice invalid. */
function checkMinimal(words: readonly number[], letter: string): void {
  if (words[0] === 0)
    throw new InvoiceError(
      'NON_MINIMAL_FIELD',
      `the ${letter} field starts with a zero word; BOLT #11 requires the shortest encoding`,
      { field: letter },
    )
}
