/**
 * SimLN's simulation file, `sim.json`, as SimLN's sim-cli reads it (its
 * README and parsing.rs): `nodes`, the nodes SimLN may send from, each with
 * an `id` (an alias or a public key) and connection details lnsim has no use
 * for (its nodes are the scenario's); and `activity`, the defined payments.
 * Without `activity`, SimLN sends random activity between the nodes.
 *
 * An activity is `source`, `destination`, `interval_secs` and `amount_msat`
 * (each a number or a `[min, max]` range, drawn from anew for every payment),
 * with an optional `start_secs` (the first payment then, instead of after one
 * interval) and `count` (how many payments in all; without it they go on).
 *
 * SimLN's simulated network (`sim_network`, `exclude`) describes channels; in
 * lnsim the scenario is the network, so a file with them is refused and says
 * where its channels belong.
 */
import { readFileSync, statSync } from 'node:fs'
import { z } from 'zod'
import { ScenarioFileError, type ScenarioIssue } from '../errors.js'

/** A sim.json is written by hand or by a small script: anything larger is a mistake. */
export const MAX_SIMLN_FILE_BYTES = 2_000_000
/** SimLN's intervals are u16 seconds. */
const MAX_INTERVAL_SECS = 65_535

const whole = (max: number) => z.number().int().min(0).max(max)
/** A number, or [min, max] with min < max: SimLN's ValueOrRange. */
const valueOrRange = (min: number, max: number) =>
  z.union([
    whole(max).min(min),
    z
      .tuple([whole(max).min(min), whole(max).min(min)])
      .refine(([a, b]) => a < b, { message: 'a range [min, max] must have min < max, as SimLN requires' }),
  ])

const SimlnNode = z.looseObject({
  id: z.string().min(1).max(200).optional().describe('an alias or public key: how activity names the node'),
})

export const SimlnActivity = z.strictObject({
  source: z.string().min(1).max(200),
  destination: z.string().min(1).max(200),
  start_secs: whole(MAX_INTERVAL_SECS).optional(),
  count: z.number().int().min(1).max(1_000_000).optional(),
  // 0 would send without pause for as long as the run lasts
  interval_secs: valueOrRange(1, MAX_INTERVAL_SECS),
  amount_msat: valueOrRange(1, Number.MAX_SAFE_INTEGER),
})
export type SimlnActivity = z.output<typeof SimlnActivity>

const SimlnFileSchema = z
  .looseObject({
    nodes: z.array(SimlnNode).max(10_000).default([]),
    activity: z.array(SimlnActivity).max(10_000).default([]),
    sim_network: z.array(z.unknown()).optional(),
    exclude: z.array(z.unknown()).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.sim_network !== undefined || f.exclude !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [f.sim_network !== undefined ? 'sim_network' : 'exclude'],
        message:
          "SimLN's simulated network is the scenario in lnsim: write its channels under `channels:` " +
          '(or import them with `topology:`) and keep `nodes` and `activity` here',
      })
    f.nodes.forEach((n, i) => {
      if (n.id === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', i, 'id'],
          message: 'lnsim maps SimLN nodes to scenario nodes by id (an alias or public key): give it one',
        })
    })
    const ids = new Set(f.nodes.map((n) => n.id))
    f.activity.forEach((a, i) => {
      if (!ids.has(a.source))
        ctx.addIssue({
          code: 'custom',
          path: ['activity', i, 'source'],
          message: `"${a.source}" is not the id of one of the file's nodes (SimLN sends only from its nodes)`,
        })
    })
  })

export interface SimlnFile {
  /** the file, as given */
  file: string
  /** the ids of its nodes */
  nodes: string[]
  /** its defined activity; empty for random activity */
  activity: SimlnActivity[]
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('')
}

/** Checks a sim.json given as a value; every problem at once, each with its field. */
export function parseSimlnFile(value: unknown, file: string): SimlnFile {
  const r = SimlnFileSchema.safeParse(value)
  if (!r.success)
    throw new ScenarioFileError(
      r.error.issues.map((i): ScenarioIssue => ({ file, line: 0, col: 0, path: pathText(i.path), message: i.message })),
    )
  return { file, nodes: r.data.nodes.map((n) => n.id!), activity: r.data.activity }
}

export function readSimlnFile(path: string): SimlnFile {
  const refuse = (message: string, code: 'INVALID_SCENARIO' | 'SCENARIO_NOT_FOUND' = 'INVALID_SCENARIO'): never => {
    throw new ScenarioFileError([{ file: path, line: 0, col: 0, path: '', message }], code)
  }
  let text: string
  try {
    const stat = statSync(path)
    if (!stat.isFile()) return refuse('cannot read the SimLN file (not a file)', 'SCENARIO_NOT_FOUND')
    if (stat.size > MAX_SIMLN_FILE_BYTES) return refuse(`the file is larger than ${MAX_SIMLN_FILE_BYTES} bytes`)
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if (err instanceof ScenarioFileError) throw err
    return refuse(
      `cannot read the SimLN file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'SCENARIO_NOT_FOUND',
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return refuse(`not JSON: ${(err as Error).message}`)
  }
  return parseSimlnFile(value, path)
}
