/**
 * One CLI command as a real process, for tests of that command itself (a
 * `chain start`, a `node start` on a given data directory, the dashboard):
 * started as a child, waiting for its ready line or running to its end, and
 * stopped when the test ends, passes or fails. A network of nodes is
 * ./network.ts, which is launch(), as users' scenarios are.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { daemonEnv } from '../../src/scenario/network/processRunner.js'

export const CLI = resolve(fileURLToPath(new URL('../../dist/lnsim.mjs', import.meta.url)))

export interface Child {
  proc: ChildProcess
  ready: Record<string, unknown>
  stderr: string[]
  /** resolves with the exit code */
  exited: Promise<number | null>
}

const running = new Set<ChildProcess>()
const tempDirs: string[] = []

export async function tempDir(prefix = 'lnsim-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

/** Starts `node dist/lnsim.mjs ...args --json` and waits for its `{"event":"ready"}` line. */
export async function spawnReady(args: string[], timeoutMs = 20_000): Promise<Child> {
  // e.g. LNSIM_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the children
  const nodeArgs = process.env.LNSIM_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  // stdin is a pipe: if this test process dies, the child sees it close and stops
  // the environment `lnsim run` gives its daemons, so tests and benchmarks see what users run
  const proc = spawn(process.execPath, [...nodeArgs, CLI, ...args, '--json'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: daemonEnv(),
  })
  running.add(proc)
  const stderr: string[] = []
  createInterface({ input: proc.stderr! }).on('line', (l) => {
    stderr.push(l)
    if (stderr.length > 200) stderr.shift()
  })
  const exited = new Promise<number | null>((done) =>
    proc.once('exit', (code) => {
      running.delete(proc)
      done(code)
    }),
  )
  const ready = await new Promise<Record<string, unknown>>((resolveReady, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${args.join(' ')} did not become ready in ${timeoutMs} ms:\n${stderr.join('\n')}`)),
      timeoutMs,
    )
    const lines = createInterface({ input: proc.stdout! })
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Record<string, unknown>
        if (msg.event === 'ready') {
          clearTimeout(timer)
          resolveReady(msg)
        }
      } catch {
        // not a JSON line
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${args.join(' ')} exited with ${code} before it was ready:\n${stderr.join('\n')}`))
    })
  })
  return { proc, ready, stderr, exited }
}

/** Runs the CLI to completion: exit code, stdout, stderr. */
export function runCli(
  args: string[],
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(proc)
    let stdout = ''
    let stderr = ''
    proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`lnsim ${args.join(' ')} timed out`))
    }, timeoutMs)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      running.delete(proc)
      done({ code, stdout, stderr })
    })
  })
}

/** Stops a child gently, then for good after a grace period. */
export async function stop(child: Child, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<number | null> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return child.proc.exitCode
  child.proc.kill(signal)
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs)
  const code = await child.exited
  clearTimeout(timer)
  return code
}

/** For afterEach/afterAll: kill whatever is still running and remove temp dirs. */
export async function cleanupProcesses(): Promise<void> {
  for (const p of running) p.kill('SIGKILL')
  running.clear()
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v !== undefined && v !== false) return v as T
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/** Whether a process exists, as process.kill(pid, 0) sees it; a zombie waiting to be reaped counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return true
  }
}

export async function waitUntilGone(pids: number[], timeoutMs = 5000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const alive = pids.filter(isAlive)
    if (alive.length === 0 || Date.now() > deadline) return alive
    await new Promise((r) => setTimeout(r, 50))
  }
}

export interface CliRun {
  proc: ChildProcess
  stdout: () => string
  stderr: () => string
  /** the exit code; null when a signal ended it */
  exited: Promise<number | null>
}

/** Starts `node dist/lnsim.mjs ...args`; stopped by killRunning() even when a test fails. */
export function startCli(args: string[], env: Record<string, string> = {}): CliRun {
  const proc = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  running.add(proc)
  let out = ''
  let err = ''
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const exited = new Promise<number | null>((done) =>
    proc.once('exit', (code) => {
      running.delete(proc)
      done(code)
    }),
  )
  return { proc, stdout: () => out, stderr: () => err, exited }
}

export async function runToEnd(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = startCli(args, env)
  const code = await r.exited
  return { code, stdout: r.stdout(), stderr: r.stderr() }
}

/** For afterEach: SIGINT any CLI still running (it stops its own children), then SIGKILL what is left. */
export async function killRunning(): Promise<void> {
  const procs = [...running]
  for (const p of procs) p.kill('SIGINT')
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((done) => {
          const t = setTimeout(() => (p.kill('SIGKILL'), done()), 10_000)
          p.once('exit', () => (clearTimeout(t), done()))
          if (p.exitCode !== null || p.signalCode !== null) (clearTimeout(t), done())
        }),
    ),
  )
}

export async function until<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
