/**
 * BOLT #11 invoices: decode (with signature verification or payee key
 * recovery) and encode (signed by the payee's node key).
 * https://github.com/lightning/bolts/blob/master/11-payment-encoding.md
 *
 * @example
 * ```ts
 * import { decodeInvoice, encodeInvoice } from '../invoice/index.js'
 *
 * const text = encodeInvoice({
 *   network: 'bcrt',
 *   amountMsat: 50_000_000n,
 *   timestamp: Math.floor(Date.now() / 1000),
 *   paymentHash: sha256(preimage),
 *   paymentSecret,
 *   description: 'coffee',
 *   expiry: 600,
 * }, nodePrivateKey)
 *
 * const invoice = decodeInvoice(text) // throws InvoiceError with a code saying why
 * invoice.payee          // the node id that signed it
 * invoice.isExpired()    // against the clock, in unix seconds
 * ```
 */
export {
  DEFAULT_EXPIRY_SECONDS,
  DEFAULT_MIN_FINAL_CLTV_EXPIRY_DELTA,
  MAX_INVOICE_LENGTH,
  NETWORKS,
  type InvoiceNetwork,
} from './constants.js'
export { InvoiceError, type InvoiceErrorCode } from './errors.js'
export {
  DEFAULT_INVOICE_FEATURES,
  INVOICE_FEATURE_BITS,
  hasFeatureBit,
  hasInvoiceFeature,
  listFeatureBits,
  type InvoiceFeatureName,
} from './features.js'
export { Invoice, type FallbackAddress, type InvoiceData } from './invoice.js'
export type { RouteHint, RouteHintHop } from './routeHint.js'
export type { TaggedField } from './taggedFields.js'
export { decodeInvoice } from './decode.js'
export { encodeInvoice, signInvoice, type InvoiceFields, type UnsignedInvoice } from './encode.js'
export { formatInvoiceAmount, parseInvoiceAmount } from './amount.js'
