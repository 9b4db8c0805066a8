/** A decoded, signature-checked BOLT #11 invoice. */
import type { Msat } from '../core/amount.js'
import type { InvoiceNetwork } from './constants.js'
import { hasInvoiceFeature, type InvoiceFeatureName } from './features.js'
import type { RouteHint } from './routeHint.js'
import type { TaggedField } from './taggedFields.js'

/**
 * An `f` field: a witness version (0–16) and program, or 17 (P2PKH) / 18 (P2SH) and a hash. Kept raw: lnsim's chain has
 * no Bitcoin addresses.
 */
export interface FallbackAddress {
  version: number
  program: Uint8Array
}

export interface InvoiceData {
  network: InvoiceNetwork
  /** null when the invoice names no amount and the payer chooses. */
  amountMsat: Msat | null
  /** unix seconds */
  timestamp: number
  paymentHash: Uint8Array
  paymentSecret: Uint8Array
  /** Exactly one of description and descriptionHash is set. */
  description: string | null
  descriptionHash: Uint8Array | null
  /** seconds after `timestamp` */
  expiry: number
  minFinalCltvExpiryDelta: number
  fallbackAddresses: FallbackAddress[]
  /** Each hint is one private route to the payee, most preferred first. */
  routeHints: RouteHint[]
  /** BOLT #9 bit vector (as src/wire/features.ts reads it); empty when the invoice has no `9` field. */
  features: Uint8Array
  paymentMetadata: Uint8Array | null
  /** The payee's node id (33 bytes): the `n` field, or recovered from the signature. */
  payee: Uint8Array
  /** 64 bytes r || s */
  signature: Uint8Array
  recoveryId: number
  /** e.g. `lnbcrt2500u`, lower case. */
  humanReadablePart: string
  /** Every tagged field as written and signed, in order, unknown and skipped ones included. */
  taggedFields: readonly TaggedField[]
}

// the class carries the data fields (readonly) by declaration merging; the constructor copies them in
export interface Invoice extends Readonly<InvoiceData> {}

export class Invoice {
  constructor(data: InvoiceData) {
    Object.assign(this, data)
  }

  /** unix seconds after which the payee no longer accepts payment. */
  get expiresAt(): number {
    return this.timestamp + this.expiry
  }

  /** `now` in unix seconds (not milliseconds). */
  isExpired(now: number = Math.floor(Date.now() / 1000)): boolean {
    return now >= this.expiresAt
  }

  hasFeature(name: InvoiceFeatureName): boolean {
    return hasInvoiceFeature(this.features, name)
  }
}
