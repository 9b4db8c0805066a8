/**
 * SimLN's defined activity, planned ahead: each activity's first payment at
 * `start_secs`, or after one interval without it; then one every interval,
 * until `count` payments or the end of the run. A range `[min, max]` is drawn
 * anew for each payment, evenly in [min, max) as SimLN's gen_range draws.
 */
import type { SeededRng } from '../../core/rng.js'
import type { TimedPayment } from './timedPayment.js'
import type { SimlnActivity } from './simlnFile.js'

function draw(rng: SeededRng, v: number | [number, number]): number {
  return typeof v === 'number' ? v : v[0] + rng.int(v[1] - v[0])
}

/** Every payment of one activity, between `from` and `to` (scenario names), that starts before `durationMs`. */
export function planDefinedActivity(
  activity: SimlnActivity,
  from: string,
  to: string,
  durationMs: number,
  rng: SeededRng,
  id?: string,
): TimedPayment[] {
  const plan: TimedPayment[] = []
  let at = activity.start_secs !== undefined ? activity.start_secs * 1000 : draw(rng, activity.interval_secs) * 1000
  while (at < durationMs && (activity.count === undefined || plan.length < activity.count)) {
    plan.push({ atMs: at, from, to, amountMsat: BigInt(draw(rng, activity.amount_msat)), id })
    at += draw(rng, activity.interval_secs) * 1000
  }
  return plan
}

/** When the last payment of an activity with a count is due, in ms (for a run without a total time). */
export function definedActivityEndMs(activity: SimlnActivity & { count: number }): number {
  const interval = typeof activity.interval_secs === 'number' ? activity.interval_secs : activity.interval_secs[1]
  const first = activity.start_secs !== undefined ? activity.start_secs : interval
  return (first + (activity.count - 1) * interval) * 1000 + 1
}
