/** The node's two uses of BOLT #11: writing its own invoices and reading the ones it pays. */
import { decodeInvoice, encodeInvoice } from '../../../invoice/index.js'
import { INVOICE_FEATURE_BITS, hasInvoiceFeature } from '../../../invoice/features.js'
import { featureBits } from '../../../wire/features.js'
import type { RouteHint } from '../../../routing/routeHint.js'
import type { InvoiceFields } from './invoiceRegistry.js'
import type { InvoiceToPay } from '../outbound/paymentSender.js'

/** Our private channels as route hints (BOLT #11 `r`), for an invoice of this amount. */
export interface RouteHintSource {
  routeHints(amountMsat: bigint | null): RouteHint[]
}

/** lnsim's chain is a regtest: invoices are `lnbcrt…`. */
export const INVOICE_NETWORK = 'bcrt'

/** What our invoices offer: var_onion_optin and payment_secret required, multi-part payments welcome. */
const OUR_INVOICE_FEATURES = featureBits(
  INVOICE_FEATURE_BITS.var_onion_optin[0],
  INVOICE_FEATURE_BITS.payment_secret[0],
  INVOICE_FEATURE_BITS.basic_mpp[1],
)

export function invoiceEncoder(
  nodeSecret: Uint8Array,
  payeeNodeId: Uint8Array,
  hints: RouteHintSource,
): (fields: InvoiceFields) => string {
  return (f) =>
    encodeInvoice(
      {
        network: INVOICE_NETWORK,
        amountMsat: f.amountMsat,
        timestamp: f.timestamp,
        paymentHash: f.paymentHash,
        paymentSecret: f.paymentSecret,
        description: f.memo,
        expiry: f.expirySeconds,
        minFinalCltvExpiryDelta: f.minFinalCltvExpiryDelta,
        payeeNodeId,
        features: OUR_INVOICE_FEATURES,
        routeHints: hints.routeHints(f.amountMsat),
      },
      nodeSecret,
    )
}

export function decodeInvoiceToPay(text: string): InvoiceToPay {
  const inv = decodeInvoice(text.trim())
  return {
    network: inv.network,
    paymentHash: inv.paymentHash,
    paymentSecret: inv.paymentSecret,
    amountMsat: inv.amountMsat,
    payee: inv.payee,
    minFinalCltvExpiryDelta: inv.minFinalCltvExpiryDelta,
    routeHints: inv.routeHints,
    expiresAt: inv.expiresAt * 1000,
    multiPart: hasInvoiceFeature(inv.features, 'basic_mpp'),
  }
}
