/**
 * Fuzzing the describegraph importer: any file text, with any topology
 * options, gives nodes and channels a scenario can run or a TopologyFileError
 * naming the field at fault. Seeds are the shipped LN-like graph and small
 * generated ones (hubs, parallel channels, disabled policies), mutated as text
 * and as values.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { graphToNetwork, parseDescribeGraph, TopologyFileError, TopologySpec } from '../../src/scenario/index.js'
import { MAX_IMPORTED_NODES } from '../../src/scenario/topology/topologyImport.js'
import { check, outcome, timeoutFor } from './fuzz.js'
import { mutatedText, mutatedValue, tokensOf } from './mutate.js'

const FIXTURE = readFileSync(resolve(import.meta.dirname, '../../scenarios/topologies/ln-like-50.json'), 'utf8')

const key = (n: number): string => `0${2 + (n % 2)}${n.toString(16).padStart(64, '0')}`
const policy = fc.record({
  time_lock_delta: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constant(0xffff_ffff)),
  min_htlc: fc.oneof(fc.nat().map(String), fc.constant('0')),
  fee_base_msat: fc.oneof(fc.nat().map(String), fc.constant('99999999999999')),
  fee_rate_milli_msat: fc.oneof(fc.nat(2_000_000).map(String), fc.constant('18446744073709551615')),
  disabled: fc.boolean(),
})
/** A small graph: a few nodes, any edges between them (parallel ones too), each end with or without a policy. */
const smallGraph = fc
  .record({
    nodes: fc.array(fc.record({ n: fc.nat(12), alias: fc.string({ maxLength: 30 }) }), { maxLength: 12 }),
    edges: fc.array(
      fc.record({
        a: fc.nat(12),
        b: fc.nat(12),
        id: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        capacity: fc.bigInt({ min: 1n, max: 10n ** 12n }),
        p1: fc.option(policy),
        p2: fc.option(policy),
      }),
      { maxLength: 30 },
    ),
  })
  .map(({ nodes, edges }) => ({
    nodes: nodes.map(({ n, alias }) => ({ pub_key: key(n), alias, addresses: [] })),
    edges: edges
      .filter((e) => e.a !== e.b)
      .map((e) => ({
        channel_id: e.id.toString(),
        node1_pub: key(e.a),
        node2_pub: key(e.b),
        capacity: e.capacity.toString(),
        node1_policy: e.p1,
        node2_policy: e.p2,
      })),
  }))

const graphValue = fc.oneof(
  { weight: 1, arbitrary: fc.constant(JSON.parse(FIXTURE) as unknown) },
  { weight: 3, arbitrary: smallGraph as fc.Arbitrary<unknown> },
)
const JSON_SYNTAX = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\"',
  '\\u0000',
  'null',
  'true',
  'false',
  '-1',
  '1e999',
  '0.5',
  '18446744073709551616',
  '"__proto__"',
  ' ',
  '\n',
  '02',
  '03',
  'ff'.repeat(33),
]
const DICTIONARY = tokensOf([FIXTURE.slice(0, 5000)], JSON_SYNTAX)

/** Topology options as a scenario may write them; what TopologySpec refuses falls back to the defaults. */
const spec = fc
  .record(
    {
      describegraph: fc.constant('g.json'),
      sample: fc.integer({ min: 0, max: 600 }),
      names: fc.constantFrom('alias', 'numbered', 'other'),
      fundsSat: fc.bigInt({ min: 0n, max: 10n ** 9n }),
      capacityDivisor: fc.integer({ min: 0, max: 10 ** 9 }),
      minCapacitySat: fc.bigInt({ min: 0n, max: 10n ** 8n }),
      maxCapacitySat: fc.bigInt({ min: 0n, max: 10n ** 10n }),
      pushPercent: fc.integer({ min: 0, max: 100 }),
    },
    { requiredKeys: ['describegraph'] },
  )
  .map((s) => {
    const parsed = TopologySpec.safeParse(s)
    return parsed.success ? parsed.data : TopologySpec.parse({ describegraph: 'g.json' })
  })

function imports(text: string, topology: TopologySpec, seed: string): void {
  const graph = outcome(() => parseDescribeGraph(text, 'g.json'), TopologyFileError)
  if (!graph.ok) return
  const r = outcome(
    () => graphToNetwork(graph.value, topology, { baseDir: '.', seed, file: 'g.json' }),
    TopologyFileError,
  )
  if (!r.ok) return
  const { nodes, channels } = r.value
  const names = new Set(nodes.map((n) => n.name))
  expect(names.size).toBe(nodes.length)
  expect(nodes.length).toBeLessThanOrEqual(topology.sample ?? MAX_IMPORTED_NODES)
  for (const c of channels) {
    expect(names.has(c.from) && names.has(c.to) && c.from !== c.to).toBe(true)
    // as topologyImport.ts promises; the scenario's schema judges what the options allow (minCapacitySat: 0 gives 0
    // sat)
    expect(c.capacitySat).toBeGreaterThanOrEqual(topology.minCapacitySat)
    if (topology.maxCapacitySat !== undefined) expect(c.capacitySat).toBeLessThanOrEqual(topology.maxCapacitySat)
    expect(c.pushMsat).toBeLessThanOrEqual(c.capacitySat * 1000n)
  }
}

describe('fuzzing the describegraph importer', () => {
  it(
    'random text',
    () => {
      check(
        fc.property(
          fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.json({ maxDepth: 3 })),
          spec,
          fc.string({ maxLength: 8 }),
          imports,
        ),
        1000,
      )
    },
    timeoutFor(1000),
  )

  it(
    'graphs mutated as text',
    () => {
      check(
        fc.property(
          mutatedText(
            graphValue.map((g) => JSON.stringify(g)),
            DICTIONARY,
          ),
          spec,
          fc.string({ maxLength: 8 }),
          imports,
        ),
        300,
      )
    },
    timeoutFor(300),
  )

  it(
    'graphs mutated as values',
    () => {
      check(
        fc.property(
          mutatedValue(graphValue).map((g) => JSON.stringify(g) ?? ''),
          spec,
          fc.string({ maxLength: 8 }),
          imports,
        ),
        300,
      )
    },
    timeoutFor(300),
  )
})
