/** BOLT #11 human-readable part: `ln` + currency prefix + optional amount, e.g. `lnbcrt2500u`. */
import type { Msat } from '../core/amount.js'
import { formatInvoiceAmount, parseInvoiceAmount } from './amount.js'
import { NETWORKS, type InvoiceNetwork } from './constants.js'
import { InvoiceError } from './errors.js'

export interface HumanReadablePart {
  network: InvoiceNetwork
  amountMsat: Msat | null
}

export function isInvoiceNetwork(value: string): value is InvoiceNetwork {
  return (NETWORKS as readonly string[]).includes(value)
}

/** `hrp` is lower case, as bech32 decoding returns it. */
export function parseHumanReadablePart(hrp: string): HumanReadablePart {
  // the amount starts with a digit, so the currency prefix is every letter before it
  const m = /^ln([a-z]*)(.*)$/.exec(hrp)
  if (!m)
    throw new InvoiceError('NOT_AN_INVOICE', `"${hrp}" does not start with "ln": this is not a Lightning invoice`, {
      prefix: hrp,
    })
  const [, network, amount] = m as unknown as [string, string, string]
  if (!isInvoiceNetwork(network)) {
    throw new InvoiceError(
      'UNKNOWN_NETWORK',
      `unknown invoice network "ln${network}" (known: ${NETWORKS.map((n) => `ln${n}`).join(', ')})`,
      { network },
    )
  }
  return { network, amountMsat: parseInvoiceAmount(amount) }
}

export function formatHumanReadablePart(network: InvoiceNetwork, amountMsat: Msat | null): string {
  if (!isInvoiceNetwork(network))
    throw new InvoiceError(
      'UNKNOWN_NETWORK',
      `unknown invoice network "${String(network)}" (known: ${NETWORKS.join(', ')})`,
      { network },
    )
  return `ln${network}${amountMsat === null ? '' : formatInvoiceAmount(amountMsat)}`
}
