/**
 * Starting the daemons a scenario needs. The network asks a ProcessRunner for
 * "an lnsim process with these arguments" and gets back its ready line; the
 * local runner spawns it on this machine, and another runner (containers,
 * Kubernetes) can take its place behind the same interface.
 *
 * The local runner starts each child in its own process group, so stopping it
 * also stops anything it spawned, and so a Ctrl-C in the terminal reaches only
 * lnsim, which then stops the children in order. If lnsim exits any other way,
 * an exit hook SIGKILLs every group still running: no orphans.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs'
import { setPriority } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { ProcessStartError } from '../errors.js'

export interface ProcessSpec {
  /** a short name for messages: "chain", "alice" */
  name: string
  /** lnsim CLI arguments, e.g. ['node', 'start', '--name', 'alice', …]; the runner adds --json */
  args: string[]
  /** where the process's output goes */
  logFile: string
  /** options for the Node runtime that runs it (V8 flags), before the program: see LEAN_NODE_FLAGS */
  nodeFlags?: string[]
  /**
   * the niceness the process runs at (0 to 19, higher is a lower priority; see priority.ts). The local runner sets it
   * as soon as the process exists, before the runtime starts its helper threads, which inherit it. @default 0
   */
  niceness?: number
}

export interface ProcessExit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface ManagedProcess {
  readonly name: string
  readonly pid: number | undefined
  /** the `{"event":"ready",…}` line the process printed */
  readonly ready: Record<string, unknown>
  /** settles when the process has exited, for whatever reason */
  readonly exited: Promise<ProcessExit>
  readonly running: boolean
  /** the last lines it wrote on stderr, for error messages */
  readonly lastOutput: readonly string[]
  /** SIGTERM, then SIGKILL if it is still running after the grace period */
  stop(): Promise<ProcessExit>
  /** SIGKILL at once, as a crash would */
  kill(): Promise<ProcessExit>
}

export interface ProcessRunner {
  start(spec: ProcessSpec, options?: { signal?: AbortSignal }): Promise<ManagedProcess>
  /** Stops every process still running (each SIGTERM, then SIGKILL after the grace period). */
  stopAll(): Promise<void>
}

export interface LocalRunnerOptions {
  /** the program and leading arguments; default: this Node with the lnsim bundle (dist/lnsim.mjs) */
  command?: string[]
  /** ms between SIGTERM and SIGKILL. @default 5000 */
  graceMs?: number
  /** ms to wait for the ready line. @default 30000 */
  readyTimeoutMs?: number
}

const STDERR_TAIL_LINES = 30

/** The folder holding lnsim's package.json, found from this file (source or bundle), not from the current directory. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'lnsim') return dir
      } catch {
        // not ours: keep looking
      }
    }
    const up = dirname(dir)
    if (up === dir)
      throw new ProcessStartError(
        'cannot find the lnsim package folder above this program; run lnsim from its installed folder',
      )
    dir = up
  }
}

export function defaultDaemonCommand(): string[] {
  const bundle = join(packageRoot(), 'dist', 'lnsim.mjs')
  if (!existsSync(bundle))
    throw new ProcessStartError(`the lnsim bundle ${bundle} is missing; run \`npm run build\` first`)
  return [process.execPath, bundle]
}

/**
 * The environment a daemon starts in: the caller's, with glibc's malloc told to
 * keep less, for each setting the caller did not choose.
 * - One arena: glibc gives each thread that allocates an arena of its own (up to
 *   eight per core), and a Node process has a dozen threads (V8's compiler and GC
 *   helpers, libuv's pool) that each keep one mostly empty. A daemon's JavaScript
 *   runs on one thread, so one arena costs it no measurable CPU.
 * - Blocks of 32 KiB and more mapped apart, and free memory at the top of the heap
 *   given back from 128 KiB: by default glibc raises its mapping threshold each time
 *   such a block is freed, after which a node's 64 KiB socket reads come from the
 *   heap and leave it fragmented. At 150 nodes this kept the heap 2 to 4 MB smaller
 *   per node (1.1 MB of PSS at the median), on no more CPU.
 */
export function daemonEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...LEAN_MALLOC, ...env }
}

const LEAN_MALLOC: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '1',
  MALLOC_MMAP_THRESHOLD_: '32768',
  MALLOC_TRIM_THRESHOLD_: '131072',
}

/** Best effort: a system that does not allow it (or a process already gone) leaves the process as it is. */
function lowerPriority(pid: number, niceness: number): void {
  try {
    setPriority(pid, niceness)
  } catch {
    // the process runs at the default priority
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is gone already
  }
}

class LocalProcess implements ManagedProcess {
  ready: Record<string, unknown> = {}
  readonly lastOutput: string[] = []
  readonly exited: Promise<ProcessExit>
  private exit: ProcessExit | undefined

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    private readonly graceMs: number,
  ) {
    this.exited = new Promise((done) => {
      child.once('exit', (code, signal) => done((this.exit = { code, signal })))
      // a program that could not be spawned at all has no exit event
      child.once('error', () => child.pid === undefined && done((this.exit = { code: null, signal: null })))
    })
  }

  get pid(): number | undefined {
    return this.child.pid
  }
  get running(): boolean {
    return this.exit === undefined
  }

  async stop(): Promise<ProcessExit> {
    if (this.exit) return this.exit
    signalGroup(this.child, 'SIGTERM')
    const timer = setTimeout(() => signalGroup(this.child, 'SIGKILL'), this.graceMs)
    const exit = await this.exited
    clearTimeout(timer)
    return exit
  }

  async kill(): Promise<ProcessExit> {
    if (this.exit) return this.exit
    signalGroup(this.child, 'SIGKILL')
    return this.exited
  }
}

