/**
 * Reads a scenario file: YAML syntax, then the schema, each problem reported as
 * FILE:LINE:COL with the field's path. The YAML parser keeps every node's
 * source range, so a schema issue's path leads back to the text that caused it.
 */
import { readFile, stat as fsStat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Alias,
  type Document,
  type Node,
} from 'yaml'
import type { z } from 'zod'
import { ScenarioFileError, type ScenarioErrorCode, type ScenarioIssue } from '../errors.js'
import { MAX_CLUSTER_SCENARIO_NODES, MAX_SCENARIO_NODES, ScenarioSchema, type Scenario } from './scenarioSchema.js'
import { loadActivity, type ActivityOptions, type ActivitySpec } from '../activity/activitySpec.js'
import {
  TopologyError,
  expandTopology,
  type TopologyExpansion,
  type TopologySummary,
} from '../topology/topologyImport.js'

/** A scenario as read: with a `topology`, what its import did. */
export type LoadedScenario = Scenario & {
  imported?: TopologySummary
  /** its `activity:` sim.json, read and checked against its nodes */
  simln?: ActivitySpec
}

export interface LoadOptions {
  /** sample the topology down to this many nodes, whatever the file says (`lnsim run --sample`) */
  sample?: number
  /** SimLN's flags, over what the scenario's `activity:` says (`lnsim run --total-time`, …) */
  activity?: ActivityOptions
  /** the most nodes the run can hold. @default MAX_SCENARIO_NODES (one machine); a cluster takes more */
  maxNodes?: number
}

/** Scenario files are written by hand; anything this large is a mistake, not a scenario. */
export const MAX_SCENARIO_BYTES = 2_000_000

/**
 * yaml's maxAliasCount: how far aliases (`*name`) may expand the file's value.
 * Unbounded, a few lines could expand to gigabytes (the "billion laughs"); a
 * scenario reusing a block with `<<: *defaults` stays far below it.
 */
export const MAX_ALIAS_COUNT = 100

