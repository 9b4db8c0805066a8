/**
 * Real processes for integration tests: the bundled CLI started as a child,
 * its ready line read from stdout, and every child killed when the test ends,
 * passes or fails.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
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
  const proc = spawn(process.execPath, [...nodeArgs, CLI, ...args, '--json'], { stdio: ['pipe', 'pipe', 'pipe'], env: daemonEnv() })
  running.add(proc)
  const stderr: string[] = []
  createInterface({ input: proc.stderr! }).on('line', (l) => {
    stderr.push(l)
    if (stderr.length > 200) stderr.shift()
  })
  const exited = new Promise<number | null>((done) => proc.once('exit', (code) => {
    running.delete(proc)
    done(code)
  }))
  const ready = await new Promise<Record<string, unknown>>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not become ready in ${timeoutMs} ms:\n${stderr.join('\n')}`)), timeoutMs)
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
export function runCli(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
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

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v !== undefined && v !== false) return v as T
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}