export class LocalProcessRunner implements ProcessRunner {
  private readonly command: string[] | undefined
  private readonly graceMs: number
  private readonly readyTimeoutMs: number
  private readonly live = new Set<LocalProcess>()
  private readonly killAllNow = (): void => {
    for (const p of this.live) signalGroup(p.child, 'SIGKILL')
  }

  constructor(options: LocalRunnerOptions = {}) {
    this.command = options.command
    this.graceMs = options.graceMs ?? 5000
    this.readyTimeoutMs = options.readyTimeoutMs ?? 30_000
  }

  /** The pids of the processes still running (for tests and `--keep` messages). */
  get pids(): number[] {
    return [...this.live].flatMap((p) => (p.pid === undefined ? [] : [p.pid]))
  }

  async start(spec: ProcessSpec, options: { signal?: AbortSignal } = {}): Promise<ManagedProcess> {
    options.signal?.throwIfAborted()
    const [program, ...lead] = this.command ?? defaultDaemonCommand()
    // stdin is a pipe the daemon watches: if this process dies, even by SIGKILL, its children see it close and stop
    const child = spawn(program!, [...(spec.nodeFlags ?? []), ...lead, ...spec.args, '--json'], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: daemonEnv(),
    })
    if (spec.niceness && child.pid !== undefined) lowerPriority(child.pid, spec.niceness)
    const proc = new LocalProcess(spec.name, child, this.graceMs)
    if (this.live.size === 0) process.on('exit', this.killAllNow)
    this.live.add(proc)
    void proc.exited.then(() => {
      this.live.delete(proc)
      if (this.live.size === 0) process.off('exit', this.killAllNow)
    })

    const log: WriteStream = createWriteStream(spec.logFile, { flags: 'a' })
    log.on('error', () => {})
    const tail = proc.lastOutput
    createInterface({ input: child.stderr! }).on('line', (line) => {
      log.write(line + '\n')
      tail.push(line)
      if (tail.length > STDERR_TAIL_LINES) tail.shift()
    })
    void proc.exited.then(() => log.end())
    const describe = (what: string): string =>
      `${spec.name}: ${what}${tail.length ? `; its last output:\n  ${tail.join('\n  ')}` : ''}\n(log: ${spec.logFile})`

    try {
      proc.ready = await waitForReadyLine({
        name: spec.name,
        timeoutMs: this.readyTimeoutMs,
        signal: options.signal,
        exited: proc.exited,
        describe,
        listen: (ready, fail) => {
          createInterface({ input: child.stdout! }).on('line', (line) => {
            log.write(line + '\n')
            let msg: unknown
            try {
              msg = JSON.parse(line)
            } catch {
              return
            }
            if (msg && typeof msg === 'object' && (msg as { event?: unknown }).event === 'ready')
              ready(msg as Record<string, unknown>)
          })
          child.once('error', (err) =>
            fail(new ProcessStartError(describe(`cannot start ${program} (${err.message})`), { name: spec.name })),
          )
        },
      })
    } catch (err) {
      await proc.kill()
      throw err
    }
    return proc
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.live].map((p) => p.stop()))
  }
}

/**
 * Waits for a daemon's `{"event":"ready"}` line, whatever runs it: `listen` gets `ready` to call with the line
 * and `fail` for a process that cannot start. The wait ends with a ProcessStartError when the process exits first,
 * after `timeoutMs`, or when `signal` aborts; `describe` adds what the process last said.
 */
export function waitForReadyLine(w: {
  name: string
  timeoutMs: number
  signal: AbortSignal | undefined
  exited: Promise<ProcessExit>
  describe: (what: string) => string
  listen: (ready: (line: Record<string, unknown>) => void, fail: (err: unknown) => void) => void
}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const finish = (then: () => void): void => {
      clearTimeout(timer)
      w.signal?.removeEventListener('abort', onAbort)
      then()
    }
    const fail = (err: unknown): void => finish(() => reject(err))
    const timer = setTimeout(
      () => fail(new ProcessStartError(w.describe(`not ready after ${w.timeoutMs} ms`), { name: w.name })),
      w.timeoutMs,
    )
    const onAbort = (): void => fail(new ProcessStartError(`${w.name}: start interrupted`, { name: w.name }))
    w.signal?.addEventListener('abort', onAbort, { once: true })
    w.exited.then(
      (e) =>
        fail(
          new ProcessStartError(w.describe(`exited (${e.signal ?? `code ${e.code}`}) before it was ready`), {
            name: w.name,
            ...e,
          }),
        ),
      fail,
    )
    w.listen((line) => finish(() => resolve(line)), fail)
  })
}
