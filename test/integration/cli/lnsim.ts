/** Runs the CLI as a user types it, in a folder of the test's choosing; every process is stopped after the tests. */
import { spawn, type ChildProcess } from 'node:child_process'
import { CLI } from '../../helpers/processes.js'

const running = new Set<ChildProcess>()

export interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

export interface LnsimOptions {
  cwd?: string
  env?: Record<string, string>
  /** node flags before the CLI, e.g. ['--require', fixture] */
  nodeArgs?: string[]
  timeoutMs?: number
}

export function lnsim(args: string[], options: LnsimOptions = {}): Promise<Ran> {
  const child = start(args, options)
  return new Promise((done, fail) => {
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`lnsim ${args.join(' ')} did not finish in ${options.timeoutMs ?? 30_000} ms:\n${stderr}`))
    }, options.timeoutMs ?? 30_000)
    child.once('error', fail)
    child.once('close', (code) => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}

/** A long-running lnsim (watch, node start): its output so far, and its exit. */
export function start(args: string[], options: LnsimOptions = {}): ChildProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, LNSIM_NODE: '', LNSIM_CHAIN: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

export function killAll(): void {
  for (const c of running) c.kill('SIGKILL')
  running.clear()
}

/** Parses stdout as JSON, saying what came instead when it is not. */
export function json<T = Record<string, unknown>>(r: Ran): T {
  try {
    return JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  }
}
