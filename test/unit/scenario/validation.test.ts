import { describe, expect, it } from 'vitest'
import { tmpdir } from 'node:os'
import {
  ScenarioFileError,
  loadScenarioFile,
  parseScenarioText,
  type ScenarioIssue,
} from '../../../src/scenario/index.js'

const VALID = `name: small
nodes:
  - name: alice
    fundsSat: 2_000_000
  - name: bob
    fundsSat: 100000
channels:
  - from: alice
    to: bob
    capacitySat: 1_000_000
    pushMsat: "5_000"
steps:
  - pay: { id: p1, from: alice, to: bob, amountMsat: 50000, expect: { status: succeeded, hops: 1 } }
  - wait: { until: { channelBalance: { channel: alice-bob, node: bob, localMsat: ">= 55_000" } } }
expect:
  - payment: { step: p1, route: [alice, bob] }
  - balance: { node: bob, onchainSat: "> 0" }
`

/** The first problem in file order: a broken name may have knock-on problems further down, reported too. */
function firstIssue(text: string): ScenarioIssue {
  return issuesOf(text)[0]!
}

function issuesOf(text: string): ScenarioIssue[] {
  try {
    parseScenarioText(text, 'test.yaml')
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioFileError)
    expect((err as ScenarioFileError).code).toBe('INVALID_SCENARIO')
    return (err as ScenarioFileError).issues
  }
  throw new Error('the scenario was accepted')
}

/** Replaces the first occurrence of `from` in the valid file, so each case breaks exactly one thing. */
function broken(from: string, to: string): string {
  expect(VALID).toContain(from)
  return VALID.replace(from, to)
}

