/**
 * The rogue-peer steps (mutate, replay, send) and the expectations on what
 * went over the wire (sent, notSent, alive), as files write them: fields
 * checked against the message's wire types when the file loads, with the
 * allowed fields named; --testing asked for by the expectations too.
 */
import { describe, expect, it } from 'vitest'
import { scenarioIssues } from '../../helpers/scenarioIssues.js'
import { parseScenarioText, type ScenarioIssue } from '../../../src/scenario/index.js'
import { describeStep } from '../../../src/scenario/run/steps.js'
import { describeCondition } from '../../../src/scenario/network/conditions.js'
import type { Condition } from '../../../src/scenario/file/schema.js'

const NETWORK = `name: rogue
nodes:
  - { name: alice, fundsSat: 1_005_000 }
  - { name: bob, fundsSat: 0 }
channels:
  - { from: alice, to: bob, capacitySat: 1_000_000 }
`
const OFF_CURVE = `'02${'ff'.repeat(32)}'`

function parse(body: string) {
  return parseScenarioText(NETWORK + body, 'rogue.yaml')
}

function issuesOf(body: string): ScenarioIssue[] {
  return scenarioIssues(NETWORK + body, 'rogue.yaml')
}

describe('rogue-peer steps in a scenario file', () => {
  it('parse, say what they do, and start the nodes with --testing', () => {
    const s = parse(`steps:
  - mutate: { node: bob, peer: alice, message: revoke_and_ack, set: { next_per_commitment_point: ${OFF_CURVE} } }
  - replay: { node: bob, peer: alice, message: revoke_and_ack, nth: 2 }
  - send: { node: alice, peer: bob, message: update_fee, fields: { channel_id: alice-bob, feerate_per_kw: 1 } }
`)
    expect(s.testing).toBe(true)
    expect(s.steps[0]).toMatchObject({ kind: 'mutate', nth: 1, set: { next_per_commitment_point: expect.any(String) } })
    expect(s.steps.map(describeStep)).toEqual([
      'mutate: the next revoke_and_ack bob sends alice leaves with next_per_commitment_point = 02ffffff…ffffffff',
      'replay: bob sends alice again its 2nd last revoke_and_ack',
      'send: alice sends bob a crafted update_fee',
    ])
  })

  it('refuse a field the message has not, at the field, naming the allowed ones', () => {
    const [issue, ...rest] = issuesOf(
      'steps:\n  - mutate: { node: bob, peer: alice, message: revoke_and_ack, set: { point: 1 } }\n',
    )
    expect(rest).toEqual([])
    expect(issue).toMatchObject({ path: 'steps[0].mutate.set.point', line: 8 })
    expect(issue!.message).toBe(
      'revoke_and_ack has no field "point"; its fields are: ' +
        'channel_id, per_commitment_secret, next_per_commitment_point',
    )
  })

  it('refuse a value its wire type cannot carry, and a crafted message missing fields', () => {
    expect(
      issuesOf(
        'steps:\n  - mutate: { node: bob, peer: alice, message: commitment_signed, set: { signature: abcd } }\n',
      ),
    ).toEqual([expect.objectContaining({ message: expect.stringContaining('it takes 64 bytes in hex') })])
    expect(
      issuesOf(
        'steps:\n  - send: { node: bob, peer: alice, message: update_fee, fields: { channel_id: alice-bob } }\n',
      ),
    ).toEqual([
      expect.objectContaining({
        path: 'steps[0].send.fields',
        message: 'a crafted update_fee needs every field: missing feerate_per_kw',
      }),
    ])
  })

  it('refuse a channel_id that is neither an id nor a channel, a message to oneself, an unknown node', () => {
    expect(
      issuesOf('steps:\n  - mutate: { node: bob, peer: alice, message: update_fee, set: { channel_id: bob-carol } }\n'),
    ).toEqual([expect.objectContaining({ path: 'steps[0].mutate.set.channel_id' })])
    expect(issuesOf('steps:\n  - replay: { node: bob, peer: bob, message: ping }\n')).toEqual([
      expect.objectContaining({ path: 'steps[0].replay.peer' }),
    ])
    expect(issuesOf('steps:\n  - replay: { node: bob, peer: dave, message: ping }\n')).toEqual([
      expect.objectContaining({ path: 'steps[0].replay.peer', message: expect.stringContaining('no node named') }),
    ])
  })
})

describe('expectations on what went over the wire', () => {
  it('parse, need --testing for sent and notSent, and read as sentences', () => {
    const s = parse(`expect:
  - sent: { node: alice, peer: bob, message: error }
  - sent: { node: alice, peer: bob, message: commitment_signed, count: '>= 2' }
  - notSent: { node: bob, peer: alice, message: error }
  - alive: { node: bob }
`)
    expect(s.testing).toBe(true)
    expect(s.expect.map((e) => describeCondition(e as Condition))).toEqual([
      'alice sent bob at least one error',
      'alice sent bob >= 2 commitment_signed',
      'bob never sent alice an error',
      'bob is alive',
    ])
    expect(parse('expect:\n  - alive: { node: bob }\n').testing).toBe(false)
    expect(issuesOf('testing: false\nexpect:\n  - notSent: { node: bob, peer: alice, message: error }\n')).toEqual([
      expect.objectContaining({ path: 'expect[0].notSent', message: expect.stringContaining('testing: false') }),
    ])
    expect(issuesOf('expect:\n  - alive: { node: dave }\n')).toEqual([
      expect.objectContaining({ path: 'expect[0].alive.node' }),
    ])
  })
})

describe('chain trouble steps', () => {
  it('parse, say what they do, and check the channels a reorg leaves out', () => {
    const s = parse(`steps:
  - chainStall: { durationMs: 2_000 }
  - broadcastFails: { node: bob, durationMs: 1_000 }
  - reorg: { depth: 3, drop: [{ funding: alice-bob }, { closing: alice-bob }] }
  - reorg: { depth: 1 }
`)
    expect(s.steps.map(describeStep)).toEqual([
      'chain stall: blocks stop reaching every node for 2000 ms',
      "the chain refuses bob's transactions for 1000 ms",
      'reorg: a longer branch replaces the last 3 block(s), ' +
        'leaving out the funding of alice-bob, the close of alice-bob',
      'reorg: a longer branch replaces the last 1 block(s)',
    ])
    expect(issuesOf('steps:\n  - reorg: { depth: 2, drop: [{ funding: bob-carol }] }\n')).toEqual([
      expect.objectContaining({
        path: 'steps[0].reorg.drop[0].funding',
        message: expect.stringContaining('bob-carol'),
      }),
    ])
    expect(issuesOf('steps:\n  - reorg: { depth: 21 }\n')).toEqual([
      expect.objectContaining({ path: 'steps[0].reorg.depth' }),
    ])
    expect(issuesOf('steps:\n  - chainStall: { durationMs: 2_000, nodes: [dave] }\n')).toEqual([
      expect.objectContaining({ path: 'steps[0].chainStall.nodes[0]' }),
    ])
  })
})
