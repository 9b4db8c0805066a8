/**
 * SimLN's activity: its file as SimLN reads it, its node references, the defined activity's schedule, and the random
 * model's payment count and amounts against what its parameters ask.
 */
import { describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { parseSimlnFile } from '../../../src/scenario/activity/simlnFile.js'
import { resolveNodeRef } from '../../../src/scenario/activity/nodeRefs.js'
import { planDefinedActivity } from '../../../src/scenario/activity/definedPlan.js'
import {
  SECONDS_PER_MONTH,
  planRandomActivity,
  RandomActivityError,
} from '../../../src/scenario/activity/randomModel.js'
import { ScenarioFileError } from '../../../src/scenario/errors.js'
import { loadScenarioFile, parseScenarioText } from '../../../src/scenario/index.js'
import { dirname, join, resolve } from 'node:path'

describe("SimLN's sim.json", () => {
  it("reads SimLN's README example: connection details ignored, ranges and optional fields kept", () => {
    const f = parseSimlnFile(
      {
        nodes: [
          { id: 'Alice', address: 'localhost:10011', macaroon: '/path/admin.macaroon', cert: '/path/tls.cert' },
          { id: 'Erin', base_url: '127.0.0.1:8286', api_username: '', api_password: 'x' },
        ],
        activity: [
          { source: 'Alice', destination: 'Erin', interval_secs: 1, amount_msat: 2000 },
          {
            source: 'Erin',
            destination: 'Alice',
            start_secs: 20,
            count: 10,
            interval_secs: [2, 4],
            amount_msat: [1, 9],
          },
        ],
      },
      'sim.json',
    )
    expect(f.nodes).toEqual(['Alice', 'Erin'])
    expect(f.activity[1]).toEqual({
      source: 'Erin',
      destination: 'Alice',
      start_secs: 20,
      count: 10,
      interval_secs: [2, 4],
      amount_msat: [1, 9],
    })
  })

  it('says what is wrong, field by field', () => {
    const bad = () =>
      parseSimlnFile(
        {
          nodes: [{ address: 'localhost:3536', api_key: 'ab' }],
          activity: [{ source: 'Zed', destination: 'Alice', interval_secs: [5, 2], amount_msat: 0 }],
          sim_network: [],
        },
        'sim.json',
      )
    expect(bad).toThrow(ScenarioFileError)
    const message = (() => {
      try {
        bad()
      } catch (err) {
        return (err as Error).message
      }
      return ''
    })()
    expect(message).toContain('nodes[0].id: lnsim maps SimLN nodes to scenario nodes by id')
    expect(message).toContain('activity[0].interval_secs')
    expect(message).toContain('activity[0].amount_msat')
    expect(message).toContain('activity[0].source: "Zed" is not the id of one of the file\'s nodes')
    expect(message).toContain("sim_network: SimLN's simulated network is the scenario in lnsim")
  })
})

describe("SimLN's node references", () => {
  const names = ['alice', 'bob']
  const ids = new Map([
    ['alice', '02' + 'aa'.repeat(32)],
    ['bob', '03' + 'bb'.repeat(32)],
  ])
  it('an alias names the node of that name, whatever its case; a public key the node with that id', () => {
    expect(resolveNodeRef('bob', names, ids)).toEqual({ name: 'bob' })
    expect(resolveNodeRef('Alice', names, ids)).toEqual({ name: 'alice' })
    expect(resolveNodeRef('03' + 'BB'.repeat(32), names, ids)).toEqual({ name: 'bob' })
  })
  it('anything else says which nodes there are', () => {
    expect(resolveNodeRef('carol', names, ids)).toEqual({ problem: expect.stringContaining('its nodes: alice, bob') })
    expect(resolveNodeRef('02' + 'cc'.repeat(32), names, ids)).toEqual({
      problem: expect.stringContaining('no node of the network has the public key'),
    })
  })
})

describe("SimLN's defined activity", () => {
  const rng = () => new SeededRng('defined')
  it('starts after one interval, or at start_secs, and stops at count', () => {
    const a = { source: 'a', destination: 'b', interval_secs: 2, amount_msat: 5000 }
    expect(planDefinedActivity({ ...a, count: 3 }, 'a', 'b', 60_000, rng()).map((p) => p.atMs)).toEqual([
      2000, 4000, 6000,
    ])
    expect(planDefinedActivity({ ...a, count: 3, start_secs: 10 }, 'a', 'b', 60_000, rng()).map((p) => p.atMs)).toEqual(
      [10_000, 12_000, 14_000],
    )
  })
  it('without a count it goes on until the end; ranges are drawn for each payment within [min, max)', () => {
    const plan = planDefinedActivity(
      { source: 'a', destination: 'b', interval_secs: [1, 3], amount_msat: [1000, 2000] },
      'a',
      'b',
      100_000,
      rng(),
    )
    expect(plan.length).toBeGreaterThan(33)
    expect(plan.length).toBeLessThanOrEqual(100)
    const gaps = plan.slice(1).map((p, i) => p.atMs - plan[i]!.atMs)
    expect(new Set(gaps)).toEqual(new Set([1000, 2000]))
    expect(plan.every((p) => p.amountMsat >= 1000n && p.amountMsat < 2000n)).toBe(true)
    expect(plan.at(-1)!.atMs).toBeLessThan(100_000)
  })
})

describe("SimLN's random activity model", () => {
  // four nodes: capacities in msat of all their channels (each node counts half)
  const nodes = [
    { name: 'alice', channelCapacityMsat: 4_000_000_000n },
    { name: 'bob', channelCapacityMsat: 2_000_000_000n },
    { name: 'carol', channelCapacityMsat: 2_000_000_000n },
    { name: 'dave', channelCapacityMsat: 8_000_000_000n },
  ]
  const params = { expectedPaymentMsat: 50_000_000n, capacityMultiplier: 5_000, durationMs: 600_000 }

  it('sends as many payments as its parameters ask, and their mean is the expected amount', () => {
    // four equal nodes, so every pair has the same limit L = 500,000 sat and L/E = 2: σ² = 2 ln 2
    const equal = ['alice', 'bob', 'carol', 'dave'].map((name) => ({ name, channelCapacityMsat: 2_000_000_000n }))
    const p = { expectedPaymentMsat: 250_000_000n, capacityMultiplier: 1_000_000, durationMs: 600_000 }
    const plan = planRandomActivity(equal, p, new SeededRng('model'))
    // λ per node = (capacity / 2) × multiplier / expected amount / seconds in a 30-day month
    const perNode = (1_000_000_000 * p.capacityMultiplier) / Number(p.expectedPaymentMsat) / SECONDS_PER_MONTH
    const expected = 4 * perNode * (p.durationMs / 1000)
    expect(expected).toBeCloseTo(3703.7, 0)
    // a Poisson count has standard deviation √3704 ≈ 61 (1.6%): 5% is more than 3 of them
    expect(Math.abs(plan.payments.length - expected) / expected).toBeLessThan(0.05)
    // the mean of N log-normal draws has relative standard error √(e^σ² − 1) / √N = √3 / 61 ≈ 2.8%: 10% is 3.5 of them
    const mean = Number(plan.payments.reduce((s, x) => s + x.amountMsat, 0n)) / plan.payments.length
    expect(Math.abs(mean - Number(p.expectedPaymentMsat)) / Number(p.expectedPaymentMsat)).toBeLessThan(0.1)
    expect(plan.payments.every((x) => x.from !== x.to && x.atMs >= 0 && x.atMs < p.durationMs)).toBe(true)
  })

  it('sends from each node in proportion to its capacity, to destinations weighted by capacity', () => {
    const plan = planRandomActivity(nodes, params, new SeededRng('model'))
    const from = (n: string) => plan.payments.filter((p) => p.from === n).length
    const to = (n: string) => plan.payments.filter((p) => p.to === n).length
    expect(from('dave') / from('bob')).toBeGreaterThan(3)
    expect(from('dave') / from('bob')).toBeLessThan(5)
    expect(to('dave')).toBeGreaterThan(to('alice'))
    expect(to('alice')).toBeGreaterThan(to('bob'))
  })

  it('is seeded: the same seed plans the same payments, another seed others', () => {
    const a = planRandomActivity(nodes, { ...params, durationMs: 60_000 }, new SeededRng('s'))
    const b = planRandomActivity(nodes, { ...params, durationMs: 60_000 }, new SeededRng('s'))
    const c = planRandomActivity(nodes, { ...params, durationMs: 60_000 }, new SeededRng('t'))
    expect(b.payments).toEqual(a.payments)
    expect(c.payments).not.toEqual(a.payments)
  })

  it('leaves out a node with less than twice the expected amount, and needs two nodes', () => {
    const plan = planRandomActivity(
      [...nodes, { name: 'erin', channelCapacityMsat: 90_000_000n }],
      { ...params, durationMs: 10_000 },
      new SeededRng('x'),
    )
    expect(plan.excluded).toEqual(['erin'])
    expect(plan.payments.some((p) => p.from === 'erin' || p.to === 'erin')).toBe(false)
    expect(() => planRandomActivity(nodes.slice(0, 1), params, new SeededRng('x'))).toThrow(RandomActivityError)
  })
})

describe('a scenario file with SimLN activity', () => {
  const NETWORK = [
    'name: t',
    'nodes:',
    '  - { name: alice, fundsSat: 2_000_000 }',
    '  - { name: bob, fundsSat: 2_000_000 }',
    'channels:',
    '  - { from: alice, to: bob, capacitySat: 1_000_000 }',
    '',
  ].join('\n')
  const file = join(resolve(__dirname, '../../../scenarios'), 'simln-network.yaml')

  it('takes traffic with model simln, and says what each model has no use for', () => {
    const s = parseScenarioText(
      NETWORK + 'steps:\n  - traffic: { model: simln, durationMs: 1000, capacityMultiplier: 5000 }\n',
      't.yaml',
    )
    expect(s.steps[0]).toMatchObject({ kind: 'traffic', model: 'simln', capacityMultiplier: 5000 })
    const mixed = () =>
      parseScenarioText(
        NETWORK + 'steps:\n  - traffic: { model: simln, durationMs: 1000, ratePerSecond: 5 }\n',
        't.yaml',
      )
    expect(mixed).toThrow('model simln draws its own pairs, times and amounts: leave out ratePerSecond')
    const uniform = () =>
      parseScenarioText(
        NETWORK + 'steps:\n  - traffic: { random: true, durationMs: 1000, ratePerSecond: 5 }\n',
        't.yaml',
      )
    expect(uniform).toThrow('uniform traffic needs amountMsat: { min, max }')
  })

  it('reads activity: relative to the scenario file, and shows its problems at the activity key', async () => {
    const s = await loadScenarioFile(file)
    expect(s.simln?.sim.activity).toHaveLength(3)
    expect(s.simln?.sim.file).toBe(join(dirname(file), 'simln/sim.json'))
    const wrong = () => parseScenarioText(NETWORK + 'activity: ./simln/random-sim.json\n', file)
    expect(wrong).toThrow(
      /simln-network\.yaml:7:11: activity: .*random-sim\.json nodes\[2\]\.id: "carol" names no node/,
    )
  })
})