describe('scenario files', () => {
  it('parse into typed values with defaults', () => {
    const s = parseScenarioText(VALID, 'test.yaml')
    expect(s.seed).toBe('small')
    expect(s.chain.confirmations).toBe(6)
    expect(s.nodes[0]!.fundsSat).toBe(2_000_000n)
    expect(s.channels[0]).toMatchObject({ name: 'alice-bob', capacitySat: 1_000_000n, pushMsat: 5000n })
    expect(s.steps[0]).toMatchObject({
      kind: 'pay',
      id: 'p1',
      amountMsat: 50_000n,
      expect: { status: 'succeeded', hops: { op: '==', value: 1n } },
    })
    expect(s.steps[1]).toMatchObject({
      kind: 'wait',
      timeoutMs: 30_000,
      until: { kind: 'channelBalance', localMsat: { op: '>=', value: 55_000n } },
    })
    expect(s.expect.map((e) => e.kind)).toEqual(['payment', 'balance'])
  })

  it('reject an alias to no anchor at the alias, and aliases that expand too far, as invalid scenarios', () => {
    expect(firstIssue(broken('name: small', 'name: *small'))).toMatchObject({
      line: 1,
      col: 7,
      message: expect.stringContaining('*small names no anchor'),
    })
    const laughs =
      `${VALID}x: &a [1, 1, 1, 1, 1, 1, 1, 1]\ny: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nz: &c [*b, *b, ` +
      `*b, *b, *b, *b, *b, *b]\nw: [*c, *c, *c, *c, *c, *c, *c, *c]\n`
    expect(firstIssue(laughs)).toMatchObject({
      line: 19,
      col: 8,
      message: expect.stringContaining('aliases would expand the file'),
    })
  })

  it('refuse a path that is not a file before reading it: /dev/zero would never end', async () => {
    for (const path of ['/dev/null', '/dev/zero', tmpdir()]) {
      await expect(loadScenarioFile(path)).rejects.toMatchObject({
        code: 'SCENARIO_NOT_FOUND',
        message: expect.stringContaining('not a file'),
      })
    }
  })

  it('reject a file nested deeper than the parser can follow as an invalid scenario', () => {
    const deep = `name: x\nchannels:\n  - { from: ${': : : : : : : from'.repeat(5000)} }\n`
    expect(issuesOf(deep)).toEqual([expect.objectContaining({ message: expect.stringContaining('nests too deeply') })])
  })

  it('reject an unknown key at the key, naming the keys that exist', () => {
    const [issue, ...rest] = issuesOf(broken('    pushMsat: "5_000"\n', '    pushMsat: "5_000"\n    colour: red\n'))
    expect(rest).toEqual([])
    expect(issue).toMatchObject({ file: 'test.yaml', line: 12, col: 5, path: 'channels[0]' })
    expect(issue!.message).toContain('colour')
    expect(issue!.message).toContain('capacitySat')
  })

  it('reject a channel to a node that does not exist, at the name', () => {
    expect(firstIssue(broken('    to: bob', '    to: dave'))).toMatchObject({ line: 9, col: 9, path: 'channels[0].to' })
  })

  it('reject a negative amount, at the amount', () => {
    expect(issuesOf(broken('fundsSat: 100000', 'fundsSat: -100000'))).toEqual([
      expect.objectContaining({ line: 6, col: 15, path: 'nodes[1].fundsSat' }),
    ])
    expect(issuesOf(broken('amountMsat: 50000', 'amountMsat: "-5"'))).toEqual([
      expect.objectContaining({ line: 13, col: 54, path: 'steps[0].pay.amountMsat' }),
    ])
  })

  it('reject a duplicate node name, at the second one', () => {
    expect(firstIssue(broken('  - name: bob', '  - name: alice'))).toMatchObject({
      line: 5,
      col: 11,
      path: 'nodes[1].name',
      message: expect.stringContaining('duplicate'),
    })
  })

  it('reject a second unnamed channel between the same nodes, and accept it once named', () => {
    const twice = VALID.replace('steps:', '  - from: alice\n    to: bob\n    capacitySat: 1000\nsteps:').replace(
      '2_000_000',
      '3_000_000',
    )
    expect(issuesOf(twice)).toEqual([expect.objectContaining({ line: 13, path: 'channels[1].to' })])
    expect(() =>
      parseScenarioText(
        twice.replace(
          '  - from: alice\n    to: bob\n    capacitySat: 1000',
          '  - name: second\n    from: alice\n    to: bob\n    capacitySat: 1000',
        ),
        'test.yaml',
      ),
    ).not.toThrow()
  })

  it('reject a node that cannot fund its channels', () => {
    expect(issuesOf(broken('fundsSat: 2_000_000', 'fundsSat: 1_000_000'))).toEqual([
      expect.objectContaining({ line: 4, path: 'nodes[0].fundsSat' }),
    ])
  })

  it('reject a YAML syntax error at its position', () => {
    expect(firstIssue(broken('  - name: bob\n', '  - name: bob: robert\n'))).toMatchObject({ line: 5, path: '' })
  })

  it('reject a step with two actions, and an expectation about a step that does not exist', () => {
    expect(issuesOf(broken('  - wait:', '  - mine: { blocks: 1 }\n    wait:'))).toEqual([
      expect.objectContaining({ line: 14, col: 5, path: 'steps[1]' }),
    ])
    expect(issuesOf(broken('step: p1', 'step: p2'))).toEqual([
      expect.objectContaining({ line: 16, path: 'expect[0].payment.step' }),
    ])
  })

  it('reports every problem of a file at once, in file order', () => {
    const issues = issuesOf(
      broken('fundsSat: 100000', 'fundsSat: -1')
        .replace('capacitySat: 1_000_000', 'capacitySat: lots')
        .replace('blocks', 'blocks'),
    )
    expect(issues.map((i) => i.path)).toEqual(['nodes[1].fundsSat', 'channels[0].capacitySat'])
  })

  it('reject a node name that would lead out of the run folder or onto its own files, at the name', () => {
    for (const name of [
      '..',
      '.',
      '../up',
      'a/b',
      '/etc',
      '.hidden',
      '-x',
      'a'.repeat(33),
      'chain',
      'Logs',
      'run.json',
    ]) {
      expect(firstIssue(broken('  - name: bob', `  - name: ${JSON.stringify(name)}`)), name).toMatchObject({
        line: 5,
        col: 11,
        path: 'nodes[1].name',
      })
    }
    expect(firstIssue(broken('  - name: bob', '  - name: ".."')).message).toContain('starting with a letter or digit')
    expect(firstIssue(broken('  - name: bob', '  - name: chain')).message).toContain('"chain" is kept for')
    // what shipped scenarios and imported graphs use stays valid
    for (const name of ['bob', 'node09', 'n1', 'spoke-1', 'ACINQ-2', 'lnd1.example_com']) {
      expect(() => parseScenarioText(VALID.replaceAll('bob', name), 'test.yaml'), name).not.toThrow()
    }
  })

  it('reject YAML aliases that expand without bound (a "billion laughs"), at the first alias', () => {
    const lol = [
      'lol: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ]
    const issues = issuesOf(`${lol.join('\n')}\n${VALID}`)
    expect(issues).toEqual([expect.objectContaining({ line: 2, col: 8, path: '' })])
    expect(issues[0]!.message).toContain('aliases')
    // a few aliases, as people use them, are fine
    expect(() =>
      parseScenarioText(
        VALID.replace(
          '  - name: bob\n    fundsSat: 100000',
          '  - name: bob\n    fundsSat: &funds 100000\n  - name: carol\n    fundsSat: *funds',
        ),
        'test.yaml',
      ),
    ).not.toThrow()
  })

  it('reject an amount of on-chain sat above all the bitcoin there is, at the amount', () => {
    const issue = firstIssue(broken('fundsSat: 2_000_000', 'fundsSat: "100_000_000_000_000_000_000_000_000"'))
    expect(issue).toMatchObject({
      line: 4,
      path: 'nodes[0].fundsSat',
      message: expect.stringContaining('21,000,000 BTC'),
    })
    expect(issuesOf(broken('capacitySat: 1_000_000', 'capacitySat: "2_100_000_000_000_001"'))).toContainEqual(
      expect.objectContaining({
        line: 10,
        path: 'channels[0].capacitySat',
        message: expect.stringContaining('21,000,000 BTC'),
      }),
    )
  })

  it('reject a comparison it cannot read', () => {
    expect(issuesOf(broken('">= 55_000"', '"about 55k"'))).toEqual([
      expect.objectContaining({ line: 14, path: 'steps[1].wait.until.channelBalance.localMsat' }),
    ])
  })
})
