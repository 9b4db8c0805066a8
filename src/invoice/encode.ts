/**
 * Writing and signing an invoice. encodeInvoice builds the fields from typed
 * values; signInvoice signs fields exactly as given (it re-signs a decoded
 * invoice byte for byte).
 */
import type { Msat } from '../core/amount.js'
import { bech32Encode, bytesToWords } from '../core/bech32.js'
import { bytesEqual, utf8 } from '../core/bytes.js'
import { publicKeyOf, signRecoverable } from '../crypto/secp256k1.js'
import {
  DEFAULT_MIN_FINAL_CLTV_EXPIRY_DELTA,
  MAX_DESCRIPTION_BYTES,
  MAX_INVOICE_LENGTH,
  MAX_NUMBER_WORDS,
  TAG,
  TIMESTAMP_WORDS,
  type InvoiceNetwork,
} from './constants.js'
import { InvoiceError } from './errors.js'
import { checkInvoiceFeatures, DEFAULT_INVOICE_FEATURES } from './features.js'
import { formatHumanReadablePart, parseHumanReadablePart } from './humanReadablePart.js'
import type { FallbackAddress } from './invoice.js'
import { encodeRouteHint, type RouteHint } from './routeHint.js'
import { signingDigest } from './signature.js'
import { joinTaggedFields, type TaggedField } from './taggedFields.js'
import { featuresToWords, fieldBytesToWords, numberToWords } from './words.js'

export interface InvoiceFields {
  network: InvoiceNetwork
  /** Omitted or null: the payer chooses the amount. */
  amountMsat?: Msat | null
  /** unix seconds */
  timestamp: number
  paymentHash: Uint8Array
  paymentSecret: Uint8Array
  /** Exactly one of description and descriptionHash. */
  description?: string
  descriptionHash?: Uint8Array
  /** Seconds; omitted: no `x` field, which readers take as 3600. */
  expiry?: number
  /** Omitted: 18, written out all the same (BOLT #11 says a writer SHOULD include `c`). */
  minFinalCltvExpiryDelta?: number
  /** Omitted: DEFAULT_INVOICE_FEATURES; empty: no `9` field. */
  features?: Uint8Array
  routeHints?: RouteHint[]
  fallbackAddresses?: FallbackAddress[]
  paymentMetadata?: Uint8Array
  /** Adds an `n` field so payers verify instead of recovering the key; must be the signing key's public key. */
  payeeNodeId?: Uint8Array
}

/** The part of an invoice its signature covers, as Invoice keeps it. */
export interface UnsignedInvoice {
  humanReadablePart: string
  timestamp: number
  taggedFields: readonly TaggedField[]
}

const MAX_NUMBER = 2 ** (5 * MAX_NUMBER_WORDS) - 1

