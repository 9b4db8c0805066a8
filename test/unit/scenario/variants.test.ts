import { describe, expect, it } from 'vitest'
import { scenarioIssues } from '../../helpers/scenarioIssues.js'
import { applyVariant, parseScenarioText, type ScenarioIssue } from '../../../src/scenario/index.js'

const PAIRED = `name: paired
nodes:
  - { name: alice, fundsSat: 2_000_000 }
  - { name: bob, fundsSat: 2_000_000, feePolicy: { baseMsat: 1_000, ppm: 10 } }
  - { name: carol, fundsSat: 100_000 }
  - { name: mallory, fundsSat: 2_000_000 }
channels:
  - { from: alice, to: bob, capacitySat: 1_000_000 }
  - { from: bob, to: carol, capacitySat: 1_000_000 }
  - { from: mallory, to: bob, capacitySat: 1_000_000 }
steps:
  - &honest
    traffic: { id: honest, pairs: [[alice, carol]], ratePerSecond: 2, durationMs: 1000,
               amountMsat: { min: 1000, max: 2000 } }
expect:
  - conservation: {}
variants:
  baseline: {}
  attack:
    steps:
      - jam: { attacker: mallory, target: { channel: bob-carol }, mode: fast, amountMsat: 1000,
               ratePerSecond: 5, durationMs: 1000 }
      - *honest
    expect:
      - traffic: { step: honest, successRateAtLeast: 50 }
  defended:
    nodes:
      bob: { feePolicy: { baseMsat: 5_000 }, mppTimeoutSeconds: 5 }
compare:
  - { metric: honestSuccessRate, variant: attack, atLeastPercentOf: baseline, percent: 90 }
  - { metric: revenueMsat, node: bob, variant: defended, atMostPercentOf: attack, percent: 100 }
`

/** The 1-based line of the first line of `text` holding `what`. */
function lineOf(text: string, what: string): number {
  return text.split('\n').findIndex((l) => l.includes(what)) + 1
}

function issuesOf(text: string): ScenarioIssue[] {
  return scenarioIssues(text, 'test.yaml')
}

describe('variants of a scenario', () => {
  it("make a scenario each: their own steps, the scenario's expectations then theirs, nodes overridden", () => {
    const s = parseScenarioText(PAIRED, 'test.yaml')
    expect(Object.keys(s.variants!)).toEqual(['baseline', 'attack', 'defended'])
    const baseline = applyVariant(s, 'baseline')
    expect(baseline.steps.map((x) => x.kind)).toEqual(['traffic'])
    expect(baseline.variant).toBe('baseline')
    const attack = applyVariant(s, 'attack')
    expect(attack.steps.map((x) => x.kind)).toEqual(['jam', 'traffic'])
    expect(attack.expect.map((e) => e.kind)).toEqual(['conservation', 'traffic'])
    const defended = applyVariant(s, 'defended')
    // any field of a node is a variant's to change, the rest of the node stays as the scenario says
    expect(defended.nodes.find((n) => n.name === 'bob')).toEqual({
      name: 'bob',
      fundsSat: 2_000_000n,
      feePolicy: { baseMsat: 5_000n },
      mppTimeoutSeconds: 5,
    })
    expect(defended.nodes.find((n) => n.name === 'alice')).toEqual(s.nodes[0])
    // the same seed, channels and network in every variant
    for (const v of [baseline, attack, defended]) {
      expect(v.seed).toBe('paired')
      expect(v.channels).toEqual(s.channels)
    }
    expect(s.compare).toHaveLength(2)
  })

  it("are checked as the scenarios they make, each problem at the variant's own text", () => {
    const unknownNode = issuesOf(PAIRED.replace('jam: { attacker: mallory', 'jam: { attacker: malory'))
    expect(unknownNode).toEqual([
      expect.objectContaining({
        line: lineOf(PAIRED, 'jam: { attacker'),
        path: 'variants.attack.steps[0].jam.attacker',
        message: expect.stringContaining('no node named "malory"'),
      }),
    ])
    expect(issuesOf(PAIRED.replace('      bob: { feePolicy', '      bobby: { feePolicy'))).toEqual([
      expect.objectContaining({ line: lineOf(PAIRED, 'bob: { feePolicy'), path: 'variants.defended.nodes.bobby' }),
    ])
    expect(
      issuesOf(PAIRED.replace('{ step: honest, successRateAtLeast: 50 }', '{ step: other, successRateAtLeast: 50 }')),
    ).toEqual([expect.objectContaining({ path: 'variants.attack.expect[0].traffic.step' })])
    expect(issuesOf(PAIRED.replace('node: bob, variant: defended', 'node: bob, variant: defend'))).toEqual([
      expect.objectContaining({
        line: lineOf(PAIRED, 'node: bob, variant: defended'),
        path: 'compare[1].variant',
        message: expect.stringContaining('the variants are: baseline, attack, defended'),
      }),
    ])
    expect(issuesOf(PAIRED.replace('{ metric: revenueMsat, node: bob,', '{ metric: revenueMsat,'))).toEqual([
      expect.objectContaining({ path: 'compare[1].node', message: expect.stringContaining('need a node') }),
    ])
    expect(
      issuesOf(
        PAIRED.slice(0, PAIRED.indexOf('variants:')) +
          'compare:\n  - { metric: honestSuccessRate, variant: a, atLeastPercentOf: b, percent: 1 }\n',
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'compare', message: expect.stringContaining('list them under variants') }),
      ]),
    )
  })

  it('refuse a jam step whose target the attacker cannot cross to the colluder, before anything starts', () => {
    expect(issuesOf(PAIRED.replace('target: { channel: bob-carol }', 'target: { node: carol }'))).toEqual([
      expect.objectContaining({
        line: lineOf(PAIRED, 'jam: { attacker'),
        path: 'variants.attack.steps[0].jam.target',
        message: expect.stringContaining('mallory cannot reach carol other than through bob-carol'),
      }),
    ])
  })

  it('refuse a jam step that names a channel end that is not one, or the attacker as its own colluder', () => {
    expect(
      issuesOf(PAIRED.replace('target: { channel: bob-carol }', 'target: { channel: bob-carol }, from: alice')),
    ).toEqual([
      expect.objectContaining({
        path: 'variants.attack.steps[0].jam.from',
        message: 'alice is not an end of bob-carol (bob, carol)',
      }),
    ])
    expect(
      issuesOf(PAIRED.replace('target: { channel: bob-carol }', 'target: { channel: bob-carol }, colluder: mallory')),
    ).toEqual([expect.objectContaining({ path: 'variants.attack.steps[0].jam.colluder' })])
    expect(
      issuesOf(PAIRED.replace('target: { channel: bob-carol }', 'target: { channel: bob-carol, node: bob }')),
    ).toEqual([
      expect.objectContaining({
        path: 'variants.attack.steps[0].jam.target',
        message: expect.stringContaining('one of them'),
      }),
    ])
  })
})
