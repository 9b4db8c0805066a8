/**
 * The steps that make trouble (fault, latency, partition, heal, hold, cheat)
 * and the expectations that judge it (conservation, pendingHtlcs,
 * paymentLatency), as files write them: mistakes reported at their line and
 * column before anything starts, --testing asked for only when a step needs
 * it, latency verdicts that say what was measured.
 */
import { describe, expect, it } from 'vitest'
import { scenarioIssues } from '../../helpers/scenarioIssues.js'
import {
  Network,
  parseScenarioText,
  toNetworkSpec,
  type PaymentOutcome,
  type ScenarioIssue,
} from '../../../src/scenario/index.js'
import { latencyVerdict } from '../../../src/scenario/run/expectations.js'
import { describeStep } from '../../../src/scenario/run/steps.js'
import { Expectation } from '../../../src/scenario/file/schema.js'
import { summarizeTraffic } from '../../../src/scenario/run/traffic.js'

const NETWORK = `name: trouble
nodes:
  - { name: alice, fundsSat: 1_005_000 }
  - { name: bob, fundsSat: 0 }
  - { name: carol, fundsSat: 0 }
channels:
  - { from: alice, to: bob, capacitySat: 1_000_000 }
`

function parse(body: string) {
  return parseScenarioText(NETWORK + body, 'trouble.yaml')
}

function issuesOf(body: string): ScenarioIssue[] {
  return scenarioIssues(NETWORK + body, 'trouble.yaml')
}

