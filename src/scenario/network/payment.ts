/**
 * One payment between two nodes of the network, the way a person makes one:
 * the payee creates a BOLT #11 invoice, the payer pays it and waits. Whatever
 * happens becomes an outcome (a failed payment is a result, not an error), so
 * expectations and the report can count it.
 */
import { NodeApiError } from '../../api/node/client.js'
import { errorMessage } from '../../core/errors.js'
import type { NetworkNode } from './networkNode.js'
import type { PaymentOutcome } from './observer.js'

export interface PayOptions {
  /** the pay step's or traffic step's id, recorded in the outcome */
  id?: string
  source?: PaymentOutcome['source']
  timeoutSeconds?: number
  maxFeeMsat?: bigint
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
  }
  let paymentHash: string | null = null
  try {
    const invoice = await to.client.createInvoice({
      amountMsat,
      memo: options.memo ?? `${from.name} pays ${to.name}`,
      expirySeconds: 3600,
    })
    paymentHash = invoice.paymentHash
    const p = await from.client.pay(
      {
        invoice: invoice.invoice,
        timeoutSeconds: options.timeoutSeconds ?? 60,
        ...(options.maxFeeMsat !== undefined ? { maxFeeMsat: options.maxFeeMsat } : {}),
      },
      options.signal ? { signal: options.signal } : {},
    )
    return {
      ...base,
      status: p.status === 'succeeded' ? 'succeeded' : 'failed',
      code: p.status === 'succeeded' ? null : (p.failure?.code ?? (p.status === 'pending' ? 'PENDING' : 'UNKNOWN')),
      message: p.status === 'succeeded' ? null : (p.failure?.message ?? `the payment is ${p.status}`),
      feeMsat: p.status === 'succeeded' ? p.feeMsat : 0n,
      route: p.route.length > 0 ? [from.name, ...p.route.map((h) => names.nameOf(h.nodeId))] : [],
      routeChannels: p.route.map((h) => names.channelNameOf?.(h.shortChannelId) ?? h.shortChannelId),
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