/** A signed invoice for `fields`, by the node whose key is `privateKey`. */
export function encodeInvoice(fields: InvoiceFields, privateKey: Uint8Array): string {
  const tagged: TaggedField[] = []
  const add = (tag: number, words: number[]): void => {
    tagged.push({ tag, words })
  }
  add(TAG.paymentHash, fieldBytesToWords(bytes32(fields.paymentHash, 'paymentHash', 'p')))
  add(TAG.paymentSecret, fieldBytesToWords(bytes32(fields.paymentSecret, 'paymentSecret', 's')))
  if (fields.description !== undefined && fields.descriptionHash !== undefined) {
    throw new InvoiceError('AMBIGUOUS_DESCRIPTION', 'give either description or descriptionHash, not both')
  }
  if (fields.description !== undefined) {
    const bytes = utf8(fields.description)
    if (bytes.length > MAX_DESCRIPTION_BYTES) {
      throw new InvoiceError(
        'INVALID_FIELD',
        `the description is ${bytes.length} bytes, more than the ${MAX_DESCRIPTION_BYTES} an invoice holds: ` +
          'use descriptionHash instead',
        { field: 'd' },
      )
    }
    add(TAG.description, fieldBytesToWords(bytes))
  } else if (fields.descriptionHash !== undefined) {
    add(TAG.descriptionHash, fieldBytesToWords(bytes32(fields.descriptionHash, 'descriptionHash', 'h')))
  } else {
    throw new InvoiceError('MISSING_DESCRIPTION', 'an invoice needs a description or a descriptionHash')
  }
  if (fields.payeeNodeId !== undefined) {
    if (!(fields.payeeNodeId instanceof Uint8Array) || !bytesEqual(fields.payeeNodeId, publicKeyOf(privateKey))) {
      throw new InvoiceError(
        'INVALID_PAYEE_NODE_ID',
        'payeeNodeId must be the public key of the key that signs the invoice',
      )
    }
    add(TAG.payeeNodeId, fieldBytesToWords(fields.payeeNodeId))
  }
  if (fields.expiry !== undefined) add(TAG.expiry, numberToWords(checkNumber(fields.expiry, 'expiry', 'x')))
  add(
    TAG.minFinalCltvExpiryDelta,
    numberToWords(
      checkNumber(
        fields.minFinalCltvExpiryDelta ?? DEFAULT_MIN_FINAL_CLTV_EXPIRY_DELTA,
        'minFinalCltvExpiryDelta',
        'c',
      ),
    ),
  )
  for (const fallback of fields.fallbackAddresses ?? []) {
    if (!Number.isInteger(fallback.version) || fallback.version < 0 || fallback.version > 18) {
      throw new InvoiceError(
        'INVALID_FIELD',
        `a fallback address version is 0–16 (witness), 17 (P2PKH) or 18 (P2SH), got ${fallback.version}`,
        { field: 'f' },
      )
    }
    add(TAG.fallbackAddress, [fallback.version, ...fieldBytesToWords(fallback.program)])
  }
  for (const hint of fields.routeHints ?? []) add(TAG.routeHint, fieldBytesToWords(encodeRouteHint(hint)))
  const features = fields.features ?? DEFAULT_INVOICE_FEATURES
  checkInvoiceFeatures(features)
  const featureWords = featuresToWords(features)
  if (featureWords.length > 0) add(TAG.features, featureWords)
  if (fields.paymentMetadata !== undefined) add(TAG.paymentMetadata, fieldBytesToWords(fields.paymentMetadata))
  const humanReadablePart = formatHumanReadablePart(fields.network, fields.amountMsat ?? null)
  return signInvoice({ humanReadablePart, timestamp: fields.timestamp, taggedFields: tagged }, privateKey)
}

/** Signs the fields as given, in their order (RFC6979, low-S), and writes the bech32 invoice. */
export function signInvoice(unsigned: UnsignedInvoice, privateKey: Uint8Array): string {
  const { humanReadablePart, timestamp } = unsigned
  parseHumanReadablePart(humanReadablePart) // refuses what no reader would accept
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp >= 2 ** 35) {
    throw new InvoiceError('INVALID_TIMESTAMP', `an invoice timestamp is unix seconds below 2^35, got ${timestamp}`, {
      timestamp,
    })
  }
  const timestampWords = numberToWords(timestamp)
  while (timestampWords.length < TIMESTAMP_WORDS) timestampWords.unshift(0)
  const dataWords = [...timestampWords, ...joinTaggedFields(unsigned.taggedFields)]
  const { signature, recoveryId } = signRecoverable(signingDigest(humanReadablePart, dataWords), privateKey)
  const signatureBytes = new Uint8Array(65)
  signatureBytes.set(signature)
  signatureBytes[64] = recoveryId
  const invoice = bech32Encode(humanReadablePart, [...dataWords, ...bytesToWords(signatureBytes)], 'bech32')
  if (invoice.length > MAX_INVOICE_LENGTH) {
    throw new InvoiceError(
      'TOO_LONG',
      `the invoice would be ${invoice.length} characters, more than the ${MAX_INVOICE_LENGTH} lnsim accepts: ` +
        'shorten the description, metadata or route hints',
      { length: invoice.length },
    )
  }
  return invoice
}

function bytes32(value: Uint8Array, name: string, letter: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== 32)
    throw new InvoiceError('INVALID_FIELD', `${name} must be 32 bytes`, { field: letter })
  return value
}

function checkNumber(value: number, name: string, letter: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_NUMBER)
    throw new InvoiceError('INVALID_FIELD', `${name} must be a whole number from 0 to ${MAX_NUMBER}, got ${value}`, {
      field: letter,
    })
  return value
}
