/**
 * Payment traffic in the spirit of SimLN's activity: payments between chosen
 * or random pairs, at a steady rate for a while, with amounts drawn from a
 * range. Pairs and amounts come from the scenario's seed, so the same file
 * sends the same payments on every run; only their outcomes may differ.
 */
import type { SeededRng } from '../../core/rng.js'
import type { Network } from '../network/network.js'
import type { PaymentOutcome } from '../network/observer.js'
import { sleep } from '../network/pool.js'

export interface TrafficSpec {
  id?: string | undefined
  /** [from, to] pairs, taken in turn at random; or random pairs of distinct nodes when absent */
  pairs?: [string, string][] | undefined
  ratePerSecond: number
  durationMs: number
  amountMsat: { min: bigint; max: bigint }
  timeoutSeconds?: number | undefined
  /** pay by keysend, with no invoice round trip (as SimLN's activity does) */
  keysend?: boolean | undefined
}

export interface TrafficResult {
  id: string | null
  outcomes: PaymentOutcome[]
  sent: number
  succeeded: number
  failed: number
  /** percent of payments that succeeded; 100 when none were sent */
  successRate: number
}

/** Beyond this many payments in flight, new ones wait: a slow network gets a backlog, not a flood. */
export const MAX_PAYMENTS_IN_FLIGHT = 64

export function trafficPlan(
  net: Pick<Network, 'nodes'>,
  spec: TrafficSpec,
  rng: SeededRng,
): { from: string; to: string; amountMsat: bigint }[] {
  const count = Math.max(1, Math.floor((spec.durationMs * spec.ratePerSecond) / 1000))
  const names = net.nodes.map((n) => n.name)
  return Array.from({ length: count }, () => {
    let from: string
    let to: string
    if (spec.pairs) [from, to] = rng.pick(spec.pairs)
    else {
      from = rng.pick(names)
      to = rng.pick(names.filter((n) => n !== from))
    }
    return { from, to, amountMsat: rng.bigintBetween(spec.amountMsat.min, spec.amountMsat.max) }
  })
}

export async function runTraffic(
  net: Network,
  spec: TrafficSpec,
  rng: SeededRng,
  signal?: AbortSignal,
): Promise<TrafficResult> {
  const plan = trafficPlan(net, spec, rng)
  const intervalMs = 1000 / spec.ratePerSecond
  const started = Date.now()
  const inFlight = new Set<Promise<PaymentOutcome>>()
  const outcomes: PaymentOutcome[] = []
  for (const [i, p] of plan.entries()) {
    if (signal?.aborted) break
    const wait = started + i * intervalMs - Date.now()
    if (wait > 0) await sleep(wait, signal).catch(() => {})
    if (signal?.aborted) break
    while (inFlight.size >= MAX_PAYMENTS_IN_FLIGHT) await Promise.race(inFlight)
    const payment = net.pay(p.from, p.to, p.amountMsat, {
      source: 'traffic',
      ...(signal ? { signal } : {}),
      ...(spec.id !== undefined ? { id: spec.id } : {}),
      ...(spec.timeoutSeconds !== undefined ? { timeoutSeconds: spec.timeoutSeconds } : {}),
      ...(spec.keysend ? { keysend: true } : {}),
    })
    inFlight.add(payment)
    void payment.then((o) => {
      inFlight.delete(payment)
      outcomes.push(o)
    })
  }
  await Promise.all(inFlight)
  return summarizeTraffic(spec.id ?? null, outcomes)
}

export function summarizeTraffic(id: string | null, outcomes: PaymentOutcome[]): TrafficResult {
  const succeeded = outcomes.filter((o) => o.status === 'succeeded').length
  return {
    id,
    outcomes,
    sent: outcomes.length,
    succeeded,
    failed: outcomes.length - succeeded,
    successRate: outcomes.length === 0 ? 100 : (succeeded * 100) / outcomes.length,
  }
}
