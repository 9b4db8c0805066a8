/**
 * The network part of a scenario (its seed, chain, nodes and channels),
 * validated with the same rules as a file whether it comes from a file or from
 * code.
 */
import type { z } from 'zod'
import { validateScenario } from '../file/load.js'
import type { Scenario, ScenarioSchema } from '../file/scenarioSchema.js'

/** What launch() takes: the network part of a scenario, as a file would say it (amounts may also be bigint). */
export type NetworkInput = Omit<
  z.input<typeof ScenarioSchema>,
  'name' | 'description' | 'steps' | 'expect' | 'activity' | 'variants' | 'compare'
> & {
  name?: string
}

export type NetworkSpec = Pick<Scenario, 'name' | 'seed' | 'chain' | 'nodes' | 'channels'> & {
  testing?: boolean
  gossip?: Scenario['gossip']
}

/** Validates the network part of a scenario given in code, with the same rules as a file. */
export function toNetworkSpec(input: NetworkInput | NetworkSpec, source = 'launch()'): NetworkSpec {
  // a loaded scenario says what its topology import did, and carries its activity: neither is part of the network
  const {
    imported: _summary,
    activity: _activity,
    simln: _simln,
    variants: _variants,
    compare: _compare,
    variant: _variant,
    ...network
  } = input as (NetworkInput | NetworkSpec) & {
    imported?: unknown
    activity?: unknown
    simln?: unknown
    variants?: unknown
    compare?: unknown
    variant?: unknown
  }
  return validateScenario({ name: 'network', ...network, steps: [], expect: [] }, source)
}
