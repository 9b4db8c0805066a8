/**
 * The `topology` key of a scenario file: a network imported from a channel
 * graph (`lncli describegraph`) instead of, or besides, nodes and channels
 * written by hand. What each option does to the imported graph is in
 * topologyImport.ts; the sampling method in topologySample.ts.
 */
import { z } from 'zod'
import { amount, strictObject, wholeNumber } from '../file/values.js'

export const TopologySpec = strictObject({
  describegraph: z
    .string()
    .min(1)
    .max(4096)
    .describe('an `lncli describegraph` JSON file, relative to the scenario file'),
  sample: wholeNumber(2, 500)
    .optional()
    .describe(
      'keep this many nodes: a seeded snowball sample from the biggest hub (default: ' +
        'the whole largest connected component)',
    ),
  names: z
    .enum(['alias', 'numbered'])
    .default('alias')
    .describe("alias: each node's alias made safe and unique; numbered: n1, n2, … in the file's order"),
  fundsSat: amount.prefault(100_000).describe('on-chain funds each imported node keeps beyond what its channels need'),
  capacityDivisor: wholeNumber(1, 1_000_000_000)
    .default(1)
    .describe('divide every capacity by this (e.g. 100 turns 5,000,000 sat into 50,000 sat)'),
  minCapacitySat: amount.prefault(20_000).describe('capacities below this (after dividing) are raised to it'),
  maxCapacitySat: amount.optional().describe('capacities above this (after dividing) are lowered to it'),
  // above 90% the opener cannot keep its channel reserve and pay the commitment fee
  pushPercent: wholeNumber(0, 90)
    .default(50)
    .describe('share of each channel the opener gives the other end, so payments can flow both ways'),
}).refine((t) => t.maxCapacitySat === undefined || t.maxCapacitySat >= t.minCapacitySat, {
  message: 'maxCapacitySat must be at least minCapacitySat',
  path: ['maxCapacitySat'],
})
export type TopologySpec = z.output<typeof TopologySpec>
