import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { readFileSync } from 'node:fs'

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

export const CLI = resolve(__dirname, '../../dist/lnsim.mjs')

export interface CliRun {
  proc: ChildProcess
  stdout: () => string
  stderr: () => string
  /** the exit code; null when a signal ended it */
  exited: Promise<number | null>
}

const running = new Set<ChildProcess>()

/** Starts `node dist/lnsim.mjs ...args`; stopped by killRunning() even when a test fails. */
export function startCli(args: string[], env: Record<string, string> = {}): CliRun {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
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

export async function runToEnd(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = startCli(args, env)
  const code = await r.exited
  return { code, stdout: r.stdout(), stderr: r.stderr() }
}

/** For afterEach: SIGINT any CLI still running (it stops its own children), then SIGKILL what is left. */
export async function killRunning(): Promise<void> {
  const procs = [...running]
  for (const p of procs) p.kill('SIGINT')
  await Promise.all(procs.map((p) => new Promise<void>((done) => {
    const t = setTimeout(() => (p.kill('SIGKILL'), done()), 10_000)
    p.once('exit', () => (clearTimeout(t), done()))
    if (p.exitCode !== null || p.signalCode !== null) (clearTimeout(t), done())
  })))
}

export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
