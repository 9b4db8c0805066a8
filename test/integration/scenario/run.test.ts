/**
 * `lnsim run` end to end: exit codes, reports, and no process left behind,
 * whether the run passes, fails, or is interrupted. These start the real
 * chain and node daemons from the bundle.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { RunFile } from '../../../src/api/run/runFile.js'
import { isAlive, killRunning, runToEnd, startCli, until, waitUntilGone } from '../../helpers/processes.js'

const FIXTURES = resolve(__dirname, 'fixtures')
const dirs: string[] = []

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'lnsim-run-test-'))
  dirs.push(d)
  return d
}

afterEach(async () => {
  await killRunning()
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function pidsOf(runDir: string): Promise<number[]> {
  const run = RunFile.parse(JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')))
  return [run.chainPid, ...run.nodes.map((n) => n.pid)].filter((p): p is number => p !== null)
}

const TWO_NODES = `name: two-nodes
nodes:
  - { name: alice, fundsSat: 600_000 }
  - { name: bob, fundsSat: 100_000 }
channels:
  - { from: alice, to: bob, capacitySat: 500_000 }
`

describe('lnsim run', () => {
  it('rejects an invalid scenario with line and column, exit 2, and starts nothing', async () => {
    const dir = await tempDir()
    const file = join(dir, 'bad.yaml')
    await writeFile(file, TWO_NODES.replace('to: bob', 'to: dave'))
    const marker = join(dir, 'spawned')
    const r = await runToEnd(['run', file, '--junit', join(dir, 'junit.xml')], {
      LNSIM_DAEMON_COMMAND: JSON.stringify([process.execPath, join(FIXTURES, 'recordSpawn.mjs')]),
      LNSIM_SPAWN_MARKER: marker,
    })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${file}:6:24: channels[0].to: no node named "dave"`)
    expect(existsSync(marker)).toBe(false)
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain('<error message=')
  })

  // a node named .. would have the run folder's parent as its data directory
  it('rejects a node named .. and a YAML "billion laughs": exit 2 with line and column, nothing started', async () => {
    const dir = await tempDir()
    const marker = join(dir, 'spawned')
    const env = {
      LNSIM_DAEMON_COMMAND: JSON.stringify([process.execPath, join(FIXTURES, 'recordSpawn.mjs')]),
      LNSIM_SPAWN_MARKER: marker,
    }
    const dotdot = join(dir, 'dotdot.yaml')
    await writeFile(dotdot, TWO_NODES.replaceAll('bob', '".."'))
    const named = await runToEnd(['run', dotdot, '--dir', join(dir, 'run')], env)
    expect(named.code).toBe(2)
    expect(named.stderr).toContain(
      `${dotdot}:4:13: nodes[1].name: must be 1-32 letters, digits, dots, dashes or underscores, ` +
        'starting with a letter or digit',
    )

    const laughs = join(dir, 'laughs.yaml')
    const lol = [
      'lol: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ]
    await writeFile(laughs, `${lol.join('\n')}\n${TWO_NODES}`)
    const expanded = await runToEnd(['run', laughs], env)
    expect(expanded.code).toBe(2)
    expect(expanded.stderr).toContain(`${laughs}:2:8: the aliases would expand the file past lnsim's limit`)
    expect(existsSync(marker)).toBe(false)
    expect(existsSync(join(dir, 'node.key'))).toBe(false)
  })

  it('rejects --lean with --no-lean, exit 2, and starts nothing', async () => {
    const dir = await tempDir()
    const file = join(dir, 'two.yaml')
    await writeFile(file, TWO_NODES)
    const marker = join(dir, 'spawned')
    const r = await runToEnd(['run', file, '--lean', '--no-lean'], {
      LNSIM_DAEMON_COMMAND: JSON.stringify([process.execPath, join(FIXTURES, 'recordSpawn.mjs')]),
      LNSIM_SPAWN_MARKER: marker,
    })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--lean and --no-lean contradict each other')
    expect(existsSync(marker)).toBe(false)
  })

  it('exits 1 when an expectation fails, says why, writes it to JUnit, and leaves no process', async () => {
    const dir = await tempDir()
    const runDir = join(dir, 'run')
    const r = await runToEnd([
      'run',
      join(FIXTURES, 'failing-expectation.yaml'),
      '--plain',
      '--keep',
      '--dir',
      runDir,
      '--junit',
      join(dir, 'junit.xml'),
      '--report',
      join(dir, 'report.json'),
    ])
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toContain("✗ bob's balance in alice-bob >= 20,000,000 msat")
    expect(r.stdout).toContain("bob's balance in alice-bob is 10,000,000 msat")
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8')
    expect(junit).toContain('tests="3" failures="1" errors="0"')
    expect(junit).toContain('<failure message="bob&apos;s balance in alice-bob is 10,000,000 msat"')
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
      status: string
      payments: { succeeded: number }
    }
    expect(report).toMatchObject({ status: 'failed', payments: { succeeded: 1 } })
    const pids = await pidsOf(runDir)
    expect(pids).toHaveLength(3)
    expect(pids.filter(isAlive)).toEqual([])
  })

  it('exits 0 when everything holds, writes every event, leaves no process (with lean nodes, asked for)', async () => {
    const dir = await tempDir()
    const runDir = join(dir, 'run')
    const file = join(dir, 'ok.yaml')
    await writeFile(
      file,
      `${TWO_NODES}steps:\n  - pay: { from: alice, to: bob, amountMsat: 1_000_000 }\nexpect:\n  - balance: { node: ` +
        `bob, channelsMsat: 1_000_000 }\n`,
    )
    const events = join(dir, 'events.ndjson')
    const r = await runToEnd([
      'run',
      file,
      '--plain',
      '--keep',
      '--dir',
      runDir,
      '--events',
      events,
      '--json',
      '--lean',
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('nodes run lean (--lean: no optimizing compiler, 1 MB young generation)')
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'passed', exitCode: 0, expectations: { total: 1, passed: 1 } })
    const lines = (await readFile(events, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; alias?: string; time: number })
    expect(new Set(lines.filter((e) => e.alias).map((e) => e.alias))).toEqual(new Set(['alice', 'bob']))
    expect(lines.some((e) => e.type === 'chain_block')).toBe(true)
    expect(lines.some((e) => e.type === 'payment_received' && e.alias === 'bob')).toBe(true)
    expect(lines.every((e) => typeof e.time === 'number')).toBe(true)
    expect((await pidsOf(runDir)).filter(isAlive)).toEqual([])
  })

  it('stops every process on SIGINT and exits 130', async () => {
    const dir = await tempDir()
    const runDir = join(dir, 'run')
    const file = join(dir, 'long.yaml')
    await writeFile(file, `${TWO_NODES}steps:\n  - sleep: { ms: 60_000 }\n`)
    const run = startCli(['run', file, '--plain', '--dir', runDir])
    await until('the sleep step', () => run.stdout().includes('[1/1] sleep'))
    const pids = await pidsOf(runDir)
    expect(pids.filter(isAlive)).toHaveLength(3)
    run.proc.kill('SIGINT')
    expect(await run.exited).toBe(130)
    expect(run.stdout()).toContain('INTERRUPTED')
    expect(await waitUntilGone(pids)).toEqual([])
  })

  it('lets lnsim watch attach to a running run and show its payments hop by hop', async () => {
    const dir = await tempDir()
    const runDir = join(dir, 'run')
    const file = join(dir, 'watched.yaml')
    await writeFile(
      file,
      `${TWO_NODES}steps:\n  - sleep: { ms: 3_000 }\n  - pay: { from: alice, to: bob, amountMsat: ` +
        `2_000_000 }\n  - sleep: { ms: 60_000 }\n`,
    )
    const run = startCli(['run', file, '--plain', '--dir', runDir])
    await until('the first step', () => run.stdout().includes('[1/3] sleep'))
    const watch = startCli(['watch', '--run-dir', runDir, '--plain'])
    await until(
      'the payment in the watcher',
      () => watch.stdout().includes('✓ alice → bob  2,000 sat  1 hop(s)'),
      30_000,
    )
    expect(watch.stdout()).toMatch(
      /✓ alice → bob {2}2,000 sat {2}1 hop\(s\) {2}fee 0 sat {2}\d+ ms\n {4}1 {2}bob {2}\d+x\d+x\d+ {2}\+\d+ ms/,
    )
    watch.proc.kill('SIGINT')
    expect(await watch.exited).toBe(0)
    run.proc.kill('SIGINT')
    expect(await run.exited).toBe(130)
  })
})
