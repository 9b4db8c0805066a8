/**
 * Sends payments at planned times from the start, as traffic steps and SimLN
 * activity plan them: each at its time, or as soon after as the bound on
 * payments in flight allows (a slow network builds a backlog, not a flood).
 */
import type { Network } from '../network/network.js'
import type { PaymentOutcome } from '../network/observer.js'
import { sleep } from '../network/pool.js'
import type { TimedPayment } from '../activity/timedPayment.js'

export type { TimedPayment }

/** Beyond this many payments in flight, new ones wait: a slow network gets a backlog, not a flood. */
export const MAX_PAYMENTS_IN_FLIGHT = 64

/** Sends the plan (in time order) and resolves with every outcome once the last payment has one. */
export async function sendPlannedPayments(
  net: Pick<Network, 'pay'>,
  plan: readonly TimedPayment[],
  options: { timeoutSeconds?: number | undefined; signal?: AbortSignal | undefined; keysend?: boolean } = {},
): Promise<PaymentOutcome[]> {
  const { signal } = options
  const started = Date.now()
  const inFlight = new Set<Promise<PaymentOutcome>>()
  const outcomes: PaymentOutcome[] = []
  for (const p of plan) {
    if (signal?.aborted) break
    const wait = started + p.atMs - Date.now()
    if (wait > 0) await sleep(wait, signal).catch(() => {})
    if (signal?.aborted) break
    while (inFlight.size >= MAX_PAYMENTS_IN_FLIGHT) await Promise.race(inFlight)
    const payment = net.pay(p.from, p.to, p.amountMsat, {
      source: 'traffic',
      ...(signal ? { signal } : {}),
      ...(p.id !== undefined ? { id: p.id } : {}),
      ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
      ...(options.keysend ? { keysend: true } : {}),
    })
    inFlight.add(payment)
    void payment.then((o) => {
      inFlight.delete(payment)
      outcomes.push(o)
    })
  }
  await Promise.all(inFlight)
  return outcomes
}
