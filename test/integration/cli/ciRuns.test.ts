/**
 * lnsim in CI: several scenarios in one `lnsim run` with one JUnit file and one exit code, a time limit on the
 * whole run, and `lnsim validate` checking files without starting anything.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { readRunFile } from '../../../src/scenario/index.js'
import { isAlive, killRunning, runToEnd } from '../../helpers/processes.js'

const root = join(import.meta.dirname, '..', '..', '..')
let dir: string

const FAILING = [
  'name: fails-on-purpose',
  'nodes:',
  '  - { name: alice, fundsSat: 2_000_000 }',
  '  - { name: bob, fundsSat: 100_000 }',
  'channels:',
  '  - { from: alice, to: bob, capacitySat: 1_000_000 }',
  'steps:',
  '  - pay: { id: small, from: alice, to: bob, amountMsat: 1_000_000 }',
  'expect:',
  '  - channelBalance: { channel: alice-bob, node: bob, localMsat: 5 }',
].join('\n')

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lnsim-ci-'))
})
afterEach(killRunning)
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('lnsim run in CI', () => {
  it('runs several scenarios into one JUnit file and one exit code', { timeout: 90_000 }, async () => {
    const failing = join(dir, 'fails-on-purpose.yaml')
    await writeFile(failing, FAILING)
    const junit = join(dir, 'junit.xml')
    const report = join(dir, 'report.json')
    const r = await runToEnd([
      'run',
      join(root, 'scenarios', 'triangle.yaml'),
      failing,
      '--plain',
      '--junit',
      junit,
      '--report',
      report,
      '--csv',
      join(dir, 'payments.csv'),
    ])
    expect(r.code, r.stdout + r.stderr).toBe(1)
    expect(r.stdout).toContain('1 of 2 scenario(s) passed: triangle passed, fails-on-purpose failed')
    const xml = await readFile(junit, 'utf8')
    expect(
      [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"/g)].map((m) => m.slice(1)),
    ).toEqual([
      ['triangle', '5', '0'],
      ['fails-on-purpose', '1', '1'],
    ])
    expect(xml).toMatch(/<testsuites name="lnsim" tests="6" failures="1" errors="0"/)
    const summaries = JSON.parse(await readFile(report, 'utf8')) as { scenario: string; exitCode: number }[]
    expect(summaries.map((s) => [s.scenario, s.exitCode])).toEqual([
      ['triangle', 0],
      ['fails-on-purpose', 1],
    ])
    // each scenario's own files carry its name
    expect(await readFile(join(dir, 'payments.triangle.csv'), 'utf8')).toContain('around')
    expect(await readFile(join(dir, 'payments.fails-on-purpose.csv'), 'utf8')).toContain('small')
  })

  it(
    'stops a run at --timeout, every process with it, and says so in the JUnit file',
    { timeout: 60_000 },
    async () => {
      const runDir = join(dir, 'timed')
      const junit = join(dir, 'timeout.xml')
      const started = Date.now()
      const r = await runToEnd([
        'run',
        join(root, 'scenarios', 'demo.yaml'),
        '--timeout',
        '1500ms',
        '--dir',
        runDir,
        '--keep',
        '--junit',
        junit,
        '--json',
      ])
      expect(r.code, r.stderr).toBe(1)
      expect(Date.now() - started).toBeLessThan(20_000)
      const summary = JSON.parse(r.stdout) as { status: string; error: { code: string } }
      expect(summary).toMatchObject({ status: 'timed-out', error: { code: 'TIMEOUT' } })
      expect(await readFile(junit, 'utf8')).toMatch(/<error message="the run did not finish within --timeout 1500ms/)
      const run = await readRunFile(runDir)
      const pids = [run.chainPid, ...run.nodes.map((n) => n.pid)].filter((p): p is number => typeof p === 'number')
      expect(pids.length).toBeGreaterThan(0)
      expect(pids.filter(isAlive)).toEqual([])
    },
  )

  it('refuses a --timeout that is no duration, before starting anything', async () => {
    const r = await runToEnd(['run', join(root, 'scenarios', 'demo.yaml'), '--timeout', 'soon'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--timeout must be a duration')
  })
})

describe('lnsim validate', () => {
  it('finds every shipped scenario valid', { timeout: 60_000 }, async () => {
    const r = await runToEnd(['validate', join(root, 'scenarios'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const result = JSON.parse(r.stdout) as { valid: number; invalid: number; files: { file: string }[] }
    expect(result.invalid).toBe(0)
    expect(result.valid).toBeGreaterThanOrEqual(20)
    expect(result.files.map((f) => f.file)).toContain(join(root, 'scenarios', 'fee-survey.ts'))
  })

  it('points at each problem of a broken file, and exits 2', async () => {
    const broken = join(dir, 'broken.yaml')
    await writeFile(
      broken,
      [
        'name: broken',
        'nodes:',
        '  - { name: alice, fundsSat: 1_000 }',
        'channels:',
        '  - { from: alice, to: bob, capacitySat: 1_000_000 }',
      ].join('\n'),
    )
    const notYaml = join(dir, 'not-yaml.yaml')
    await writeFile(notYaml, 'name: [unclosed\n')
    const r = await runToEnd(['validate', join(root, 'scenarios', 'two-party.yaml'), broken, notYaml, '--json'])
    expect(r.code).toBe(2)
    const result = JSON.parse(r.stdout) as {
      valid: number
      invalid: number
      files: { valid: boolean; issues: { line: number; path: string; message: string }[] }[]
    }
    expect(result).toMatchObject({ valid: 1, invalid: 2 })
    const [, b, y] = result.files
    expect(b!.issues.map((i) => [i.line, i.path])).toEqual([
      [3, 'nodes[0].fundsSat'],
      [5, 'channels[0].to'],
    ])
    expect(b!.issues[1]!.message).toContain('no node named "bob"')
    expect(y!.valid).toBe(false)
  })
})