describe('trouble steps in a scenario file', () => {
  it('parse into typed steps, and ask for --testing only when a step uses the hooks', () => {
    const s = parse(`steps:
  - fault: { node: bob, peer: alice, message: revoke_and_ack, action: drop }
  - latency: { channel: alice-bob, delay: { uniform: { minMs: 10, maxMs: 20 } }, dropRate: 0.01 }
  - latency: { node: carol, delay: { exponential: { meanMs: 5 } } }
  - partition: { groups: [[alice], [bob, carol]], durationMs: 1_000 }
  - heal: {}
  - hold: { node: bob, hold: true }
  - cheat: { node: alice, channel: alice-bob }
  - pay: { from: alice, to: bob, amountMsat: 1000, background: true }
  - wait: { until: { pendingHtlcs: { channel: alice-bob, node: bob, count: 1 } }, mineMempool: true }
expect:
  - conservation: {}
`)
    expect(s.testing).toBe(true)
    expect(s.steps.map((x) => x.kind)).toEqual([
      'fault',
      'latency',
      'latency',
      'partition',
      'heal',
      'hold',
      'cheat',
      'pay',
      'wait',
    ])
    expect(s.steps[0]).toMatchObject({
      kind: 'fault',
      node: 'bob',
      peer: 'alice',
      message: 'revoke_and_ack',
      nth: 1,
      action: 'drop',
    })
    expect(s.steps[1]).toMatchObject({
      kind: 'latency',
      channel: 'alice-bob',
      delay: { kind: 'uniform', minMs: 10, maxMs: 20 },
      dropRate: 0.01,
    })
    expect(s.steps[2]).toMatchObject({ kind: 'latency', node: 'carol', delay: { kind: 'exponential', meanMs: 5 } })
    expect(s.steps[7]).toMatchObject({ kind: 'pay', background: true })
    expect(s.steps[8]).toMatchObject({
      kind: 'wait',
      mineMempool: true,
      until: { kind: 'pendingHtlcs', count: { op: '==', value: 1n } },
    })
    expect(s.expect).toEqual([{ kind: 'conservation' }])

    const plain = parse(`steps:\n  - pay: { from: alice, to: bob, amountMsat: 1000 }\nexpect:\n  - conservation: {}\n`)
    expect(plain.testing).toBe(false)
    expect(parse('testing: true\n').testing).toBe(true)
  })

  it('start the nodes with --testing exactly when the scenario asks for the hooks', () => {
    const argsOf = (spec: Parameters<typeof toNetworkSpec>[0]) =>
      new Network(toNetworkSpec(spec), 'unused', false, {}).nodes.map((n) => n.args.includes('--testing'))
    // the runner launches a loaded scenario through toNetworkSpec again: what the steps asked for must survive it
    expect(argsOf(parse('steps:\n  - hold: { node: bob, hold: true }\n'))).toEqual([true, true, true])
    expect(argsOf(parse('steps:\n  - mine: { blocks: 1 }\n'))).toEqual([false, false, false])
    expect(argsOf({ nodes: [{ name: 'alice', fundsSat: 0 }] })).toEqual([false])
    expect(argsOf({ nodes: [{ name: 'alice', fundsSat: 0 }], testing: true })).toEqual([true])
  })

  it('refuse, in a script, a hook the network was not started for, saying how to ask for it', async () => {
    const net = new Network(toNetworkSpec({ nodes: [{ name: 'alice', fundsSat: 0 }] }), 'unused', false, {})
    await expect(net.testing.hold('alice', true)).rejects.toMatchObject({
      code: 'TESTING_DISABLED',
      message: expect.stringContaining('testing: true'),
    })
  })

  it('say in words what each does, for the live view', () => {
    const s = parse(`steps:
  - fault: { node: bob, peer: alice, message: commitment_signed, nth: 2, action: disconnect_before }
  - latency: { channel: alice-bob, delay: { uniform: { minMs: 10, maxMs: 20 } }, dropRate: 0.05 }
  - latency: { node: carol }
  - partition: { groups: [[alice], [bob, carol]], durationMs: 1_000 }
  - hold: { node: bob, hold: false }
  - cheat: { node: alice, channel: alice-bob }
`)
    expect(s.steps.map(describeStep)).toEqual([
      'fault: bob will disconnect before its 2nd commitment_signed to alice',
      'latency: delay 10–20 ms, lose 5.0% both ways on alice-bob',
      'latency: no delay or loss on everything carol sends',
      'partition alice | bob, carol for 1000 ms',
      'bob settles the payments it held',
      'alice cheats: broadcasts a revoked commitment of alice-bob',
    ])
  })

  it('reject an unknown message name at the name, listing the messages', () => {
    const [issue, ...rest] = issuesOf('steps:\n  - fault: { node: bob, peer: alice, message: revoke, action: drop }\n')
    expect(rest).toEqual([])
    expect(issue).toMatchObject({ line: 9, col: 47, path: 'steps[0].fault.message' })
    expect(issue!.message).toContain('no peer message named "revoke"')
    expect(issue!.message).toContain('revoke_and_ack')
  })

  it('reject unknown nodes and channels at their line and column', () => {
    expect(issuesOf('steps:\n  - fault: { node: bob, peer: dave, message: revoke_and_ack, action: drop }\n')).toEqual([
      expect.objectContaining({
        line: 9,
        col: 31,
        path: 'steps[0].fault.peer',
        message: expect.stringContaining('no node named "dave"'),
      }),
    ])
    expect(issuesOf('steps:\n  - hold: { node: erin, hold: true }\n')).toEqual([
      expect.objectContaining({ line: 9, col: 19, path: 'steps[0].hold.node' }),
    ])
    expect(issuesOf('steps:\n  - latency: { channel: bob-carol, delay: { fixed: { ms: 5 } } }\n')).toEqual([
      expect.objectContaining({
        line: 9,
        col: 25,
        path: 'steps[0].latency.channel',
        message: expect.stringContaining('no channel named "bob-carol"'),
      }),
    ])
    expect(issuesOf('steps:\n  - partition: { groups: [[alice], [bob, dave]] }\n')).toEqual([
      expect.objectContaining({ line: 9, path: 'steps[0].partition.groups[1][1]' }),
    ])
    expect(issuesOf('steps:\n  - cheat: { node: carol, channel: alice-bob }\n')).toEqual([
      expect.objectContaining({
        line: 9,
        path: 'steps[0].cheat.node',
        message: 'carol is not an end of channel alice-bob (alice, bob)',
      }),
    ])
  })

  it('reject the meaningless: a node on both sides, a fault to itself, latency on node and channel, min > max', () => {
    expect(issuesOf('steps:\n  - partition: { groups: [[alice, bob], [bob]] }\n')).toEqual([
      expect.objectContaining({
        path: 'steps[0].partition.groups[1][0]',
        message: expect.stringContaining('already in group 1'),
      }),
    ])
    expect(issuesOf('steps:\n  - partition: { groups: [[alice, bob]] }\n')).toEqual([
      expect.objectContaining({ path: 'steps[0].partition.groups' }),
    ])
    expect(issuesOf('steps:\n  - fault: { node: bob, peer: bob, message: ping, action: drop }\n')).toEqual([
      expect.objectContaining({ path: 'steps[0].fault.peer' }),
    ])
    expect(issuesOf('steps:\n  - latency: { node: bob, channel: alice-bob }\n')).toEqual([
      expect.objectContaining({ path: 'steps[0].latency' }),
    ])
    expect(issuesOf('steps:\n  - latency: { node: bob, delay: { uniform: { minMs: 20, maxMs: 10 } } }\n')).toEqual([
      expect.objectContaining({ path: 'steps[0].latency.delay.uniform.maxMs' }),
    ])
    expect(issuesOf('steps:\n  - fault: { node: bob, peer: alice, message: ping, action: explode }\n')).toEqual([
      expect.objectContaining({ path: 'steps[0].fault.action' }),
    ])
  })

  it('reject a trouble step in a scenario that turned the hooks off', () => {
    expect(issuesOf('testing: false\nsteps:\n  - heal: {}\n')).toEqual([
      expect.objectContaining({ line: 10, path: 'steps[0].heal', message: expect.stringContaining('testing: false') }),
    ])
  })

  it('reject latency and HTLC expectations about things that do not exist', () => {
    expect(issuesOf('expect:\n  - paymentLatency: { step: nope, p50Ms: "< 100" }\n')).toEqual([
      expect.objectContaining({ line: 9, path: 'expect[0].paymentLatency.step' }),
    ])
    expect(
      issuesOf(
        'steps:\n  - pay: { id: a, from: alice, to: bob, amountMsat: 1 }\nexpect:\n  - paymentLatency: { step: ' +
          'a, byMs: 5 }\n',
      ),
    ).toEqual([expect.objectContaining({ path: 'expect[0].paymentLatency' })])
    expect(issuesOf('expect:\n  - pendingHtlcs: { channel: alice-carol, count: 0 }\n')).toEqual([
      expect.objectContaining({ path: 'expect[0].pendingHtlcs.channel' }),
    ])
  })
})

