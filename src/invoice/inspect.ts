/**
 * What a BOLT #11 invoice says, for people and scripts: its fields as JSON (hex
 * for bytes, decimal strings for msat, HxTxO for channel ids) and as a summary,
 * after decoding checked its checksum, fields and signature. The entry point
 * `lnsim invoice decode` runs.
 */
import { formatMsatInSat as formatMsat } from '../core/amount.js'
import { toHex } from '../core/bytes.js'
import { formatScid } from '../core/shortChannelId.js'
import type { InvoiceNetwork } from './constants.js'
import { decodeInvoice } from './decode.js'
import { INVOICE_FEATURE_BITS, listFeatureBits } from './features.js'
import type { Invoice } from './invoice.js'

/** Decodes `text` (throws InvoiceError saying why) and describes it; `now` in unix seconds, for the expiry. */
export function inspectInvoice(text: string, now: number): { json: Record<string, unknown>; summary: string } {
  const invoice = decodeInvoice(text)
  return { json: invoiceJson(invoice, now), summary: invoiceSummary(invoice, now) }
}

const NETWORK_NAMES: Record<InvoiceNetwork, string> = {
  bc: 'mainnet',
  tb: 'testnet',
  tbs: 'signet',
  bcrt: 'regtest',
  sb: 'simnet',
}

/** The invoice as JSON: hex for bytes, decimal strings for msat, HxTxO for channel ids. */
export function invoiceJson(invoice: Invoice, now: number): Record<string, unknown> {
  return {
    network: invoice.network,
    amountMsat: invoice.amountMsat === null ? null : invoice.amountMsat.toString(),
    timestamp: invoice.timestamp,
    expiry: invoice.expiry,
    expiresAt: invoice.expiresAt,
    expired: invoice.isExpired(now),
    paymentHash: toHex(invoice.paymentHash),
    paymentSecret: toHex(invoice.paymentSecret),
    description: invoice.description,
    descriptionHash: invoice.descriptionHash && toHex(invoice.descriptionHash),
    minFinalCltvExpiryDelta: invoice.minFinalCltvExpiryDelta,
    payee: toHex(invoice.payee),
    features: { hex: toHex(invoice.features), bits: listFeatureBits(invoice.features) },
    routeHints: invoice.routeHints.map((hint) =>
      hint.map((hop) => ({
        nodeId: toHex(hop.nodeId),
        shortChannelId: formatScid(hop.shortChannelId),
        feeBaseMsat: hop.feeBaseMsat.toString(),
        feeProportionalMillionths: hop.feeProportionalMillionths,
        cltvExpiryDelta: hop.cltvExpiryDelta,
      })),
    ),
    fallbackAddresses: invoice.fallbackAddresses.map((f) => ({ version: f.version, program: toHex(f.program) })),
    paymentMetadata: invoice.paymentMetadata && toHex(invoice.paymentMetadata),
    signature: toHex(invoice.signature),
    recoveryId: invoice.recoveryId,
  }
}

function featureLabel(bit: number): string {
  for (const [name, [required, optional]] of Object.entries(INVOICE_FEATURE_BITS)) {
    if (bit === required) return `${bit} ${name} (required)`
    if (bit === optional) return `${bit} ${name} (optional)`
  }
  return `${bit} (unknown, optional)`
}

function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z')
}

export function invoiceSummary(invoice: Invoice, now: number): string {
  const rows: Array<[string, string]> = [
    ['network', `${invoice.network} (${NETWORK_NAMES[invoice.network]})`],
    [
      'amount',
      invoice.amountMsat === null
        ? 'any (the payer chooses)'
        : `${invoice.amountMsat.toLocaleString('en-US')} msat (${formatMsat(invoice.amountMsat)})`,
    ],
    ['payee', toHex(invoice.payee)],
    ['payment hash', toHex(invoice.paymentHash)],
    ['payment secret', toHex(invoice.paymentSecret)],
    // JSON quoting escapes control characters: a description cannot drive the terminal
    invoice.description !== null
      ? ['description', JSON.stringify(invoice.description)]
      : ['description hash', toHex(invoice.descriptionHash!)],
    ['created', isoTime(invoice.timestamp)],
    [
      'expires',
      `${isoTime(invoice.expiresAt)} (after ${invoice.expiry} s)${invoice.isExpired(now) ? ' — EXPIRED' : ''}`,
    ],
    ['min final CLTV', `${invoice.minFinalCltvExpiryDelta} blocks`],
    ['features', listFeatureBits(invoice.features).map(featureLabel).join(', ') || 'none'],
  ]
  invoice.routeHints.forEach((hint, i) => {
    rows.push([
      `route hint ${i + 1}`,
      hint
        .map(
          (hop) =>
            `${toHex(hop.nodeId)} via ${formatScid(hop.shortChannelId)}: fee ${hop.feeBaseMsat} msat ` +
            `+ ${hop.feeProportionalMillionths} ppm, CLTV delta ${hop.cltvExpiryDelta}`,
        )
        .join('\n                 then '),
    ])
  })
  for (const f of invoice.fallbackAddresses) rows.push(['fallback', `version ${f.version}, ${toHex(f.program)}`])
  if (invoice.paymentMetadata) rows.push(['metadata', toHex(invoice.paymentMetadata)])
  return rows.map(([k, v]) => `${k.padEnd(16)} ${v}`).join('\n')
}
