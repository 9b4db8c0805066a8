/**
 * A scenario's SimLN activity: a sim.json (`activity: ./sim.json` in the file,
 * or `lnsim run --activity sim.json`), with what SimLN takes as flags: the
 * total time (-t), and for random activity the expected payment amount and the
 * capacity multiplier. It runs from the first step on, beside the steps; the
 * final expectations wait for it.
 */
import { isAbsolute, resolve } from 'node:path'
import { z } from 'zod'
import { ScenarioFileError } from '../errors.js'
import { amount, strictObject } from '../file/values.js'
import { resolveNodeRef } from './nodeRefs.js'
import { DEFAULT_CAPACITY_MULTIPLIER, DEFAULT_EXPECTED_PAYMENT_MSAT } from './randomModel.js'
import { readSimlnFile, type SimlnFile } from './simlnFile.js'

/** The `activity` key of a scenario file: a path, or a path with SimLN's flags. */
export const ActivityKey = z
  .union([
    z.string().min(1).max(1000),
    strictObject({
      file: z.string().min(1).max(1000).describe("SimLN's sim.json, relative to the scenario file"),
      totalTimeSecs: z.number().int().min(1).max(86_400).optional().describe('SimLN -t: how long it runs'),
      expectedPaymentMsat: amount
        .optional()
        .describe(`random activity: the mean payment amount (default ${DEFAULT_EXPECTED_PAYMENT_MSAT}, SimLN's)`),
      capacityMultiplier: z
        .number()
        .positive()
        .max(1e12)
        .optional()
        .describe(`random activity: capacity sent per 30-day month (default ${DEFAULT_CAPACITY_MULTIPLIER})`),
    }),
  ])
  .describe("SimLN's activity: a sim.json (defined activity, or random when it lists none)")
export type ActivityKey = z.output<typeof ActivityKey>

export interface ActivitySpec {
  sim: SimlnFile
  /** how long the activity runs; absent when every defined activity has a count, and ends by itself */
  totalTimeSecs: number | undefined
  expectedPaymentMsat: bigint
  capacityMultiplier: number
}

export interface ActivityOptions {
  totalTimeSecs?: number | undefined
  expectedPaymentMsat?: bigint | undefined
  capacityMultiplier?: number | undefined
}

/**
 * Reads the sim.json (relative to `baseDir`) and checks it against the scenario's node names: every alias must name
 * one of them (public keys are matched once the network is up), and an activity without end needs a total time.
 */
export function loadActivity(
  key: ActivityKey,
  baseDir: string,
  nodeNames: readonly string[],
  override: ActivityOptions = {},
): ActivitySpec {
  const given = typeof key === 'string' ? { file: key } : key
  const file = isAbsolute(given.file) ? given.file : resolve(baseDir, given.file)
  const sim = readSimlnFile(file)
  const issues: { path: string; message: string }[] = []
  const check = (ref: string, path: string): void => {
    const r = resolveNodeRef(ref, nodeNames)
    if ('problem' in r) issues.push({ path, message: r.problem })
  }
  sim.nodes.forEach((id, i) => check(id, `nodes[${i}].id`))
  sim.activity.forEach((a, i) => check(a.destination, `activity[${i}].destination`))
  const spec: ActivitySpec = {
    sim,
    totalTimeSecs: override.totalTimeSecs ?? ('totalTimeSecs' in given ? given.totalTimeSecs : undefined),
    expectedPaymentMsat:
      override.expectedPaymentMsat ??
      ('expectedPaymentMsat' in given ? given.expectedPaymentMsat : undefined) ??
      DEFAULT_EXPECTED_PAYMENT_MSAT,
    capacityMultiplier:
      override.capacityMultiplier ??
      ('capacityMultiplier' in given ? given.capacityMultiplier : undefined) ??
      DEFAULT_CAPACITY_MULTIPLIER,
  }
  if (spec.totalTimeSecs === undefined) {
    if (sim.activity.length === 0)
      issues.push({ path: '', message: 'random activity never ends by itself: give a total time (SimLN -t)' })
    sim.activity.forEach((a, i) => {
      if (a.count === undefined)
        issues.push({ path: `activity[${i}]`, message: 'without a count it never ends: give a total time (SimLN -t)' })
    })
  }
  if (sim.activity.length === 0 && sim.nodes.length < 2)
    issues.push({ path: 'nodes', message: 'random activity needs at least two nodes to send between' })
  if (spec.expectedPaymentMsat <= 0n) issues.push({ path: '', message: 'the expected payment amount must be above 0' })
  if (issues.length)
    throw new ScenarioFileError(issues.map((i) => ({ file, line: 0, col: 0, path: i.path, message: i.message })))
  return spec
}