describe('latency verdicts', () => {
  const outcome = (latencyMs: number, status: 'succeeded' | 'failed' = 'succeeded'): PaymentOutcome => ({
    id: null,
    source: 'traffic',
    from: 'alice',
    to: 'carol',
    amountMsat: 1n,
    status,
    code: null,
    message: null,
    feeMsat: 0n,
    route: [],
    attempts: 1,
    latencyMs,
    paymentHash: null,
    startedAt: 0,
  })
  const records = {
    payments: new Map([['one', outcome(70)]]),
    traffic: new Map([
      ['fast', summarizeTraffic('fast', [outcome(40), outcome(50), outcome(60), outcome(9_000, 'failed')])],
      ['slow', summarizeTraffic('slow', [outcome(900), outcome(850), outcome(1_000)])],
      ['broken', summarizeTraffic('broken', [outcome(10, 'failed')])],
    ]),
  }
  const verdict = (e: Record<string, unknown>) =>
    latencyVerdict(
      records,
      Expectation.parse({ paymentLatency: e }) as Extract<Expectation, { kind: 'paymentLatency' }>,
      'expect[0]',
    )

  it('compare the median of successful payments, and say what was measured', () => {
    expect(verdict({ step: 'slow', p50Ms: '>= 900' })).toMatchObject({ ok: true, detail: 'p50 of slow is 900 ms' })
    expect(verdict({ step: 'slow', slowerThan: 'fast', byMs: '>= 800' })).toMatchObject({
      ok: true,
      name: 'payments of slow are >= 800 ms slower at the median than those of fast',
      detail: 'p50 of slow is 900 ms, of fast 50 ms: 850 ms slower',
    })
    expect(verdict({ step: 'slow', slowerThan: 'fast', byMs: '>= 900' }).ok).toBe(false)
    expect(verdict({ step: 'one', p50Ms: '< 100' })).toMatchObject({ ok: true, detail: 'p50 of one is 70 ms' })
  })

  it('fail when the other step is the slower one, or nothing succeeded', () => {
    expect(verdict({ step: 'fast', slowerThan: 'slow', byMs: '>= 0' })).toMatchObject({
      ok: true,
      detail: 'p50 of fast is 50 ms, of slow 900 ms: 850 ms faster',
    })
    expect(verdict({ step: 'fast', slowerThan: 'slow', byMs: '> 0' }).ok).toBe(false)
    expect(verdict({ step: 'broken', p50Ms: '< 1000' })).toMatchObject({
      ok: false,
      detail: 'no payment of step broken succeeded',
    })
    expect(verdict({ step: 'missing', p50Ms: '< 1000' })).toMatchObject({
      ok: false,
      detail: 'step missing never ran (an earlier step failed)',
    })
  })
})
