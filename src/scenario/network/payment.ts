/**
 * One payment between two nodes of the network, the way a person makes one:
 * the payee creates a BOLT #11 invoice (a hold invoice if asked), the payer pays
 * it and waits; or the payer sends it by keysend, with no invoice. Whatever
 * happens becomes an outcome (a failed payment is a result, not an error), so
 * expectations and the report can count it.
 */
import { NodeApiError } from '../../api/node/client.js'
import { errorMessage } from '../../core/errors.js'
import type { InvoiceInfo, PaymentInfo, RouteHop } from '../../api/node/types.js'
import type { NetworkNode } from './networkNode.js'
import type { PaymentOutcome } from './observer.js'

export interface PayOptions {
  /** the pay step's or traffic step's id, recorded in the outcome */
  id?: string
  source?: PaymentOutcome['source']
  timeoutSeconds?: number
  maxFeeMsat?: bigint
  /** the most parts the payment may be split into; 1 never splits it. @default the node's (16) */
  maxParts?: number
  /** pay with keysend: no invoice, the preimage travels in the onion */
  keysend?: boolean
  /** the payee makes a hold invoice; `onHoldInvoice` hears of it before the payment starts */
  hold?: boolean
  onHoldInvoice?: (invoice: InvoiceInfo) => void
  memo?: string
  /** gives up waiting for the outcome (the payment itself may still complete) */
  signal?: AbortSignal
}

/** How a route's node ids and short channel ids read in the scenario's words. */
export interface RouteNames {
  nameOf(nodeId: string): string
  channelNameOf?(shortChannelId: string): string
}

export async function payBetween(
  names: RouteNames,
  from: NetworkNode,
  to: NetworkNode,
  amountMsat: bigint,
  options: PayOptions = {},
): Promise<PaymentOutcome> {
  const startedAt = Date.now()
  const base = {
    id: options.id ?? null,
    source: options.source ?? 'script',
    from: from.name,
    to: to.name,
    amountMsat,
    startedAt,
    ...(options.keysend ? { keysend: true } : {}),
  }
  let paymentHash: string | null = null
  const routeOf = (hops: readonly RouteHop[]) => ({
    route: hops.length > 0 ? [from.name, ...hops.map((h) => names.nameOf(h.nodeId))] : [],
    routeChannels: hops.map((h) => names.channelNameOf?.(h.shortChannelId) ?? h.shortChannelId),
  })
  try {
    const limits = {
      timeoutSeconds: options.timeoutSeconds ?? 60,
      ...(options.maxFeeMsat !== undefined ? { maxFeeMsat: options.maxFeeMsat } : {}),
    }
    const call = options.signal ? { signal: options.signal } : {}
    let p: PaymentInfo
    if (options.keysend) {
      p = await from.client.keysend({ nodeId: to.nodeId, amountMsat, ...limits }, call)
    } else {
      const invoice = await to.client.createInvoice({
        amountMsat,
        memo: options.memo ?? `${from.name} pays ${to.name}`,
        expirySeconds: 3600,
        ...(options.hold ? { hold: true } : {}),
      })
      paymentHash = invoice.paymentHash
      if (options.hold) options.onHoldInvoice?.(invoice)
      p = await from.client.pay(
        {
          invoice: invoice.invoice,
          ...limits,
          ...(options.maxParts !== undefined ? { maxParts: options.maxParts } : {}),
        },
        call,
      )
    }
    const succeeded = p.status === 'succeeded'
    return {
      ...base,
      status: succeeded ? 'succeeded' : 'failed',
      code: succeeded ? null : (p.failure?.code ?? (p.status === 'pending' ? 'PENDING' : 'UNKNOWN')),
      message: succeeded ? null : (p.failure?.message ?? `the payment is ${p.status}`),
      feeMsat: succeeded ? p.feeMsat : 0n,
      ...routeOf(p.route),
      parts: succeeded
        ? p.parts.map((part) => ({ ...routeOf(part.route), amountMsat: part.amountMsat, feeMsat: part.feeMsat }))
        : [],
      attempts: p.attempts,
      latencyMs: p.latencyMs ?? Date.now() - startedAt,
      paymentHash: p.paymentHash,
    }
  } catch (err) {
    return {
      ...base,
      status: 'failed',
      code: err instanceof NodeApiError ? err.code : 'ERROR',
      message: errorMessage(err),
      feeMsat: 0n,
      route: [],
      attempts: 0,
      latencyMs: Date.now() - startedAt,
      paymentHash,
    }
  }
}
