/**
 * Expectations become verdicts: each is evaluated on its own and recorded, so
 * one that fails never hides the others. A verdict names what was expected
 * and says what was seen.
 */
import { errorMessage } from '../../core/errors.js'
import { describeCondition, evaluateCondition, formatMsat } from '../network/conditions.js'
import type { Network } from '../network/network.js'
import { partsOf, type PaymentOutcome, type Verdict } from '../network/observer.js'
import { latencySummary } from '../report/report.js'
import type { Expectation, PaymentCheck } from '../file/schema.js'
import type { TrafficResult } from './traffic.js'
import { compare, formatComparison } from '../file/values.js'

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
    check.parts ? `in ${formatComparison(check.parts)} part(s)` : '',
  ]
    .filter(Boolean)
    .join(' ')
}

export function describeOutcome(o: PaymentOutcome): string {
  if (o.status === 'succeeded' && partsOf(o) > 1)
    return (
      `succeeded in ${partsOf(o)} parts, via ${o.parts!.map((p) => p.route.join(' → ')).join(' and ')} ` +
      `(fee ${formatMsat(o.feeMsat)}, ${o.latencyMs} ms)`
    )
  if (o.status === 'succeeded')
    return (
      `succeeded via ${o.route.join(' → ')} (${Math.max(0, o.route.length - 1)} hop(s), ` +
      `fee ${formatMsat(o.feeMsat)}, ${o.latencyMs} ms)`
    )
  return (
    'failed with ' +
    `${o.code}${o.message ? `: ${o.message}` : ''}${o.route.length ? ` (last route ${o.route.join(' → ')})` : ''}`
  )
}

export function checkPayment(o: PaymentOutcome, check: PaymentCheck): boolean {
  const status = check.status ?? (check.code !== undefined ? 'failed' : undefined)
  const hops = BigInt(Math.max(0, o.route.length - 1))
  return (
    (status === undefined || o.status === status) &&
    (check.code === undefined || o.code === check.code) &&
    (check.hops === undefined || (o.route.length > 0 && compare(hops, check.hops))) &&
    (check.route === undefined || o.route.join('/') === check.route.join('/')) &&
    (check.feeMsat === undefined || compare(o.feeMsat, check.feeMsat)) &&
    (check.parts === undefined || compare(BigInt(partsOf(o)), check.parts))
  )
}

export function paymentVerdict(
  o: PaymentOutcome | undefined,
  label: string,
  check: PaymentCheck,
  source: string,
): Verdict {
  const name = `payment ${label} ${describePaymentCheck(check)}`
  if (!o) return { name, ok: false, detail: 'the payment was never made (an earlier step failed)', source }
  return { name, ok: checkPayment(o, check), detail: describeOutcome(o), source }
}

export function trafficVerdict(t: TrafficResult | undefined, label: string, atLeast: number, source: string): Verdict {
  const name = `traffic ${label} succeeded at least ${atLeast}%`
  if (!t) return { name, ok: false, detail: 'the traffic never ran (an earlier step failed)', source }
  return {
    name,
    ok: t.successRate >= atLeast,
    detail: `${t.succeeded} of ${t.sent} payments succeeded (${t.successRate.toFixed(1)}%)`,
    source,
  }
}

/** The median latency of a pay or traffic step's successful payments; a reason instead when there is none. */
function medianLatency(records: StepRecords, step: string): { ms: number } | { missing: string } {
  const payment = records.payments.get(step)
  const outcomes = payment ? [payment] : records.traffic.get(step)?.outcomes
  if (!outcomes) return { missing: `step ${step} never ran (an earlier step failed)` }
  const latency = latencySummary(outcomes.filter((o) => o.status === 'succeeded').map((o) => o.latencyMs))
  return latency ? { ms: latency.p50 } : { missing: `no payment of step ${step} succeeded` }
}

export function latencyVerdict(
  records: StepRecords,
  e: Extract<Expectation, { kind: 'paymentLatency' }>,
  source: string,
): Verdict {
  const name = [
    `payments of ${e.step}`,
    e.p50Ms ? `take ${formatComparison(e.p50Ms)} ms at the median` : '',
    e.slowerThan !== undefined && e.byMs
      ? `${e.p50Ms ? 'and ' : ''}are ${formatComparison(e.byMs)} ms slower at the median than those of ${e.slowerThan}`
      : '',
  ]
    .filter(Boolean)
    .join(' ')
  const mine = medianLatency(records, e.step)
  if ('missing' in mine) return { name, ok: false, detail: mine.missing, source }
  let ok = e.p50Ms === undefined || compare(BigInt(Math.round(mine.ms)), e.p50Ms)
  let detail = `p50 of ${e.step} is ${mine.ms} ms`
  if (e.slowerThan !== undefined && e.byMs) {
    const other = medianLatency(records, e.slowerThan)
    if ('missing' in other) return { name, ok: false, detail: `${detail}; ${other.missing}`, source }
    const diff = Math.round(mine.ms - other.ms)
    // a comparison holds whole non-negative numbers: a step faster than the other is 0 ms slower
    ok &&= compare(BigInt(Math.max(0, diff)), e.byMs)
    detail += `, of ${e.slowerThan} ${other.ms} ms: ${diff >= 0 ? `${diff} ms slower` : `${-diff} ms faster`}`
  }
  return { name, ok, detail, source }
}

export async function evaluateExpectation(
  net: Network,
  e: Expectation,
  records: StepRecords,
  source: string,
): Promise<Verdict> {
  if (e.kind === 'payment') return paymentVerdict(records.payments.get(e.step), e.step, e, source)
  if (e.kind === 'traffic') return trafficVerdict(records.traffic.get(e.step), e.step, e.successRateAtLeast, source)
  if (e.kind === 'paymentLatency') return latencyVerdict(records, e, source)
  const name = describeCondition(e)
  try {
    const r = await evaluateCondition(net, e)
    return { name, ok: r.ok, detail: r.actual, source }
  } catch (err) {
    return { name, ok: false, detail: `could not check: ${errorMessage(err)}`, source }
  }
}
