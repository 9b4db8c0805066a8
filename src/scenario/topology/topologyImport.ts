/**
 * Turning an `lncli describegraph` file into a scenario's nodes and channels.
 *
 * - Channels: each edge whose two directions are not both unusable (disabled,
 *   or without a policy) becomes a channel opened by node1 (the smaller node
 *   id, BOLT #7) to node2, with the file's capacity divided by
 *   `capacityDivisor` and kept within [minCapacitySat, maxCapacitySat]; node1
 *   pushes `pushPercent` of it to node2 so payments can flow both ways (the
 *   file does not say how balances are split).
 * - Policies: each end's RoutingPolicy sets that end's forwarding policy on
 *   the channel (`fromFeePolicy`/`toFeePolicy`, set through
 *   POST /v1/channels/:id/policy after opening): fee_base_msat → baseMsat,
 *   fee_rate_milli_msat (parts per million, despite the name) → ppm,
 *   time_lock_delta → cltvExpiryDelta, min_htlc → htlcMinimumMsat,
 *   max_htlc_msat → htlcMaximumMsat as the same share of the (scaled)
 *   capacity (one at or above the capacity is the capacity, lnsim's default).
 *   Values lnsim cannot announce are brought into range and counted in the
 *   summary. Not mapped: `disabled` on one
 *   direction only (a node marks a direction disabled when its peer is
 *   offline; lnsim's peers are all online), inbound fees, last_update.
 * - Nodes: the largest connected component, or a sample of it (see
 *   topologySample.ts), in the file's order. Each gets the funds its channels
 *   need plus `fundsSat`, and a name from its alias (letters, digits and
 *   `_.-` kept, made unique, never one the run folder keeps: chain, logs,
 *   run.json) or n1…nN.
 */
import { resolve } from 'node:path'
import { isReservedNodeName } from '../../core/nodeName.js'
import { SeededRng } from '../../core/rng.js'
import { FUNDING_FEE_RESERVE_SAT } from '../file/schema.js'
import {
  readDescribeGraph,
  TopologyFileError,
  type DescribeGraph,
  type DescribeGraphEdge,
  type DescribeGraphPolicy,
} from './topologyFile.js'
import { components, induced, snowballSample, type GraphShape } from './topologySample.js'
import { TopologySpec } from './topologySpec.js'

/** BOLT #7 channel_update carries fee_base_msat and fee_proportional_millionths as u32. */
const MAX_U32 = 0xffff_ffffn
/** What lnsim's fee policy accepts (schema.ts FeePolicy). */
const MAX_PPM = 1_000_000n
const MIN_CLTV_DELTA = 1
const MAX_CLTV_DELTA = 2016
/** Longest name taken from an alias: two of them and a separator still make a channel name (64 characters at most). */
const MAX_ALIAS_NAME = 24
/** The most nodes a scenario runs (schema.ts). */
export const MAX_IMPORTED_NODES = 500

export interface ImportedPolicy {
  baseMsat: bigint
  ppm: number
  cltvExpiryDelta: number
  htlcMinimumMsat: bigint
  htlcMaximumMsat?: bigint
}

export interface ImportedNode {
  name: string
  fundsSat: bigint
  /** its node id in the file */
  pubKey: string
  alias: string
}

export interface ImportedChannel {
  name: string
  from: string
  to: string
  capacitySat: bigint
  pushMsat: bigint
  fromFeePolicy?: ImportedPolicy
  toFeePolicy?: ImportedPolicy
  /** its channel_id (short channel id as a number) in the file */
  sourceChannelId: string
}

/** What an import did, for the run's header and for a reader wondering where a node went. */
export interface TopologySummary {
  file: string
  nodesInFile: number
  channelsInFile: number
  /** channels left out because neither direction could carry a payment (both disabled or without a policy) */
  unusableChannels: number
  /** nodes left out because they are not in the largest connected component */
  outsideLargestComponent: number
  /** the sample size asked for, or null for the whole component */
  sample: number | null
  nodes: number
  channels: number
  /** values brought into lnsim's range, and other things worth knowing */
  notes: string[]
}

export interface ImportedTopology {
  nodes: ImportedNode[]
  channels: ImportedChannel[]
  summary: TopologySummary
}

export interface ImportOptions {
  /** relative describegraph paths are resolved against this folder (the scenario file's) */
  baseDir: string
  /** the scenario's seed: the sample is drawn from it */
  seed: string
  /** node names already used by the scenario's own nodes */
  takenNames?: ReadonlySet<string>
}

