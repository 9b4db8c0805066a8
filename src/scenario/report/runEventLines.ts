/**
 * The runner's own lines in a run's events file, beside the nodes' events: each payment with the step that made
 * it, and the summary at the end, so what a run reported can be rebuilt from its events (`lnsim report`).
 */
import type { PaymentOutcome } from '../network/observer.js'
import type { RunSummary } from './report.js'

/**
 * A payment as the runner saw it, between the nodes' events: which pay or traffic step made it, and its route by
 * node names, which the nodes' own events (by node id, and without the step) cannot say.
 */
export interface RunPaymentEvent {
  type: 'run_payment'
  runId: string
  time: number
  /** the pay or traffic step's id */
  step: string | null
  source: PaymentOutcome['source']
  from: string
  to: string
  amountMsat: bigint
  status: PaymentOutcome['status']
  code: string | null
  feeMsat: bigint
  route: string[]
  attempts: number
  latencyMs: number
  paymentHash: string | null
}

export function paymentLine(runId: string, p: PaymentOutcome): RunPaymentEvent {
  return {
    type: 'run_payment',
    runId,
    time: p.finishedAt ?? Date.now(),
    step: p.id,
    source: p.source,
    from: p.from,
    to: p.to,
    amountMsat: p.amountMsat,
    status: p.status,
    code: p.code,
    feeMsat: p.feeMsat,
    route: p.route,
    attempts: p.attempts,
    latencyMs: p.latencyMs,
    paymentHash: p.paymentHash,
  }
}

/** The line before the last: the run's summary and verdicts, as `--report` writes them. */
export interface RunSummaryEvent {
  type: 'run_summary'
  runId: string
  time: number
  summary: RunSummary
}
