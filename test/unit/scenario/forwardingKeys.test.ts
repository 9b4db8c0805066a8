/**
 * The scenario keys of private channels and htlc_maximum_msat: read as written,
 * and a value no channel could announce refused at its field.
 */
import { describe, expect, it } from 'vitest'
import { scenarioIssues } from '../../helpers/scenarioIssues.js'
import { parseScenarioText, type ScenarioIssue } from '../../../src/scenario/index.js'

const file = (channel: string, nodePolicy = ''): string => `name: keys
nodes:
  - { name: alice, fundsSat: 2_000_000${nodePolicy} }
  - { name: bob, fundsSat: 0 }
channels:
  - ${channel}
`

function issuesOf(text: string): ScenarioIssue[] {
  return scenarioIssues(text, 'keys.yaml')
}

describe('scenario keys for forwarding', () => {
  it('read private and htlcMaximumMsat', () => {
    const s = parseScenarioText(
      file(
        '{ from: alice, to: bob, capacitySat: 1_000_000, private: true, ' +
          'fromFeePolicy: { htlcMaximumMsat: 5_000_000 } }',
        ', feePolicy: { htlcMaximumMsat: 2_000_000_000 }',
      ),
      'keys.yaml',
    )
    expect(s.channels[0]).toMatchObject({ private: true, fromFeePolicy: { htlcMaximumMsat: 5_000_000n } })
    // a node-wide maximum may exceed a channel: each channel announces at most its capacity
    expect(s.nodes[0]!.feePolicy).toEqual({ htlcMaximumMsat: 2_000_000_000n })
  })

  it('refuse a channel maximum above its capacity, naming the field', () => {
    const [issue] = issuesOf(
      file('{ from: alice, to: bob, capacitySat: 1_000_000, toFeePolicy: { htlcMaximumMsat: 1_000_000_001 } }'),
    )
    expect(issue!.path).toBe('channels[0].toFeePolicy.htlcMaximumMsat')
    expect(issue!.message).toContain("more than the channel's capacity (1000000000 msat)")
  })

  it('refuse a maximum of 0, and a minimum above the maximum', () => {
    expect(
      issuesOf(file('{ from: alice, to: bob, capacitySat: 1_000_000, feePolicy: { htlcMaximumMsat: 0 } }'))[0]!,
    ).toMatchObject({ path: 'channels[0].feePolicy.htlcMaximumMsat' })
    const [issue] = issuesOf(
      file(
        '{ from: alice, to: bob, capacitySat: 1_000_000 }',
        ', feePolicy: { htlcMinimumMsat: 10, htlcMaximumMsat: 9 }',
      ),
    )
    expect(issue).toMatchObject({ path: 'nodes[0].feePolicy.htlcMinimumMsat' })
    expect(issue!.message).toContain('htlcMinimumMsat exceeds htlcMaximumMsat')
  })

  it('refuse a private flag that is not a boolean', () => {
    expect(issuesOf(file('{ from: alice, to: bob, capacitySat: 1_000_000, private: "yes" }'))[0]).toMatchObject({
      path: 'channels[0].private',
    })
  })
})
