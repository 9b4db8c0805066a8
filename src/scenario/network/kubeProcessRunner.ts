/**
 * A ProcessRunner whose daemons are Kubernetes Pods (kubeManifest.ts), one
 * per chain or node, started through a KubeEngine (kubectl, or podman kube
 * play on one machine). The network above it is the same as with the local
 * runner: it reads each daemon's ready line (here from the pod's output),
 * dials the URLs the daemon printed (the pod's own address) and reads the
 * node's token from the run folder, which every pod mounts at the same path.
 *
 * A pod is removed as soon as its daemon has exited, so a restarted node gets
 * a fresh pod of the same name; stopAll() stops and removes them all, and an
 * exit hook removes any still there if lnsim exits another way.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { KubeEngine } from './kubeEngine.js'
import { podManifest, podName, toYaml, type PodVolume } from './kubeManifest.js'
import {
  waitForReadyLine,
  type ManagedProcess,
  type ProcessExit,
  type ProcessRunner,
  type ProcessSpec,
} from './processRunner.js'

const OUTPUT_TAIL_LINES = 30

export interface KubeRunnerOptions {
  engine: KubeEngine
  /** e.g. localhost/lnsim:dev; it must hold the same lnsim version as this program */
  image: string
  /** the run folder: mounted at this path in every pod; the manifests are written to its k8s/ */
  runDir: string
  /** what backs the run folder in the pods. @default a hostPath of runDir (one machine, or a one-node cluster) */
  volume?: PodVolume
  namespace?: string
  /** names the pods of this run (lnsim-RUN-…). @default 6 random hex digits */
  runId?: string
  /** ms between SIGTERM and SIGKILL. @default 5000 */
  graceMs?: number
  /** ms to wait for a pod's ready line, image start included. @default 90000 */
  readyTimeoutMs?: number
}

class KubePod implements ManagedProcess {
  ready: Record<string, unknown> = {}
  readonly lastOutput: string[] = []
  readonly pid = undefined
  exited!: Promise<ProcessExit>
  private exit: ProcessExit | undefined
  stopSignal: NodeJS.Signals | null = null

  constructor(
    readonly name: string,
    readonly pod: string,
    private readonly engine: KubeEngine,
    private readonly graceMs: number,
  ) {}

  settle(exit: ProcessExit): ProcessExit {
    return (this.exit = exit)
  }
  get running(): boolean {
    return this.exit === undefined
  }
  async stop(): Promise<ProcessExit> {
    if (this.exit) return this.exit
    this.stopSignal ??= 'SIGTERM'
    await this.engine.stop(this.pod, Math.ceil(this.graceMs / 1000))
    return this.exited
  }
  async kill(): Promise<ProcessExit> {
    if (this.exit) return this.exit
    this.stopSignal = 'SIGKILL'
    await this.engine.kill(this.pod)
    return this.exited
  }
}

export class KubeProcessRunner implements ProcessRunner {
  readonly runId: string
  private readonly live = new Set<KubePod>()
  private checked: Promise<void> | undefined
  private readonly graceMs: number
  private readonly readyTimeoutMs: number
  private readonly removeAllNow = (): void => this.options.engine.removeNow([...this.live].map((p) => p.pod))

  constructor(private readonly options: KubeRunnerOptions) {
    this.runId = options.runId ?? randomBytes(3).toString('hex')
    this.graceMs = options.graceMs ?? 5000
    this.readyTimeoutMs = options.readyTimeoutMs ?? 90_000
  }

  /** The pods still running. */
  get pods(): string[] {
    return [...this.live].map((p) => p.pod)
  }

  async start(spec: ProcessSpec, options: { signal?: AbortSignal } = {}): Promise<ManagedProcess> {
    options.signal?.throwIfAborted()
    const { engine } = this.options
    this.checked ??= engine.check(this.options.image)
    await this.checked
    const pod = podName(this.runId, spec.name)
    const dir = join(this.options.runDir, 'k8s')
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `${pod}.yaml`)
    writeFileSync(
      file,
      toYaml(
        podManifest({
          name: pod,
          runId: this.runId,
          daemon: spec.name,
          role: spec.args[0] === 'chain' ? 'chain' : 'node',
          image: this.options.image,
          nodeFlags: spec.nodeFlags ?? [],
          args: spec.args,
          mountPath: this.options.runDir,
          volume: this.options.volume ?? { hostPath: this.options.runDir },
          ...(this.options.namespace ? { namespace: this.options.namespace } : {}),
        }),
      ),
    )
    const proc = new KubePod(spec.name, pod, engine, this.graceMs)
    if (this.live.size === 0) process.on('exit', this.removeAllNow)
    this.live.add(proc)

    const log = createWriteStream(spec.logFile, { flags: 'a' })
    log.on('error', () => {})
    const tail = proc.lastOutput
    let onReady: (ready: Record<string, unknown>) => void = () => {}
    const onLine = (line: string): void => {
      log.write(line + '\n')
      tail.push(line)
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift()
      if (!line.startsWith('{')) return
      try {
        const msg = JSON.parse(line) as { event?: unknown }
        if (msg && typeof msg === 'object' && msg.event === 'ready') onReady(msg as Record<string, unknown>)
      } catch {
        // a log line that starts with a brace
      }
    }

    proc.exited = (async () => {
      try {
        await engine.apply(file, pod)
      } catch (err) {
        log.end()
        this.live.delete(proc)
        throw err
      }
      await engine.follow(pod, onLine)
      const code = await engine.exitCode(pod)
      await engine.remove(pod)
      log.end()
      this.live.delete(proc)
      if (this.live.size === 0) process.off('exit', this.removeAllNow)
      return proc.settle({ code, signal: code === null ? proc.stopSignal : null })
    })()
    const describe = (what: string): string =>
      `${spec.name} (pod ${pod}): ${what}${tail.length ? `; its last output:\n  ${tail.join('\n  ')}` : ''}\n` +
      `(log: ${spec.logFile})`

    try {
      proc.ready = await waitForReadyLine({
        name: spec.name,
        timeoutMs: this.readyTimeoutMs,
        signal: options.signal,
        exited: proc.exited,
        describe,
        listen: (ready) => (onReady = ready),
      })
    } catch (err) {
      await proc.kill().catch(() => {})
      throw err
    }
    return proc
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.live].map((p) => p.stop().catch(() => undefined)))
  }
}
