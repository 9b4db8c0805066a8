import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { LocalProcessRunner, ProcessStartError } from '../../../src/scenario/index.js'
import { isAlive, waitUntilGone } from '../../helpers/processes.js'

const STUB = resolve(__dirname, 'fixtures/stubbornDaemon.mjs')
const runners: LocalProcessRunner[] = []
const dirs: string[] = []

function runner(mode: string, options: { graceMs?: number; readyTimeoutMs?: number } = {}): LocalProcessRunner {
  const r = new LocalProcessRunner({ command: [process.execPath, STUB, mode], graceMs: 300, ...options })
  runners.push(r)
  return r
}

async function logFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lnsim-runner-test-'))
  dirs.push(dir)
  return join(dir, 'stub.log')
}

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stopAll()))
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

describe('the local process runner', () => {
  it('reads the ready line, and SIGKILLs a child that ignores SIGTERM, with everything it spawned', async () => {
    const log = await logFile()
    const p = await runner('ready').start({ name: 'stub', args: ['chain', 'start'], logFile: log })
    const pid = p.ready.pid as number
    const grandchild = p.ready.grandchild as number
    expect(pid).toBe(p.pid)
    expect(isAlive(pid) && isAlive(grandchild)).toBe(true)
    const started = Date.now()
    const exit = await p.stop()
    expect(exit.signal).toBe('SIGKILL')
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(await waitUntilGone([pid, grandchild])).toEqual([])
    expect(await readFile(log, 'utf8')).toContain('ignoring SIGTERM')
  })

  it('starts daemons with one malloc arena and big blocks mapped apart, unless told otherwise', async () => {
    const before = process.env.MALLOC_ARENA_MAX
    try {
      delete process.env.MALLOC_ARENA_MAX
      const one = await runner('ready').start({ name: 'stub', args: [], logFile: await logFile() })
      expect(one.ready).toMatchObject({
        mallocArenaMax: '1',
        mallocMmapThreshold: '32768',
        mallocTrimThreshold: '131072',
      })
      process.env.MALLOC_ARENA_MAX = '4'
      const chosen = await runner('ready').start({ name: 'stub', args: [], logFile: await logFile() })
      expect(chosen.ready.mallocArenaMax).toBe('4')
    } finally {
      if (before === undefined) delete process.env.MALLOC_ARENA_MAX
      else process.env.MALLOC_ARENA_MAX = before
    }
  })

  it('passes node flags to the Node runtime, not to the daemon', async () => {
    const p = await runner('ready').start({
      name: 'stub',
      args: ['node', 'start'],
      logFile: await logFile(),
      nodeFlags: ['--max-semi-space-size=1'],
    })
    expect(p.ready.execArgv).toEqual(['--max-semi-space-size=1'])
  })

  it('stops every process it started', async () => {
    const r = runner('ready')
    const procs = await Promise.all(
      [1, 2, 3].map(async (i) => r.start({ name: `stub${i}`, args: [], logFile: await logFile() })),
    )
    const pids = procs.flatMap((p) => [p.ready.pid as number, p.ready.grandchild as number])
    await r.stopAll()
    expect(r.pids).toEqual([])
    expect(await waitUntilGone(pids)).toEqual([])
  })

  it('reports a daemon that exits before it is ready, with its last output', async () => {
    const err = await runner('exit-early')
      .start({ name: 'stub', args: [], logFile: await logFile() })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProcessStartError)
    expect((err as ProcessStartError).code).toBe('PROCESS_START_FAILED')
    expect((err as Error).message).toContain('cannot open the data directory')
  })

  it('gives up on a daemon that never prints its ready line, and kills it', async () => {
    const r = runner('silent', { readyTimeoutMs: 500 })
    const err = await r.start({ name: 'stub', args: [], logFile: await logFile() }).catch((e: unknown) => e)
    expect((err as ProcessStartError).code).toBe('PROCESS_START_FAILED')
    expect(r.pids).toEqual([])
  })

  it('kills its children when the program exits without stopping them', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      resolve(__dirname, 'fixtures/exitWithChild.ts'),
    ]).catch((e: { stdout: string }) => e)
    const ready = JSON.parse(stdout.trim().split('\n').pop()!) as { pid: number; grandchild: number }
    expect(await waitUntilGone([ready.pid, ready.grandchild])).toEqual([])
  })
})
