/**
 * Importing a network from `lncli describegraph`: the file is parsed with
 * LND's field names and types and rejected at the field that is wrong; the
 * graph is sampled down keeping its hubs; names, capacities, funds and both
 * ends' fee policies come out as documented; and a scenario can name the
 * imported nodes, with mistakes still reported at their line and column.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import {
  ScenarioFileError,
  TopologySpec,
  components,
  degrees,
  graphToNetwork,
  highestDegreeNode,
  importTopology,
  induced,
  nameFromAlias,
  parseDescribeGraph,
  parseScenarioText,
  snowballSample,
  type DescribeGraph,
  type GraphShape,
} from '../../../src/scenario/index.js'
import { killRunning, runToEnd } from '../../helpers/processes.js'

const ROOT = resolve(__dirname, '../../..')
const FIXTURE = join(ROOT, 'scenarios/topologies/ln-like-50.json')
const fixtureText = readFileSync(FIXTURE, 'utf8')
const fixture: DescribeGraph = parseDescribeGraph(fixtureText, FIXTURE)

const key = (n: number): string => `02${n.toString(16).padStart(64, '0')}`
const policy = (o: Record<string, unknown> = {}): Record<string, unknown> => ({
  time_lock_delta: 40,
  min_htlc: '1000',
  fee_base_msat: '1000',
  fee_rate_milli_msat: '1',
  disabled: false,
  max_htlc_msat: '990000000',
  last_update: 1,
  ...o,
})
const edge = (a: number, b: number, o: Record<string, unknown> = {}): Record<string, unknown> => ({
  channel_id: String(700_000n << 40n),
  chan_point: `${'ab'.repeat(32)}:0`,
  node1_pub: key(a),
  node2_pub: key(b),
  capacity: '1000000',
  node1_policy: policy(),
  node2_policy: policy(),
  ...o,
})
const graph = (nodes: { n: number; alias?: string }[], edges: Record<string, unknown>[]): string =>
  JSON.stringify({
    nodes: nodes.map(({ n, alias }) => ({ pub_key: key(n), alias: alias ?? `node ${n}`, addresses: [] })),
    edges,
  })

function problem(text: string): string {
  try {
    parseDescribeGraph(text, 'g.json')
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('the file was accepted')
}

describe('describegraph files', () => {
  it('are read with LND field names: 64-bit integers as strings, 32-bit as numbers', () => {
    expect(fixture.nodes).toHaveLength(50)
    expect(fixture.edges.length).toBeGreaterThanOrEqual(80)
    const e = fixture.edges[2]!
    expect(typeof e.capacity).toBe('bigint')
    expect(typeof e.node1_policy!.fee_base_msat).toBe('bigint')
    expect(typeof e.node1_policy!.time_lock_delta).toBe('number')
  })

  it('are rejected with the field that is wrong', () => {
    expect(problem('{"nodes": [], "edges": [')).toMatch(/g\.json is not JSON/)
    expect(
      problem(graph([{ n: 1 }, { n: 2 }], [edge(1, 2, { node1_policy: policy({ fee_base_msat: 'lots' }) })])),
    ).toContain('edges[0].node1_policy.fee_base_msat: must be a whole number')
    expect(problem(graph([{ n: 1 }, { n: 2 }], [edge(1, 2, { capacity: '0' })]))).toContain(
      'edges[0].capacity: must be above 0 sat',
    )
    expect(problem(graph([{ n: 1 }, { n: 2 }], [edge(1, 2, { node2_pub: 'bob' })]))).toContain(
      'edges[0].node2_pub: must be a 33-byte compressed public key',
    )
    expect(problem(graph([{ n: 1 }, { n: 2 }], [edge(1, 1)]))).toContain(
      'edges[0].node2_pub: a channel needs two different nodes',
    )
    expect(
      problem(graph([{ n: 1 }, { n: 2 }], [edge(1, 2, { node1_policy: policy({ time_lock_delta: -3 }) })])),
    ).toContain('edges[0].node1_policy.time_lock_delta: must not be negative')
    expect(problem(JSON.stringify({ nodes: [{ alias: 'x' }], edges: [] }))).toContain('nodes[0].pub_key')
    expect(problem(JSON.stringify({ nodes: [] }))).toContain('edges')
  })

  it('refuse a capacity above all the bitcoin there is, saying so', () => {
    expect(problem(graph([{ n: 1 }, { n: 2 }], [edge(1, 2, { capacity: '100000000000000000000000000' })]))).toContain(
      'edges[0].capacity: must be at most 2100000000000000 sat (21,000,000 BTC',
    )
    expect(
      parseDescribeGraph(graph([{ n: 1 }, { n: 2 }], [edge(1, 2, { capacity: '2100000000000000' })]), 'g.json')
        .edges[0]!.capacity,
    ).toBe(2_100_000_000_000_000n)
  })

  it('say what is wrong with a file that is not JSON without quoting it', () => {
    const secret = 'AKIA-not-a-graph-0123456789'
    for (const text of [
      secret,
      `${secret}\n{"nodes": []}`,
      `{"nodes": [], "edges": [], "x": ${secret}}`,
      `{"nodes": [\n  "${secret}",\n  oops]}`,
      '',
      '{"nodes": [',
      '\uFEFF{"nodes": [], "edges": [',
    ]) {
      const message = problem(text)
      expect(message).toMatch(/^g\.json is not JSON: /)
      expect(message).not.toContain('AKIA')
      expect(message).not.toContain('oops')
    }
    expect(problem('')).toContain('the file is empty')
    expect(problem(secret)).toContain('does not begin with "{"')
    expect(problem('{"nodes": [],\n  edges: []}')).toContain('line 2, column 3')
    // a byte-order mark before the JSON is not an error
    expect(parseDescribeGraph(`\uFEFF${graph([{ n: 1 }, { n: 2 }], [edge(1, 2)])}`, 'g.json').edges).toHaveLength(1)
  })
})

describe('sampling a graph', () => {
  const shape: GraphShape = {
    nodes: fixture.nodes.map((n) => n.pub_key),
    edges: fixture.edges.map((e) => [e.node1_pub, e.node2_pub] as const),
  }
  const hub = highestDegreeNode(shape)!

  it('keeps the asked number of nodes, connected, starting from the biggest hub, the same for the same seed', () => {
    const a = snowballSample(shape, 20, new SeededRng('s').fork('topology/sample'))
    const b = snowballSample(shape, 20, new SeededRng('s').fork('topology/sample'))
    const c = snowballSample(shape, 20, new SeededRng('another seed').fork('topology/sample'))
    expect(a.size).toBe(20)
    expect([...a]).toEqual([...b])
    expect([...c].sort()).not.toEqual([...a].sort())
    expect(a.has(hub)).toBe(true)
    expect(components(induced(shape, a))).toHaveLength(1)
  })

  it('keeps the shape: the hub stays best connected, a few well-connected nodes, many with one or two channels', () => {
    const sample = induced(shape, snowballSample(shape, 20, new SeededRng('s')))
    const d = [...degrees(sample).entries()].sort((x, y) => y[1] - x[1])
    expect(d[0]![0]).toBe(hub)
    // a heavy tail, as in the full graph: the top node has several times the median's channels
    const median = d[Math.floor(d.length / 2)]![1]
    expect(d[0]![1]).toBeGreaterThanOrEqual(3 * median)
    expect(d.filter(([, n]) => n <= 2).length).toBeGreaterThanOrEqual(d.length / 3)
  })

  it('returns a graph no larger than the sample whole', () => {
    const small: GraphShape = {
      nodes: ['a', 'b', 'c'],
      edges: [
        ['a', 'b'],
        ['b', 'c'],
      ],
    }
    expect([...snowballSample(small, 5, new SeededRng('x'))].sort()).toEqual(['a', 'b', 'c'])
  })
})

describe('importing a topology', () => {
  const spec = (o: Record<string, unknown> = {}): TopologySpec => TopologySpec.parse({ describegraph: 'g.json', ...o })

  it('makes safe, unique names from aliases, or numbers them', () => {
    expect(nameFromAlias('⚡ Café Relay!')).toBe('Cafe_Relay')
    expect(nameFromAlias('   ')).toBe('')
    expect(nameFromAlias('a'.repeat(40))).toHaveLength(24)
    const g = parseDescribeGraph(
      graph(
        [
          { n: 1, alias: 'ACINQ ⚡' },
          { n: 2, alias: 'ACINQ ⚡' },
          { n: 3, alias: '' },
        ],
        [edge(1, 2), edge(2, 3)],
      ),
      'g.json',
    )
    expect(graphToNetwork(g, spec(), { baseDir: '.', seed: 's', file: 'g.json' }).nodes.map((n) => n.name)).toEqual([
      'ACINQ',
      'ACINQ-2',
      key(3).slice(0, 10),
    ])
    expect(
      graphToNetwork(g, spec({ names: 'numbered' }), { baseDir: '.', seed: 's', file: 'g.json' }).nodes.map(
        (n) => n.name,
      ),
    ).toEqual(['n1', 'n2', 'n3'])
    // never a name the run folder keeps for itself (its chain/, logs/, run.json)
    const reserved = parseDescribeGraph(
      graph(
        [
          { n: 1, alias: 'chain' },
          { n: 2, alias: 'LOGS' },
          { n: 3, alias: 'run.json' },
        ],
        [edge(1, 2), edge(2, 3)],
      ),
      'g.json',
    )
    expect(
      graphToNetwork(reserved, spec(), { baseDir: '.', seed: 's', file: 'g.json' }).nodes.map((n) => n.name),
    ).toEqual(['chain-2', 'LOGS-2', 'run.json-2'])
    // names the scenario itself uses are left to it
    expect(
      graphToNetwork(g, spec(), { baseDir: '.', seed: 's', file: 'g.json', takenNames: new Set(['ACINQ']) }).nodes.map(
        (n) => n.name,
      ),
    ).toEqual(['ACINQ-2', 'ACINQ-3', key(3).slice(0, 10)])
  })

  it("maps each end's policy onto that end, scales capacities, pushes half, and funds the opener", () => {
    const g = parseDescribeGraph(
      graph(
        [
          { n: 1, alias: 'one' },
          { n: 2, alias: 'two' },
          { n: 3, alias: 'three' },
        ],
        [
          // node1 and node2 swapped on purpose: the opener is the smaller node id (BOLT #7)
          edge(2, 1, {
            capacity: '5000000',
            node1_policy: policy({
              fee_base_msat: '2000',
              fee_rate_milli_msat: '250',
              time_lock_delta: 144,
              min_htlc: '1',
            }),
            node2_policy: policy({
              fee_base_msat: '0',
              fee_rate_milli_msat: '5000000',
              time_lock_delta: 9999,
              min_htlc: '0',
            }),
          }),
          edge(2, 3, { capacity: '100000', node2_policy: null }),
          edge(1, 3, { node1_policy: policy({ disabled: true }), node2_policy: null }),
        ],
      ),
      'g.json',
    )
    const t = graphToNetwork(g, spec({ capacityDivisor: 100, minCapacitySat: 20_000, fundsSat: 7 }), {
      baseDir: '.',
      seed: 's',
      file: 'g.json',
    })
    expect(t.channels).toEqual([
      {
        name: 'one-two',
        from: 'one',
        to: 'two',
        capacitySat: 50_000n,
        pushMsat: 25_000_000n,
        // max_htlc_msat: 990,000,000 of 5,000,000,000 msat in the file, the same share of 50,000 sat
        fromFeePolicy: {
          baseMsat: 0n,
          ppm: 1_000_000,
          cltvExpiryDelta: 2016,
          htlcMinimumMsat: 1n,
          htlcMaximumMsat: 9_900_000n,
        },
        toFeePolicy: {
          baseMsat: 2000n,
          ppm: 250,
          cltvExpiryDelta: 144,
          htlcMinimumMsat: 1n,
          htlcMaximumMsat: 9_900_000n,
        },
        sourceChannelId: String(700_000n << 40n),
      },
      {
        name: 'two-three',
        from: 'two',
        to: 'three',
        capacitySat: 20_000n,
        pushMsat: 10_000_000n,
        // 990,000,000 msat is more than the file's 100,000 sat channel holds: the capacity, lnsim's default
        fromFeePolicy: { baseMsat: 1000n, ppm: 1, cltvExpiryDelta: 40, htlcMinimumMsat: 1000n },
        sourceChannelId: String(700_000n << 40n),
      },
    ])
    expect(t.nodes.map((n) => [n.name, n.fundsSat])).toEqual([
      ['one', 50_000n + 5_000n + 7n],
      ['two', 20_000n + 5_000n + 7n],
      ['three', 7n],
    ])
    expect(t.summary).toMatchObject({ nodesInFile: 3, channelsInFile: 3, unusableChannels: 1, nodes: 3, channels: 2 })
    expect(t.summary.notes).toEqual([
      '1 capacity(ies) raised to minCapacitySat (20000 sat)',
      '1 fee rate(s) above 1000000 ppm lowered to 1000000',
      '1 time_lock_delta(s) outside 1–2016 brought into that range',
    ])
  })

  it('keeps max_htlc_msat as a share of the capacity, never below min_htlc, and counts what it raised', () => {
    const g = parseDescribeGraph(
      graph(
        [{ n: 1 }, { n: 2 }],
        [
          edge(1, 2, {
            capacity: '5000000',
            node1_policy: policy({ min_htlc: '1000', max_htlc_msat: '50000' }),
            node2_policy: policy({ max_htlc_msat: '0' }),
          }),
        ],
      ),
      'g.json',
    )
    const t = graphToNetwork(g, spec({ capacityDivisor: 100 }), { baseDir: '.', seed: 's', file: 'g.json' })
    // 50,000 msat of 5,000,000 sat is 500 msat of 50,000 sat: below min_htlc, so nothing could pass; raised to it
    expect(t.channels[0]!.fromFeePolicy).toMatchObject({ htlcMinimumMsat: 1000n, htlcMaximumMsat: 1000n })
    // 0: not set (LND before 0.7), so the capacity
    expect(t.channels[0]!.toFeePolicy).not.toHaveProperty('htlcMaximumMsat')
    expect(t.summary.notes).toContain('1 max_htlc_msat(s) below min_htlc once scaled raised to min_htlc')
  })

  it('keeps the largest connected component, and asks for a sample when it is too large to run', () => {
    const g = parseDescribeGraph(
      graph([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }], [edge(1, 2), edge(2, 3), edge(4, 5)]),
      'g.json',
    )
    const t = graphToNetwork(g, spec(), { baseDir: '.', seed: 's', file: 'g.json' })
    expect(t.nodes.map((n) => n.name)).toEqual(['node_1', 'node_2', 'node_3'])
    expect(t.summary.outsideLargestComponent).toBe(2)

    const big = parseDescribeGraph(
      graph(
        Array.from({ length: 501 }, (_, i) => ({ n: i + 1 })),
        Array.from({ length: 500 }, (_, i) => edge(1, i + 2)),
      ),
      'big.json',
    )
    expect(() => graphToNetwork(big, spec(), { baseDir: '.', seed: 's', file: 'big.json' })).toThrow(
      /501 nodes, more than the 500 a scenario runs; add `sample: N`/,
    )
    expect(graphToNetwork(big, spec({ sample: 30 }), { baseDir: '.', seed: 's', file: 'big.json' }).nodes).toHaveLength(
      30,
    )
  })

  it('imports the shipped 50-node fixture whole: every node, every usable channel', () => {
    const t = importTopology(spec({ describegraph: 'topologies/ln-like-50.json', capacityDivisor: 10 }), {
      baseDir: join(ROOT, 'scenarios'),
      seed: 'imported-50',
    })
    expect(t.nodes).toHaveLength(50)
    expect(new Set(t.nodes.map((n) => n.name)).size).toBe(50)
    expect(t.channels).toHaveLength(fixture.edges.length - 1)
    for (const n of t.nodes) expect(n.name).toMatch(/^[A-Za-z0-9_.-]{1,32}$/)
  })
})

describe('a scenario with a topology', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lnsim-topology-'))
    await writeFile(
      join(dir, 'g.json'),
      graph(
        [
          { n: 1, alias: 'alice' },
          { n: 2, alias: 'bob' },
          { n: 3, alias: 'carol' },
        ],
        [edge(1, 2), edge(2, 3)],
      ),
    )
    await writeFile(join(dir, 'bad.json'), graph([{ n: 1 }, { n: 2 }], [edge(1, 2, { capacity: 'a lot' })]))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const file = (): string => join(dir, 'scenario.yaml')
  const problems = (text: string): string[] => {
    try {
      parseScenarioText(text, file())
    } catch (err) {
      if (err instanceof ScenarioFileError) return err.issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`)
      throw err
    }
    throw new Error('the scenario was accepted')
  }

  it('gets the imported nodes and channels after its own, and steps may name them', () => {
    const s = parseScenarioText(
      [
        'name: t',
        'topology:',
        '  describegraph: g.json',
        'nodes:',
        '  - { name: erin, fundsSat: 10 }',
        'steps:',
        '  - pay: { from: alice, to: carol, amountMsat: 1000 }',
        'expect:',
        '  - channelState: { channel: bob-carol, active: true }',
      ].join('\n'),
      file(),
    )
    expect(s.nodes.map((n) => n.name)).toEqual(['erin', 'alice', 'bob', 'carol'])
    expect(s.channels.map((c) => c.name)).toEqual(['alice-bob', 'bob-carol'])
    expect(s.channels[0]).toMatchObject({
      capacitySat: 1_000_000n,
      pushMsat: 500_000_000n,
      fromFeePolicy: { baseMsat: 1000n, ppm: 1, cltvExpiryDelta: 40, htlcMinimumMsat: 1000n },
    })
    expect(s.imported).toMatchObject({ nodes: 3, channels: 2, file: join(dir, 'g.json') })
    expect('topology' in s).toBe(false)
  })

  it('reports a step naming a node the import does not have at its line and column', () => {
    expect(
      problems(
        [
          'name: t',
          'topology:',
          '  describegraph: g.json',
          'steps:',
          '  - pay: { from: alice, to: dave, amountMsat: 1000 }',
        ].join('\n'),
      ),
    ).toEqual(['5:29 steps[0].pay.to: no node named "dave" (the nodes are: alice, bob, carol)'])
  })

  it('reports a bad topology at the key, naming the file and its field', () => {
    expect(problems(['name: t', 'topology:', '  describegraph: bad.json'].join('\n'))[0]).toMatch(
      new RegExp(
        '^3:18 topology\\.describegraph: .*bad\\.json is not an `lncli describegraph` graph: ' +
          'edges\\[0\\]\\.capacity: must be a whole number',
      ),
    )
    expect(problems(['name: t', 'topology:', '  describegraph: missing.json'].join('\n'))[0]).toMatch(
      /^3:18 topology\.describegraph: cannot read the describegraph file .*missing\.json \(ENOENT\)/,
    )
    expect(problems(['name: t', 'topology:', '  describegraph: g.json', '  sample: 1'].join('\n'))[0]).toBe(
      '4:11 topology.sample: must be a whole number from 2 to 500, got 1',
    )
    expect(problems(['name: t', 'topology:', '  describegraph: g.json', '  sampel: 10'].join('\n'))[0]).toMatch(
      /^4:3 topology: unknown key "sampel"/,
    )
    // an opener that pushed (nearly) everything could not keep its reserve: refused before anything starts
    expect(problems(['name: t', 'topology:', '  describegraph: g.json', '  pushPercent: 100'].join('\n'))[0]).toMatch(
      /^4:16 topology\.pushPercent: must be a whole number from 0 to 90/,
    )
    expect(
      problems(
        [
          'name: t',
          'topology:',
          '  describegraph: g.json',
          '  minCapacitySat: 50_000',
          '  maxCapacitySat: 40_000',
        ].join('\n'),
      )[0],
    ).toMatch(/topology\.maxCapacitySat: maxCapacitySat must be at least minCapacitySat/)
  })

  it('refuses a describegraph path that is not a file before reading it: /dev/zero would never end', () => {
    for (const path of ['/dev/null', '/dev/zero', dir]) {
      expect(problems(['name: t', 'topology:', `  describegraph: ${path}`].join('\n'))[0]).toMatch(
        /^3:18 topology\.describegraph: .* is not a file \(a folder, a device or a pipe\)/,
      )
    }
  })

  it('still needs nodes from somewhere', () => {
    expect(problems('name: t\n')).toEqual([
      '1:1 nodes: a scenario needs nodes: list them, or import them with topology',
    ])
  })

  it('overrides the sample size when the run asks (lnsim run --sample)', () => {
    const text = ['name: t', 'topology:', '  describegraph: g.json'].join('\n')
    expect(parseScenarioText(text, file(), { sample: 2 }).nodes).toHaveLength(2)
    expect(() => parseScenarioText('name: t\nnodes: [{ name: a, fundsSat: 1 }]\n', file(), { sample: 2 })).toThrow(
      /--sample.*imports no topology/,
    )
  })
})

describe('an imported network, run', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lnsim-topology-run-'))
  })
  afterEach(killRunning)
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('charges each direction the fee its end announced in the file', { timeout: 120_000 }, async () => {
    // 1 - 2 - 3; node 2 forwards 1 → 3 over channel 2-3 with its own policy there (node1_policy of that edge),
    // and 3 → 1 over channel 1-2 with its policy there (node2_policy of that edge)
    await writeFile(
      join(dir, 'line.json'),
      graph(
        [
          { n: 1, alias: 'alice' },
          { n: 2, alias: 'bob' },
          { n: 3, alias: 'carol' },
        ],
        [
          edge(1, 2, {
            node1_policy: policy({ fee_base_msat: '5', fee_rate_milli_msat: '5' }),
            node2_policy: policy({ fee_base_msat: '7777', fee_rate_milli_msat: '0' }),
          }),
          edge(2, 3, {
            node1_policy: policy({ fee_base_msat: '2000', fee_rate_milli_msat: '100' }),
            node2_policy: policy({ fee_base_msat: '9999', fee_rate_milli_msat: '9' }),
          }),
        ],
      ),
    )
    const scenario = join(dir, 'line.yaml')
    await writeFile(
      scenario,
      [
        'name: imported-line',
        'topology: { describegraph: line.json }',
        'steps:',
        '  - pay: { id: right, from: alice, to: carol, amountMsat: 1_000_000 }',
        '  - pay: { id: left, from: carol, to: alice, amountMsat: 1_000_000 }',
        'expect:',
        '  - payment: { step: right, status: succeeded, route: [alice, bob, carol], feeMsat: 2_100 }',
        '  - payment: { step: left, status: succeeded, route: [carol, bob, alice], feeMsat: 7_777 }',
      ].join('\n'),
    )
    const r = await runToEnd(['run', scenario, '--plain'])
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
    expect(r.stdout).toMatch(/topology .*line\.json: 3 of 3 node\(s\), 2 of 2 channel\(s\)\n/)
  })
})