function usable(p: DescribeGraphPolicy | null): boolean {
  return p !== null && !p.disabled
}

/** A name from an alias: accents dropped, runs of other characters as `_`, at most 24 characters. */
export function nameFromAlias(alias: string): string {
  return alias
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/^[_.-]+/, '')
    .slice(0, MAX_ALIAS_NAME)
    .replace(/[_.-]+$/, '')
}

/**
 * `base`, or `base-2`, `base-3`… whichever is free (and not a name the run folder keeps for itself); records the one
 * returned.
 */
function unique(base: string, taken: Set<string>): string {
  let name = base
  for (let i = 2; taken.has(name) || isReservedNodeName(name); i++) name = `${base}-${i}`
  taken.add(name)
  return name
}

/** FROM-TO, or FROM-TO.2, FROM-TO.3… for further channels between the same two nodes; records the one returned. */
function parallelName(base: string, taken: Set<string>): string {
  let name = base
  for (let i = 2; taken.has(name); i++) name = `${base}.${i}`
  taken.add(name)
  return name
}

class PolicyMapper {
  private readonly adjusted = { ppm: 0, cltv: 0, base: 0, maxHtlc: 0 }

  /** `capacity`: the channel's in the file and as lnsim opens it, in sat. */
  map(p: DescribeGraphPolicy | null, capacity: { file: bigint; scaled: bigint }): ImportedPolicy | undefined {
    if (p === null) return undefined
    let ppm = p.fee_rate_milli_msat
    if (ppm > MAX_PPM) {
      ppm = MAX_PPM
      this.adjusted.ppm++
    }
    let base = p.fee_base_msat
    if (base > MAX_U32) {
      base = MAX_U32
      this.adjusted.base++
    }
    const cltv = Math.min(MAX_CLTV_DELTA, Math.max(MIN_CLTV_DELTA, p.time_lock_delta))
    if (cltv !== p.time_lock_delta) this.adjusted.cltv++
    // a channel never carries less than 1 msat, so a minimum of 0 means 1
    const htlcMinimumMsat = p.min_htlc < 1n ? 1n : p.min_htlc
    const htlcMaximumMsat = this.maxHtlc(p.max_htlc_msat, htlcMinimumMsat, capacity)
    return {
      baseMsat: base,
      ppm: Number(ppm),
      cltvExpiryDelta: cltv,
      htlcMinimumMsat,
      ...(htlcMaximumMsat !== undefined ? { htlcMaximumMsat } : {}),
    }
  }

  /**
   * max_htlc_msat as the same share of the scaled capacity, so a channel keeps
   * its shape when capacities are divided; undefined (the capacity) when the
   * file's is absent, 0 (LND before 0.7: not set) or at least the capacity.
   */
  private maxHtlc(
    fileMax: bigint | undefined,
    htlcMinimumMsat: bigint,
    capacity: { file: bigint; scaled: bigint },
  ): bigint | undefined {
    const fileCapacityMsat = capacity.file * 1000n
    if (fileMax === undefined || fileMax <= 0n || fileMax >= fileCapacityMsat) return undefined
    const scaled = (fileMax * capacity.scaled) / capacity.file
    if (scaled >= htlcMinimumMsat) return scaled
    // a maximum below the minimum would let nothing through: the channel would only look usable
    this.adjusted.maxHtlc++
    return htlcMinimumMsat
  }

  notes(): string[] {
    return [
      ...(this.adjusted.ppm ? [`${this.adjusted.ppm} fee rate(s) above ${MAX_PPM} ppm lowered to ${MAX_PPM}`] : []),
      ...(this.adjusted.base
        ? [`${this.adjusted.base} base fee(s) above ${MAX_U32} msat lowered to it (channel_update holds a u32)`]
        : []),
      ...(this.adjusted.cltv
        ? [
            `${this.adjusted.cltv} time_lock_delta(s) outside ${MIN_CLTV_DELTA}–${MAX_CLTV_DELTA} brought ` +
              'into that range',
          ]
        : []),
      ...(this.adjusted.maxHtlc
        ? [`${this.adjusted.maxHtlc} max_htlc_msat(s) below min_htlc once scaled raised to min_htlc`]
        : []),
    ]
  }
}

