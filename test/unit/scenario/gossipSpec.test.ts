/**
 * The scenario's gossip settings and its graph condition, as files write
 * them: checked when the file loads (names, ranges), described in words.
 */
import { describe, expect, it } from 'vitest'
import { scenarioIssues } from '../../helpers/scenarioIssues.js'
import { parseScenarioText, type ScenarioIssue } from '../../../src/scenario/index.js'
import { describeCondition } from '../../../src/scenario/network/conditions.js'
import type { Condition } from '../../../src/scenario/file/schema.js'

const NETWORK = `name: gossip
nodes:
  - { name: alice, fundsSat: 1_005_000 }
  - { name: bob, fundsSat: 0 }
channels:
  - { from: alice, to: bob, capacitySat: 1_000_000 }
`

function parse(body: string) {
  return parseScenarioText(NETWORK + body, 'gossip.yaml')
}

function issuesOf(body: string): ScenarioIssue[] {
  return scenarioIssues(NETWORK + body, 'gossip.yaml')
}

describe('gossip in a scenario file', () => {
  it('takes the broadcast interval, the stale window and whether to use queries', () => {
    const s = parse('gossip: { broadcastIntervalMs: 60_000, staleChannelSeconds: 600, queries: false }\n')
    expect(s.gossip).toEqual({ broadcastIntervalMs: 60_000, staleChannelSeconds: 600, queries: false })
    expect(parse('').gossip).toBeUndefined()
  })

  it('refuses an interval out of range and an unknown key', () => {
    expect(issuesOf('gossip: { broadcastIntervalMs: 1 }\n')).toEqual([
      expect.objectContaining({ path: 'gossip.broadcastIntervalMs' }),
    ])
    expect(issuesOf('gossip: { trickleDelay: 5 }\n')[0]!.path).toBe('gossip')
  })

  it('has a graph condition for waits and expectations, checked against the nodes and channels', () => {
    const s = parse(`steps:
  - wait: { until: { graph: { node: bob, channel: alice-bob, known: false } } }
expect:
  - graph: { node: alice, channel: alice-bob, known: true }
`)
    expect(describeCondition(s.expect[0] as Condition)).toBe("alice's graph holds channel alice-bob")
    expect(s.steps[0]).toMatchObject({ kind: 'wait', until: { kind: 'graph', known: false } })
    expect(issuesOf('expect:\n  - graph: { node: carol, channel: alice-bob, known: true }\n')).toEqual([
      expect.objectContaining({ path: 'expect[0].graph.node' }),
    ])
    expect(issuesOf('expect:\n  - graph: { node: bob, channel: bob-carol, known: true }\n')).toEqual([
      expect.objectContaining({ path: 'expect[0].graph.channel' }),
    ])
    expect(issuesOf('expect:\n  - graph: { node: bob, channel: alice-bob }\n')[0]!.path).toBe('expect[0].graph.known')
  })

  it('can ask that the graph holds a channel enabled both ways, and refuses enabled for a channel not held', () => {
    const s = parse('expect:\n  - graph: { node: bob, channel: alice-bob, known: true, enabled: true }\n')
    expect(describeCondition(s.expect[0] as Condition)).toBe("bob's graph holds channel alice-bob, enabled both ways")
    expect(issuesOf('expect:\n  - graph: { node: bob, channel: alice-bob, known: false, enabled: false }\n')).toEqual([
      expect.objectContaining({ path: 'expect[0].graph.enabled', message: expect.stringMatching(/needs known: true/) }),
    ])
  })
})
