/** The node's two uses of BOLT #11: writing its own invoices and reading the ones it pays. */
import { decodeInvoice, encodeInvoice } from '../../../invoice/index.js'
import type { RouteHint } from '../../../routing/routeHint.js'
import type { InvoiceFields } from './invoiceRegistry.js'
import type { InvoiceToPay } from '../outbound/paymentSender.js'

/** Our private channels as route hints (BOLT #11 `r`), for an invoice of this amount. */
export interface RouteHintSource {
  routeHints(amountMsat: bigint | null): RouteHint[]
}

/** lnsim's chain is a regtest: invoices are `lnbcrt…`. */
export const INVOICE_NETWORK = 'bcrt'

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
  }
}
