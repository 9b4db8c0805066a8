/**
 * `nodes[].policy` (the forwarding policy) and `nodes[].upgradeAccountability`: read as written, passed to the node
 * as `--htlc-policy` JSON, and a policy no node could run refused at its field.
 */
import { describe, expect, it } from 'vitest'
import { scenarioIssues } from '../../helpers/scenarioIssues.js'
import { parseScenarioText, type ScenarioIssue } from '../../../src/scenario/index.js'

const file = (node: string): string => `name: policies
nodes:
  - { name: alice, fundsSat: 2_000_000 }
  - { name: bob, fundsSat: 0${node} }
channels:
  - { from: alice, to: bob, capacitySat: 1_000_000 }
`

function issuesOf(text: string): ScenarioIssue[] {
  return scenarioIssues(text, 'policies.yaml')
}

describe('nodes[].policy', () => {
  it('reads the default and the reputation policy with its settings', () => {
    expect(parseScenarioText(file(', policy: { kind: default }'), 'p.yaml').nodes[1]!.policy).toEqual({
      kind: 'default',
    })
    const s = parseScenarioText(
      file(
        ', upgradeAccountability: true, policy: { kind: reputation, resolutionPeriodSeconds: 10, generalPercent: 50 }',
      ),
      'p.yaml',
    )
    expect(s.nodes[1]).toMatchObject({
      upgradeAccountability: true,
      policy: { kind: 'reputation', resolutionPeriodSeconds: 10, generalPercent: 50 },
    })
    expect(s.nodes[0]!.policy).toBeUndefined()
  })

  it('refuses an unknown kind, an unknown setting and buckets over 100 %, naming the field', () => {
    expect(issuesOf(file(', policy: { kind: fortress }'))[0]!.path).toMatch(/^nodes\[1\]\.policy/)
    expect(issuesOf(file(', policy: { kind: reputation, slots: 3 }'))[0]!.path).toMatch(/^nodes\[1\]\.policy/)
    const [sum] = issuesOf(file(', policy: { kind: reputation, generalPercent: 90, congestionPercent: 20 }'))
    expect(sum!.path).toBe('nodes[1].policy.congestionPercent')
    expect(sum!.message).toContain('more than 100')
  })
})
