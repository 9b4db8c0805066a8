/**
 * Payment traffic in the spirit of SimLN's activity. Two models:
 * - `uniform` (the default): payments between chosen or random pairs, at a
 *   steady rate for a while, with amounts drawn evenly from a range;
 * - `simln`: SimLN's random activity (activity/randomModel.ts): pairs weighted
 *   by capacity, Poisson arrivals, log-normal amounts around an expected one.
 * Pairs and amounts come from the scenario's seed, so the same file sends the
 * same payments on every run; only their outcomes may differ.
 */
import type { SeededRng } from '../../core/rng.js'
import type { Network } from '../network/network.js'
import type { PaymentOutcome } from '../network/observer.js'
import { channelCapacities } from './channelCapacities.js'
import {
  DEFAULT_CAPACITY_MULTIPLIER,
  DEFAULT_EXPECTED_PAYMENT_MSAT,
  planRandomActivity,
} from '../activity/randomModel.js'
import { sendPlannedPayments, type TimedPayment } from './plannedPayments.js'

export { MAX_PAYMENTS_IN_FLIGHT } from './plannedPayments.js'

export interface UniformTrafficSpec {
  id?: string | undefined
  model?: 'uniform' | undefined
  /** [from, to] pairs, taken in turn at random; or random pairs of distinct nodes when absent */
  pairs?: [string, string][] | undefined
  ratePerSecond: number
  durationMs: number
  amountMsat: { min: bigint; max: bigint }
  timeoutSeconds?: number | undefined
  /** pay by keysend, with no invoice round trip (as SimLN's activity does) */
  keysend?: boolean | undefined
}

export interface SimlnTrafficSpec {
  id?: string | undefined
  model: 'simln'
  /** the nodes that send and receive (default: every node of the network) */
  nodes?: string[] | undefined
  durationMs: number
  /** SimLN's expected payment amount (default 3,800,000 msat) */
  expectedPaymentMsat?: bigint | undefined
  /** how many times over each node sends its capacity in a month (SimLN's default: 2) */
  capacityMultiplier?: number | undefined
  timeoutSeconds?: number | undefined
  /** pay by keysend, as SimLN does */
  keysend?: boolean | undefined
}

export type TrafficSpec = UniformTrafficSpec | SimlnTrafficSpec

export interface TrafficResult {
  id: string | null
  outcomes: PaymentOutcome[]
  sent: number
  succeeded: number
  failed: number
  /** percent of payments that succeeded; 100 when none were sent */
  successRate: number
}

export function trafficPlan(
  net: Pick<Network, 'nodes'>,
  spec: UniformTrafficSpec,
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

async function simlnPlan(net: Network, spec: SimlnTrafficSpec, rng: SeededRng): Promise<TimedPayment[]> {
  const names = spec.nodes ?? net.nodes.map((n) => n.name)
  const plan = planRandomActivity(
    await channelCapacities(net, names),
    {
      expectedPaymentMsat: spec.expectedPaymentMsat ?? DEFAULT_EXPECTED_PAYMENT_MSAT,
      capacityMultiplier: spec.capacityMultiplier ?? DEFAULT_CAPACITY_MULTIPLIER,
      durationMs: spec.durationMs,
    },
    rng,
  )
  if (plan.excluded.length)
    net.log(`traffic ${spec.id ?? ''}: ${plan.excluded.join(', ')} take no part (less than twice the expected amount)`)
  return plan.payments.map((p) => ({ ...p, id: spec.id }))
}

export async function runTraffic(
  net: Network,
  spec: TrafficSpec,
  rng: SeededRng,
  signal?: AbortSignal,
): Promise<TrafficResult> {
  let plan: TimedPayment[]
  if (spec.model === 'simln') plan = await simlnPlan(net, spec, rng)
  else {
    const intervalMs = 1000 / spec.ratePerSecond
    plan = trafficPlan(net, spec, rng).map((p, i) => ({ ...p, atMs: i * intervalMs, id: spec.id }))
  }
  const outcomes = await sendPlannedPayments(net, plan, {
    timeoutSeconds: spec.timeoutSeconds,
    signal,
    keysend: spec.keysend === true,
  })
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
