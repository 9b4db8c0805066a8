/**
 * BOLT #11 numbers: field tags, defaults and bounds.
 * https://github.com/lightning/bolts/blob/master/11-payment-encoding.md
 */

/** Currency prefixes after `ln`: mainnet, testnet, signet, regtest (lnsim's own chain) and simnet. */
export const NETWORKS = ['bc', 'tb', 'tbs', 'bcrt', 'sb'] as const
export type InvoiceNetwork = (typeof NETWORKS)[number]

/** Tagged field types (5 bits), named by the letter that encodes them. */
export const TAG = {
  paymentHash: 1, // p
  routeHint: 3, // r
  features: 5, // 9
  expiry: 6, // x
  fallbackAddress: 9, // f
  description: 13, // d
  paymentSecret: 16, // s
  payeeNodeId: 19, // n
  descriptionHash: 23, // h
  minFinalCltvExpiryDelta: 24, // c
  paymentMetadata: 27, // m
} as const

/** BOLT #11: used when an invoice has no `x` field. */
export const DEFAULT_EXPIRY_SECONDS = 3600
/** BOLT #11: used when an invoice has no `c` field. */
export const DEFAULT_MIN_FINAL_CLTV_EXPIRY_DELTA = 18

/** 35-bit timestamp, 5-bit words. */
export const TIMESTAMP_WORDS = 7
/** 64-byte compact signature + 1-byte recovery id = 520 bits. */
export const SIGNATURE_WORDS = 104
/** `data_length` is 10 bits. */
export const MAX_FIELD_WORDS = 1023
/** A `d` field holds at most 1023 × 5 bits. */
export const MAX_DESCRIPTION_BYTES = 639

/**
 * BIP 173's 90-character limit does not apply to invoices (BOLT #11); this bound only
 * keeps decoding finite. It is well past what a QR code holds (4,296 characters).
 */
export const MAX_INVOICE_LENGTH = 8192

/** Numeric fields (`x`, `c`) longer than this many words would not fit a safe integer. */
export const MAX_NUMBER_WORDS = 10