export async function loadScenarioFile(path: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  const refuse = (message: string, code?: ScenarioErrorCode): never => {
    throw new ScenarioFileError([{ file: path, line: 0, col: 0, path: '', message }], code)
  }
  let text: string
  try {
    const stat = await fsStat(path)
    // a device or a pipe reports size 0 and may never end (/dev/zero) or never start (a FIFO)
    if (!stat.isFile())
      return refuse('cannot read the scenario file (not a file: a folder, a device or a pipe)', 'SCENARIO_NOT_FOUND')
    if (stat.size > MAX_SCENARIO_BYTES) return refuse(`the file is larger than ${MAX_SCENARIO_BYTES} bytes`)
    text = await readFile(path, 'utf8')
  } catch (err) {
    if (err instanceof ScenarioFileError) throw err
    return refuse(
      `cannot read the scenario file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'SCENARIO_NOT_FOUND',
    )
  }
  return parseScenarioText(text, path, options)
}

export function parseScenarioText(text: string, file: string, options: LoadOptions = {}): LoadedScenario {
  if (text.length > MAX_SCENARIO_BYTES)
    throw new ScenarioFileError([
      { file, line: 0, col: 0, path: '', message: `the file is larger than ${MAX_SCENARIO_BYTES} bytes` },
    ])
  const lineCounter = new LineCounter()
  let doc: Document
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  } catch (err) {
    throw tooDeep(err, file)
  }
  if (doc.errors.length > 0) {
    throw new ScenarioFileError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0])
        return { file, line: pos.line, col: pos.col, path: '', message: e.message.split('\n')[0]! }
      }),
    )
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (err) {
    if (isStackOverflow(err)) throw tooDeep(err, file)
    // yaml throws here, not in doc.errors, for an alias to no anchor and for aliases expanding past the count
    throw new ScenarioFileError([aliasIssue(doc, lineCounter, file, err)])
  }
  return validateScenario(
    value,
    file,
    (path, issue) => positionOf(doc, lineCounter, path, issue.code === 'unrecognized_keys'),
    options,
  )
}

/** yaml parses and converts by recursion, a call per level of nesting: thousands of levels overflow the stack. */
function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message)
}

/** The file nests deeper than the parser can follow; any other error is not ours to explain, and goes on as it is. */
function tooDeep(err: unknown, file: string): unknown {
  if (!isStackOverflow(err)) return err
  return new ScenarioFileError([
    {
      file,
      line: 0,
      col: 0,
      path: '',
      message: 'the file nests too deeply to read (thousands of levels of {, [ or :)',
    },
  ])
}

/** Where the aliases went wrong: the first alias to an anchor not set before it, or else the first alias. */
function aliasIssue(doc: Document, lines: LineCounter, file: string, err: unknown): ScenarioIssue {
  const anchors = new Set<string>()
  const found: { unresolved?: Alias; first?: Alias } = {}
  visit(doc, (_, node) => {
    if (isAlias(node)) {
      found.first ??= node
      if (!anchors.has(node.source)) {
        found.unresolved = node
        return visit.BREAK
      }
    } else if ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor) {
      anchors.add(node.anchor)
    }
    return undefined
  })
  const { unresolved, first } = found
  const at = lines.linePos((unresolved ?? first)?.range?.[0] ?? 0)
  const message = unresolved
    ? `the alias *${unresolved.source} names no anchor set before it (&${unresolved.source})`
    : `the aliases would expand the file past lnsim's limit (${MAX_ALIAS_COUNT}, against resource exhaustion): ` +
      `write the repeated parts out (${errorText(err)})`
  return { file, line: at.line, col: at.col, path: '', message }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * Validates a scenario given as a value (from a TypeScript script): issues carry the field path but no line.
 * A `topology` is imported first (its file relative to `file`'s folder), so steps can name imported nodes.
 */
export function validateScenario(
  value: unknown,
  file: string,
  locate: (path: PropertyKey[], issue: z.core.$ZodIssue) => { line: number; col: number } = () => ({ line: 0, col: 0 }),
  options: LoadOptions = {},
): LoadedScenario {
  let expansion: TopologyExpansion
  try {
    expansion = expandTopology(value, dirname(resolve(file)), options)
  } catch (err) {
    if (!(err instanceof TopologyError)) throw err
    throw new ScenarioFileError(
      err.issues.map((i) => ({
        file,
        ...locate(i.at ?? i.path, {
          code: i.code ?? 'custom',
          path: i.path,
          message: i.message,
          input: undefined,
        } as z.core.$ZodIssue),
        path: formatPath(i.path),
        message: i.message,
      })),
    )
  }
  const r = ScenarioSchema.safeParse(expansion.value)
  const maxNodes = options.maxNodes ?? MAX_SCENARIO_NODES
  if (r.success && r.data.nodes.length > maxNodes)
    throw new ScenarioFileError([
      {
        file,
        line: 0,
        col: 0,
        path: 'nodes',
        message:
          `${r.data.nodes.length} nodes, and one machine runs at most ${maxNodes}: sample the topology, or run it ` +
          `on a cluster with \`lnsim k8s run\` (up to ${MAX_CLUSTER_SCENARIO_NODES})`,
      },
    ])
  if (r.success) {
    const loaded: LoadedScenario = expansion.summary ? { ...r.data, imported: expansion.summary } : r.data
    if (r.data.activity === undefined) return loaded
    return { ...loaded, simln: scenarioActivity(r.data, file, locate, options.activity) }
  }
  const issues: ScenarioIssue[] = r.error.issues.map((issue) => {
    // an unknown key is best shown at the key itself
    const path =
      issue.code === 'unrecognized_keys' && issue.keys.length > 0 ? [...issue.path, issue.keys[0]!] : issue.path
    // a node or channel the topology brought in has no text of its own: show the topology key
    const imported = isImported(path, expansion)
    const pos = locate(imported ? ['topology'] : path, issue)
    return {
      file,
      ...pos,
      path: formatPath(issue.path),
      message: imported ? `imported from topology.describegraph: ${issue.message}` : issue.message,
    }
  })
  issues.sort((a, b) => a.line - b.line || a.col - b.col)
  throw new ScenarioFileError(issues)
}

/** The scenario's sim.json, its problems shown at the `activity` key (and at their field in the sim.json). */
function scenarioActivity(
  s: Scenario,
  file: string,
  locate: (path: PropertyKey[], issue: z.core.$ZodIssue) => { line: number; col: number },
  override: ActivityOptions | undefined,
): ActivitySpec {
  try {
    return loadActivity(
      s.activity!,
      dirname(resolve(file)),
      s.nodes.map((n) => n.name),
      override,
    )
  } catch (err) {
    if (!(err instanceof ScenarioFileError)) throw err
    const at = locate(['activity'], { code: 'custom', path: ['activity'], message: '', input: undefined })
    throw new ScenarioFileError(
      err.issues.map((i) => ({
        file,
        ...at,
        path: 'activity',
        message: `${i.file}${i.path ? ` ${i.path}` : ''}: ${i.message}`,
      })),
      err.code as ScenarioErrorCode,
    )
  }
}

function isImported(path: readonly PropertyKey[], e: TopologyExpansion): boolean {
  const [list, index] = path
  if (e.summary === null || typeof index !== 'number') return false
  return (list === 'nodes' && index >= e.own.nodes) || (list === 'channels' && index >= e.own.channels)
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`
  return out
}

/**
 * The position of the deepest node on the path that exists in the document (a
 * missing key is shown at its parent): a scalar's value, or with `atKey` (an
 * unknown key) the key itself.
 */
function positionOf(
  doc: Document,
  lines: LineCounter,
  path: PropertyKey[],
  atKey: boolean,
): { line: number; col: number } {
  let node: unknown = doc.contents
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key)
      if (!pair) break
      offset = (pair.key as Node).range?.[0] ?? offset
      node = pair.value
      if (isScalar(node) && node.range && !(atKey && i === path.length - 1)) offset = node.range[0]
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key]
      if (item === undefined) break
      node = item
      offset = (item as Node).range?.[0] ?? offset
    } else break
  }
  return lines.linePos(offset)
}
