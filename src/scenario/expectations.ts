/**
 * Expectations become verdicts: each is evaluated on its own and recorded, so
 * one that fails never hides the others. A verdict names what was expected
 * and says what was seen.
 */
import { errorMessage } from '../core/errors.js'
import { describeCondition, evaluateCondition, formatMsat } from './conditions.js'
import type { Network } from './network.js'
import type { PaymentOutcome, Verdict } from './observer.js'
import type { Expectation, PaymentCheck } from './schema.js'
import type { TrafficResult } from './traffic.js'
import { compare, formatComparison } from './values.js'


/** What the steps produced, for expectations that refer to a step by id. */
export interface StepRecords {
  payments: Map<string, PaymentOutcome>
  traffic: Map<string, TrafficResult>
}

export function describePaymentCheck(check: PaymentCheck): string {
  const status = check.status ?? (check.code !== undefined ? 'failed' : undefined)
  return [
    status ?? 'went',
    check.code !== undefined ? `with ${check.code}` : '',
    check.hops ? `over ${check.hops.op === '==' ? check.hops.value : formatComparison(check.hops)} hop(s)` : '',
    check.route ? `via ${check.route.join(' → ')}` : '',
    check.feeMsat ? `paying ${formatComparison(check.feeMsat)} msat in fees` : '',
  ]
    .filter(Boolean)
    .join(' ')
}

export function describeOutcome(o: PaymentOutcome): string {
  if (o.status === 'succeeded') return `succeeded via ${o.route.join(' → ')} (${Math.max(0, o.route.length - 1)} hop(s), fee ${formatMsat(o.feeMsat)}, ${o.latencyMs} ms)`
  return `failed with ${o.code}${o.message ? `: ${o.message}` : ''}${o.route.length ? ` (last route ${o.route.join(' → ')})` : ''}`
}

export function checkPayment(o: PaymentOutcome, check: PaymentCheck): boolean {
  const status = check.status ?? (check.code !== undefined ? 'failed' : undefined)
  const hops = BigInt(Math.max(0, o.route.length - 1))
  return (
    (status === undefined || o.status === status) &&
    (check.code === undefined || o.code === check.code) &&
    (check.hops === undefined || (o.route.length > 0 && compare(hops, check.hops))) &&
    (check.route === undefined || o.route.join('/') === check.route.join('/')) &&
    (check.feeMsat === undefined || compare(o.feeMsat, check.feeMsat))
  )
}

export function paymentVerdict(o: PaymentOutcome | undefined, label: string, check: PaymentCheck, source: string): Verdict {
  const name = `payment ${label} ${describePaymentCheck(check)}`
  if (!o) return { name, ok: false, detail: 'the payment was never made (an earlier step failed)', source }
  return { name, ok: checkPayment(o, check), detail: describeOutcome(o), source }
}

export function trafficVerdict(t: TrafficResult | undefined, label: string, atLeast: number, source: string): Verdict {
  const name = `traffic ${label} succeeded at least ${atLeast}%`
  if (!t) return { name, ok: false, detail: 'the traffic never ran (an earlier step failed)', source }
  return { name, ok: t.successRate >= atLeast, detail: `${t.succeeded} of ${t.sent} payments succeeded (${t.successRate.toFixed(1)}%)`, source }
}

export async function evaluateExpectation(net: Network, e: Expectation, records: StepRecords, source: string): Promise<Verdict> {
  if (e.kind === 'payment') return paymentVerdict(records.payments.get(e.step), e.step, e, source)
  if (e.kind === 'traffic') return trafficVerdict(records.traffic.get(e.step), e.step, e.successRateAtLeast, source)
  const name = describeCondition(e)
  try {
    const r = await evaluateCondition(net, e)
    return { name, ok: r.ok, detail: r.actual, source }
  } catch (err) {
    return { name, ok: false, detail: `could not check: ${errorMessage(err)}`, source }
  }
}
