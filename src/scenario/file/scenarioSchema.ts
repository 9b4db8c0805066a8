/**
 * The scenario file, as one zod schema: the single source of truth for what a
 * file may say, for the typed values the runner works with, and (through
 * jsonSchema.ts) for the JSON Schema editors use to complete and check files.
 */
import { z } from 'zod'
import { checkReferences } from './references.js'
import {
  ChainSpec,
  GossipSpec,
  ChannelSpec as ChannelSpecSchema,
  defaultChannelName,
  Expectation,
  NodeSpec,
  Step,
} from './schema.js'
import { usesTestingHooks } from './testingSteps.js'
import { TopologySpec } from '../topology/topologySpec.js'
import { strictObject } from './values.js'
import { ActivityKey } from '../activity/activitySpec.js'
import { Comparison, Variant, checkVariants, variantName } from './variants.js'

/**
 * The most nodes a scenario runs on one machine (`lnsim run`): about what 2 cores and a few GB hold, see
 * docs/scenarios.md. @default 500
 */
export const MAX_SCENARIO_NODES = 500
/** The most nodes a scenario runs on a cluster (`lnsim k8s`), one Pod each. @default 5000 */
export const MAX_CLUSTER_SCENARIO_NODES = 5000

export const ScenarioSchema = strictObject({
  name: z.string().min(1).max(100),
  description: z.string().max(2000).optional(),
  seed: z.string().min(1).max(200).optional().describe('same seed, same node keys and traffic (default: the name)'),
  testing: z
    .boolean()
    .optional()
    .describe('start the nodes with --testing, so their test-only hooks answer (default: when a step uses them)'),
  chain: ChainSpec.default({ confirmations: 6 }),
  gossip: GossipSpec.optional(),
  topology: TopologySpec.optional().describe(
    'import nodes and channels from an `lncli describegraph` file (after the ones listed here)',
  ),
  nodes: z.array(NodeSpec).max(MAX_CLUSTER_SCENARIO_NODES).default([]),
  channels: z.array(ChannelSpecSchema).max(5000).default([]),
  steps: z.array(Step).max(10_000).default([]),
  expect: z.array(Expectation).max(10_000).default([]),
  activity: ActivityKey.optional(),
  variants: z
    .record(variantName, Variant)
    .optional()
    .describe(
      'paired runs: each variant runs the scenario from the same seed (same keys, channels and honest traffic), ' +
        'one after another, with its own steps, added expectations and node overrides; reported side by side',
    ),
  compare: z.array(Comparison).max(100).default([]).describe("checks of one variant's metric against another's"),
})
  .refine((s) => s.nodes.length > 0, {
    path: ['nodes'],
    message: 'a scenario needs nodes: list them, or import them with topology',
    abort: true,
  })
  .superRefine(checkReferences)
  .superRefine(checkVariants)
  .refine((s) => s.compare.length === 0 || s.variants !== undefined, {
    path: ['compare'],
    message: 'compare checks variants against each other: list them under variants',
  })
  // the topology was imported into nodes and channels before parsing (topologyImport.ts)
  .transform(({ topology: _imported, ...s }) => ({
    ...s,
    seed: s.seed ?? s.name,
    // one flag for every variant, so they run the same processes
    testing:
      s.testing ?? [s, ...Object.values(s.variants ?? {})].some((v) => usesTestingHooks(v.steps ?? [], v.expect ?? [])),
    channels: s.channels.map((c) => ({ ...c, name: c.name ?? defaultChannelName(c.from, c.to) })),
  }))

export type Scenario = z.output<typeof ScenarioSchema>
/** A channel as the runner sees it: named, by default after its ends */
export type ChannelSpec = Scenario['channels'][number]
