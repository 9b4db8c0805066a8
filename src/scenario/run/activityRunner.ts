/**
 * Runs a SimLN activity on a launched network: maps SimLN's node references
 * to the network's nodes, plans every payment (defined, or SimLN's random
 * model), sends them on time, and gives one result per activity, so each has
 * its own success rate in the summary.
 */
import type { SeededRng } from '../../core/rng.js'
import { StepError } from '../errors.js'
import type { Network } from '../network/network.js'
import { sendPlannedPayments, type TimedPayment } from './plannedPayments.js'
import { summarizeTraffic, type TrafficResult } from './traffic.js'
import type { ActivitySpec } from '../activity/activitySpec.js'
import { channelCapacities } from './channelCapacities.js'
import { definedActivityEndMs, planDefinedActivity } from '../activity/definedPlan.js'
import { resolveNodeRef } from '../activity/nodeRefs.js'
import { planRandomActivity } from '../activity/randomModel.js'

/** The name the summary gives SimLN's random activity. */
export const RANDOM_ACTIVITY_ID = 'simln random'

export function definedActivityId(index: number, from: string, to: string): string {
  return `simln activity[${index}] ${from}→${to}`
}

interface Planned {
  id: string
  payments: TimedPayment[]
}

async function plan(net: Network, spec: ActivitySpec, rng: SeededRng): Promise<Planned[]> {
  const names = net.nodes.map((n) => n.name)
  const ids = new Map(net.nodes.map((n) => [n.name, n.nodeId]))
  const nameOf = (ref: string): string => {
    const r = resolveNodeRef(ref, names, ids)
    if ('problem' in r) throw new StepError(`${spec.sim.file}: ${r.problem}`, 'UNKNOWN_NODE')
    return r.name
  }
  if (spec.sim.activity.length === 0) {
    const durationMs = spec.totalTimeSecs! * 1000
    const nodes = [...new Set(spec.sim.nodes.map(nameOf))]
    const random = planRandomActivity(
      await channelCapacities(net, nodes),
      { expectedPaymentMsat: spec.expectedPaymentMsat, capacityMultiplier: spec.capacityMultiplier, durationMs },
      rng.fork('random'),
    )
    if (random.excluded.length)
      net.log(`SimLN activity: ${random.excluded.join(', ')} take no part (less than twice the expected amount)`)
    return [{ id: RANDOM_ACTIVITY_ID, payments: random.payments.map((p) => ({ ...p, id: RANDOM_ACTIVITY_ID })) }]
  }
  return spec.sim.activity.map((a, i) => {
    const from = nameOf(a.source)
    const to = nameOf(a.destination)
    const id = definedActivityId(i, from, to)
    const durationMs =
      spec.totalTimeSecs !== undefined ? spec.totalTimeSecs * 1000 : definedActivityEndMs({ ...a, count: a.count! })
    return { id, payments: planDefinedActivity(a, from, to, durationMs, rng.fork(`activity/${i}`), id) }
  })
}

/** Sends the whole activity; resolves with one result per activity once every payment has its outcome. */
export async function runActivity(
  net: Network,
  spec: ActivitySpec,
  rng: SeededRng,
  signal?: AbortSignal,
): Promise<TrafficResult[]> {
  const planned = await plan(net, spec, rng)
  const all = planned.flatMap((p) => p.payments).sort((a, b) => a.atMs - b.atMs)
  net.log(`SimLN activity from ${spec.sim.file}: ${all.length} payment(s) planned`)
  // SimLN sends every payment of its activity by keysend
  const outcomes = await sendPlannedPayments(net, all, { signal, keysend: true })
  return planned.map((p) =>
    summarizeTraffic(
      p.id,
      outcomes.filter((o) => o.id === p.id),
    ),
  )
}
