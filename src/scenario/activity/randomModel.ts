/**
 * SimLN's random activity, as its random_activity.rs describes it, written for
 * lnsim (read, not copied):
 *
 * - Each node counts half the capacity of its channels (each channel is counted
 *   by both its ends). A node with less than twice the expected payment amount
 *   in channels takes no part.
 * - Each node sends payments as a Poisson process: on average
 *   `capacity × multiplier / expected amount` payments a month (30 days), so
 *   the waits between them are exponential.
 * - A payment goes to another node chosen with probability proportional to its
 *   capacity.
 * - Its amount is log-normal with mean the expected amount and a spread that
 *   grows with the smaller end's capacity: with L half of
 *   min(source capacity, destination capacity), μ = 2·ln E − ln L and
 *   σ² = 2·(ln L − ln E), so e^(μ+σ²/2) = E. Where L < E SimLN stops with an
 *   error; lnsim then sends E itself (σ = 0).
 *
 * Where lnsim differs: waits are kept to the millisecond (SimLN rounds them down
 * to whole seconds), and the draws come from the scenario's seeded generator,
 * so the same seed gives the same payments on every run.
 */
import type { SeededRng } from '../../core/rng.js'

/** SimLN's month: 30 days. */
export const SECONDS_PER_MONTH = 30 * 24 * 60 * 60
/** SimLN's default expected payment amount (about $10 when it was chosen). */
export const DEFAULT_EXPECTED_PAYMENT_MSAT = 3_800_000n
/** SimLN's default: each node sends twice its capacity a month. */
export const DEFAULT_CAPACITY_MULTIPLIER = 2

export interface RandomActivityParams {
  /** E: the mean payment amount */
  expectedPaymentMsat: bigint
  /** how many times over each node sends its capacity in a month */
  capacityMultiplier: number
  /** how long the activity lasts */
  durationMs: number
}

export interface PlannedPayment {
  /** ms after the activity starts */
  atMs: number
  from: string
  to: string
  amountMsat: bigint
}

export interface RandomActivityNode {
  name: string
  /** the capacity of all its channels, in msat (SimLN's channel_capacities) */
  channelCapacityMsat: bigint
}

export interface RandomActivityPlan {
  payments: PlannedPayment[]
  /** nodes left out: too little capacity for the expected amount */
  excluded: string[]
  /** per sending node: its payments per second, λ */
  ratePerSecond: Map<string, number>
}

export class RandomActivityError extends Error {
  readonly code = 'INVALID_ACTIVITY'
  constructor(message: string) {
    super(message)
    this.name = 'RandomActivityError'
  }
}

/** An exponential wait with mean 1/rate, in ms (inverse transform; 1 − u is never 0). */
function exponentialMs(rng: SeededRng, ratePerSecond: number): number {
  return (-Math.log(1 - rng.float()) / ratePerSecond) * 1000
}

/** A standard normal draw (Box–Muller). */
function standardNormal(rng: SeededRng): number {
  const u = 1 - rng.float()
  const v = rng.float()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/** A log-normal amount with mean `expected`, its spread set by `limit` (SimLN's payment_amount). */
export function randomAmountMsat(rng: SeededRng, expected: bigint, limit: bigint): bigint {
  const lnE = Math.log(Number(expected))
  const lnL = Math.log(Number(limit))
  const sigmaSquare = Math.max(0, 2 * (lnL - lnE))
  const mu = lnE - sigmaSquare / 2
  return BigInt(Math.floor(Math.exp(mu + Math.sqrt(sigmaSquare) * standardNormal(rng))))
}

/** Picks an index with probability proportional to its weight. */
function weightedIndex(rng: SeededRng, cumulative: readonly bigint[]): number {
  const total = cumulative[cumulative.length - 1]!
  const r = rng.bigintBetween(0n, total - 1n)
  let lo = 0
  let hi = cumulative.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cumulative[mid]! > r) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** Every payment the random activity sends over its duration, in time order. */
export function planRandomActivity(
  nodes: readonly RandomActivityNode[],
  params: RandomActivityParams,
  rng: SeededRng,
): RandomActivityPlan {
  const { expectedPaymentMsat: expected, capacityMultiplier: multiplier, durationMs } = params
  if (expected <= 0n) throw new RandomActivityError('the expected payment amount must be more than 0 msat')
  if (!(multiplier > 0)) throw new RandomActivityError(`the capacity multiplier must be above 0, got ${multiplier}`)
  const excluded = nodes.filter((n) => n.channelCapacityMsat < 2n * expected).map((n) => n.name)
  // sorted by name, as SimLN sorts by public key: the same network draws the same pairs whatever order it was listed
  const active = nodes
    .filter((n) => n.channelCapacityMsat >= 2n * expected)
    .map((n) => ({ name: n.name, capacityMsat: n.channelCapacityMsat / 2n }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  if (active.length < 2)
    throw new RandomActivityError(
      `random activity needs at least two nodes with ${2n * expected} msat or more in channels ` +
        `(twice the expected payment amount); ${active.length === 1 ? `only ${active[0]!.name} has` : 'none has'}`,
    )
  const cumulative: bigint[] = []
  let sum = 0n
  for (const n of active) cumulative.push((sum += n.capacityMsat))

  const ratePerSecond = new Map<string, number>()
  const payments: PlannedPayment[] = []
  for (const source of active) {
    const rate = (Number(source.capacityMsat) * multiplier) / Number(expected) / SECONDS_PER_MONTH
    ratePerSecond.set(source.name, rate)
    const own = rng.fork(`random/${source.name}`)
    for (let at = exponentialMs(own, rate); at < durationMs; at += exponentialMs(own, rate)) {
      let destination = source
      while (destination === source) destination = active[weightedIndex(own, cumulative)]!
      const limit =
        (source.capacityMsat < destination.capacityMsat ? source.capacityMsat : destination.capacityMsat) / 2n
      const amountMsat = randomAmountMsat(own, expected, limit)
      // SimLN skips a payment whose amount rounds down to nothing
      if (amountMsat > 0n) payments.push({ atMs: at, from: source.name, to: destination.name, amountMsat })
    }
  }
  payments.sort((a, b) => a.atMs - b.atMs)
  return { payments, excluded, ratePerSecond }
}
