/**
 * `lnsim invoice decode`: what a BOLT #11 invoice says, after checking its
 * checksum, fields and signature. Works offline; no node needed: the invoice
 * layer's inspectInvoice() runs in this process, as `node start` runs a node.
 */
import { inspectInvoice } from '../../invoice/inspect.js'
import type { CommandSpec } from '../command.js'

export const invoiceDecodeCommand: CommandSpec = {
  path: ['invoice', 'decode'],
  summary: 'Decode and check a BOLT #11 invoice (checksum, fields, signature)',
  description: 'Exits with 1 and the reason on stderr when the invoice is invalid. Expiry is shown, not enforced.',
  positionals: [
    { name: 'INVOICE', description: 'the invoice (lnbcrt…, any BOLT #11 network; a lightning: prefix is fine)' },
  ],
  examples: ['lnsim invoice decode lnbcrt2500u1p…', 'lnsim invoice decode lnbcrt2500u1p… --json'],
  async run({ args, out }) {
    const { json, summary } = inspectInvoice(args[0]!, Math.floor(Date.now() / 1000))
    out.result(json, () => summary)
  },
}
