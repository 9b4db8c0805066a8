/** The invoices a node issued: all of them (lncli `listinvoices`), or one by its payment hash (`lookupinvoice`). */
import type { InvoiceInfo } from '../../api/node/types.js'
import type { CommandSpec } from '../command.js'
import { NODE_OPTIONS, formatMsat, nodeClient } from './nodeTarget.js'

function invoiceLine(i: InvoiceInfo): string {
  const amount = i.amountMsat === null ? 'any amount' : formatMsat(i.amountMsat)
  const paid =
    (i.status === 'paid' || i.status === 'accepted') && i.paidMsat !== null
      ? ` (received ${formatMsat(i.paidMsat)})`
      : ''
  const hold = i.hold ? '  (hold invoice)' : ''
  return `${i.status.padEnd(8)} ${i.paymentHash.slice(0, 16)}… ${amount}${paid}${i.memo ? `  "${i.memo}"` : ''}${hold}`
}

const invoicesCommand: CommandSpec = {
  path: ['invoices'],
  summary: 'List the invoices this node issued: open, paid or expired',
  options: NODE_OPTIONS,
  examples: ['lnsim invoices --node bob', 'lnsim invoices --json'],
  async run({ options, out }) {
    const invoices = await (await nodeClient(options)).invoices()
    out.result(invoices, () => (invoices.length ? invoices.map(invoiceLine).join('\n') : 'no invoices'))
  },
}

const lookupInvoiceCommand: CommandSpec = {
  path: ['lookupinvoice'],
  summary: 'Show one invoice this node issued, by its payment hash',
  positionals: [
    { name: 'PAYMENT_HASH', description: "the invoice's payment hash (hex), as `lnsim invoices` shows it" },
  ],
  options: NODE_OPTIONS,
  examples: ['lnsim lookupinvoice 9f2c…e1 --node bob'],
  async run({ args, options, out }) {
    const i = await (await nodeClient(options)).invoice(args[0]!.toLowerCase())
    out.result(i, () =>
      [
        invoiceLine(i),
        `  payment hash: ${i.paymentHash}`,
        `  created:      ${i.createdAt}, expires ${i.expiresAt}`,
        ...(i.paidAt ? [`  paid:         ${i.paidAt}`] : []),
        `  invoice:      ${i.invoice}`,
      ].join('\n'),
    )
  },
}

export const invoiceCommands: CommandSpec[] = [invoicesCommand, lookupInvoiceCommand]