/** The nodes and channels a describegraph graph gives, per the options (see the top of this file). */
export function graphToNetwork(
  graph: DescribeGraph,
  spec: TopologySpec,
  options: ImportOptions & { file: string },
): ImportedTopology {
  const notes: string[] = []
  // every node an edge mentions, in the file's order; edges may name nodes the file has no announcement for
  const known = new Map(graph.nodes.map((n) => [n.pub_key, n]))
  const order = [...known.keys()]
  for (const e of graph.edges)
    for (const k of [e.node1_pub, e.node2_pub])
      if (!known.has(k)) (known.set(k, { pub_key: k, alias: '', addresses: [] }), order.push(k))

  const edges = graph.edges.filter((e) => usable(e.node1_policy) || usable(e.node2_policy))
  const unusableChannels = graph.edges.length - edges.length
  const shape: GraphShape = { nodes: order, edges: edges.map((e) => [e.node1_pub, e.node2_pub] as const) }
  const component = new Set(
    components(induced(shape, new Set(edges.flatMap((e) => [e.node1_pub, e.node2_pub]))))[0] ?? [],
  )
  const outsideLargestComponent = known.size - component.size
  const connected = induced(shape, component)

  if (spec.sample === undefined && component.size > MAX_IMPORTED_NODES) {
    throw new TopologyFileError(
      `${options.file}: the graph's largest connected component has ${component.size} nodes, ` +
        `more than the ${MAX_IMPORTED_NODES} a scenario runs; add \`sample: N\` to take a smaller part of it`,
      'nodes',
    )
  }
  if (spec.sample !== undefined && spec.sample > component.size)
    notes.push(
      `sample: ${spec.sample} asked, but the largest connected component has ${component.size} nodes; all are kept`,
    )
  const chosen =
    spec.sample === undefined
      ? component
      : snowballSample(connected, spec.sample, new SeededRng(options.seed).fork('topology/sample'))
  const sub = induced(connected, chosen)
  if (sub.nodes.length < 2)
    throw new TopologyFileError(
      `${options.file}: no two nodes share a usable channel, so there is no network to import`,
      'edges',
    )

  const taken = new Set(options.takenNames ?? [])
  const nameOf = new Map<string, string>()
  sub.nodes.forEach((k, i) => {
    const alias = known.get(k)!.alias
    const base = spec.names === 'numbered' ? `n${i + 1}` : nameFromAlias(alias) || k.slice(0, 10)
    nameOf.set(k, unique(base, taken))
  })

  const policies = new PolicyMapper()
  const capacity = { raised: 0, lowered: 0 }
  const channelNames = new Set<string>()
  const channels: ImportedChannel[] = edges
    .filter((e) => chosen.has(e.node1_pub) && chosen.has(e.node2_pub))
    .map((e: DescribeGraphEdge) => {
      // BOLT #7: node_1 is the smaller node id; LND prints them so, but a re-serialised file may not
      const [one, two, p1, p2] =
        e.node1_pub < e.node2_pub
          ? [e.node1_pub, e.node2_pub, e.node1_policy, e.node2_policy]
          : [e.node2_pub, e.node1_pub, e.node2_policy, e.node1_policy]
      let capacitySat = e.capacity / BigInt(spec.capacityDivisor)
      if (capacitySat < spec.minCapacitySat) ((capacitySat = spec.minCapacitySat), capacity.raised++)
      if (spec.maxCapacitySat !== undefined && capacitySat > spec.maxCapacitySat)
        ((capacitySat = spec.maxCapacitySat), capacity.lowered++)
      const from = nameOf.get(one)!
      const to = nameOf.get(two)!
      const sizes = { file: e.capacity, scaled: capacitySat }
      const fromFeePolicy = policies.map(p1, sizes)
      const toFeePolicy = policies.map(p2, sizes)
      return {
        name: parallelName(`${from}-${to}`, channelNames),
        from,
        to,
        capacitySat,
        pushMsat: (capacitySat * 1000n * BigInt(spec.pushPercent)) / 100n,
        ...(fromFeePolicy ? { fromFeePolicy } : {}),
        ...(toFeePolicy ? { toFeePolicy } : {}),
        sourceChannelId: e.channel_id.toString(),
      }
    })
  if (capacity.raised)
    notes.push(`${capacity.raised} capacity(ies) raised to minCapacitySat (${spec.minCapacitySat} sat)`)
  if (capacity.lowered)
    notes.push(`${capacity.lowered} capacity(ies) lowered to maxCapacitySat (${spec.maxCapacitySat} sat)`)
  notes.push(...policies.notes())

  const funded = new Map<string, bigint>()
  for (const c of channels) funded.set(c.from, (funded.get(c.from) ?? 0n) + c.capacitySat + FUNDING_FEE_RESERVE_SAT)
  const nodes: ImportedNode[] = sub.nodes.map((k) => ({
    name: nameOf.get(k)!,
    fundsSat: (funded.get(nameOf.get(k)!) ?? 0n) + spec.fundsSat,
    pubKey: k,
    alias: known.get(k)!.alias,
  }))

  return {
    nodes,
    channels,
    summary: {
      file: options.file,
      nodesInFile: known.size,
      channelsInFile: graph.edges.length,
      unusableChannels,
      outsideLargestComponent,
      sample: spec.sample ?? null,
      nodes: nodes.length,
      channels: channels.length,
      notes,
    },
  }
}

/** Reads the describegraph file a topology names and turns it into nodes and channels. */
export function importTopology(spec: TopologySpec, options: ImportOptions): ImportedTopology {
  const file = resolve(options.baseDir, spec.describegraph)
  return graphToNetwork(readDescribeGraph(file), spec, { ...options, file })
}

/** A problem with a scenario's `topology` key, at a path inside the scenario. */
export interface TopologyIssue {
  path: (string | number)[]
  /** where to show it, when not at `path` (an unknown key is shown at the key itself) */
  at?: (string | number)[]
  message: string
  /** the zod issue code, when the schema found it */
  code?: string
}

export class TopologyError extends Error {
  constructor(readonly issues: TopologyIssue[]) {
    super(issues.map((i) => i.message).join('; '))
    this.name = 'TopologyError'
  }
}

export interface TopologyExpansion {
  /** the scenario as written, with the imported nodes and channels after its own */
  value: unknown
  summary: TopologySummary | null
  /** how many nodes and channels the scenario lists itself: entries past these were imported */
  own: { nodes: number; channels: number }
}

function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : []
}

/**
 * Expands a scenario's `topology` key (as written, before the schema) into
 * nodes and channels appended to its own, so that steps and expectations can
 * name them and the schema checks them like the rest. The key itself stays
 * (the schema knows it, and drops it once parsed).
 */
export function expandTopology(value: unknown, baseDir: string, override: { sample?: number } = {}): TopologyExpansion {
  const raw =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  const own = { nodes: listOf(raw?.nodes).length, channels: listOf(raw?.channels).length }
  if (raw?.topology === undefined) {
    if (override.sample !== undefined)
      throw new TopologyError([
        { path: [], message: 'a sample size was given (--sample), but the scenario imports no topology' },
      ])
    return { value, summary: null, own }
  }

  const topology =
    override.sample !== undefined && raw.topology !== null && typeof raw.topology === 'object'
      ? { ...raw.topology, sample: override.sample }
      : raw.topology
  const parsed = TopologySpec.safeParse(topology)
  if (!parsed.success) {
    throw new TopologyError(
      parsed.error.issues.map((i) => {
        const path = ['topology', ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))]
        return {
          path,
          ...(i.code === 'unrecognized_keys' && i.keys.length > 0 ? { at: [...path, i.keys[0]!] } : {}),
          message: i.message,
          code: i.code,
        }
      }),
    )
  }
  const seed = typeof raw.seed === 'string' ? raw.seed : typeof raw.name === 'string' ? raw.name : ''
  const takenNames = new Set(
    listOf(raw.nodes).flatMap((n) =>
      n !== null && typeof n === 'object' && typeof (n as { name?: unknown }).name === 'string'
        ? [(n as { name: string }).name]
        : [],
    ),
  )
  let imported: ImportedTopology
  try {
    imported = importTopology(parsed.data, { baseDir, seed, takenNames })
  } catch (err) {
    if (err instanceof TopologyFileError)
      throw new TopologyError([{ path: ['topology', 'describegraph'], message: err.message }])
    throw err
  }
  return {
    value: {
      ...raw,
      nodes: [...listOf(raw.nodes), ...imported.nodes.map((n) => ({ name: n.name, fundsSat: n.fundsSat }))],
      channels: [...listOf(raw.channels), ...imported.channels.map(({ sourceChannelId: _, ...c }) => c)],
    },
    summary: imported.summary,
    own,
  }
}
