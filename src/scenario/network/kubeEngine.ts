/**
 * The commands that run Pods: `kubectl` against a cluster, or `podman kube
 * play` on this machine (podman 4.3 runs plain Pods from the same manifests;
 * see kubeManifest.ts for what it does not support).
 */
import { execFile, spawn, spawnSync } from 'node:child_process'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { ProcessStartError } from '../errors.js'

const run = promisify(execFile)

/** How long one engine command may take before it counts as failed. @default 60 s (an image pull is not one) */
export const ENGINE_COMMAND_TIMEOUT_MS = 60_000
/** Between two tries to follow the output of a pod that is still being created. */
const FOLLOW_RETRY_MS = 500

export type KubeEngineName = 'podman' | 'kubectl'

export interface KubeEngine {
  readonly name: KubeEngineName
  /** Refuses, with what to do, when the cluster cannot be reached or the image is missing; starts nothing. */
  check(image: string): Promise<void>
  /** Creates the pod of the manifest file. */
  apply(file: string, pod: string): Promise<void>
  /** Calls onLine for every line the pod's container writes, until the container has exited. */
  follow(pod: string, onLine: (line: string) => void): Promise<void>
  /** The container's exit code, or null when it is not known (the pod is gone). */
  exitCode(pod: string): Promise<number | null>
  /** SIGTERM, then SIGKILL after graceSeconds. */
  stop(pod: string, graceSeconds: number): Promise<void>
  /** SIGKILL now. */
  kill(pod: string): Promise<void>
  remove(pod: string): Promise<void>
  /** remove(), synchronously: for the exit hook, when nothing asynchronous runs any more. */
  removeNow(pods: readonly string[]): void
}

async function command(program: string, args: readonly string[], what: string): Promise<string> {
  try {
    const { stdout } = await run(program, args, { timeout: ENGINE_COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 })
    return stdout
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string }
    if (e.code === 'ENOENT')
      throw new ProcessStartError(`${what}: ${program} is not installed or not on PATH`, { reason: 'NO_ENGINE' })
    throw new ProcessStartError(`${what}: ${program} ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`, {
      reason: 'ENGINE_FAILED',
    })
  }
}

function followProcess(program: string, args: readonly string[], onLine: (line: string) => void): Promise<number> {
  return new Promise((done) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    createInterface({ input: child.stdout }).on('line', onLine)
    createInterface({ input: child.stderr }).on('line', onLine)
    child.once('error', () => done(-1))
    child.once('close', (code) => done(code ?? -1))
  })
}

export class PodmanEngine implements KubeEngine {
  readonly name = 'podman'
  constructor(private readonly program = 'podman') {}

  async check(image: string): Promise<void> {
    await command(this.program, ['info', '--format', '{{.Host.OCIRuntime.Name}}'], 'podman cannot run containers')
    try {
      await run(this.program, ['image', 'exists', image], { timeout: ENGINE_COMMAND_TIMEOUT_MS })
    } catch {
      throw new ProcessStartError(
        `the image ${image} is not in podman's store: build it with \`podman build -t ${image} .\` ` +
          `or, without a registry, \`scripts/build-image-offline.sh ${image}\``,
        { reason: 'NO_IMAGE' },
      )
    }
  }
  async apply(file: string): Promise<void> {
    await command(this.program, ['kube', 'play', file], 'podman could not start the pod')
  }
  async follow(pod: string, onLine: (line: string) => void): Promise<void> {
    await followProcess(this.program, ['logs', '--follow', `${pod}-lnsim`], onLine)
    // `podman logs -f` also ends when the container is removed under it; make sure it has exited
    await run(this.program, ['wait', `${pod}-lnsim`], { timeout: ENGINE_COMMAND_TIMEOUT_MS }).catch(() => {})
  }
  async exitCode(pod: string): Promise<number | null> {
    try {
      const { stdout } = await run(this.program, ['inspect', '--format', '{{.State.ExitCode}}', `${pod}-lnsim`])
      const code = Number(stdout.trim())
      return Number.isInteger(code) ? code : null
    } catch {
      return null
    }
  }
  async stop(pod: string, graceSeconds: number): Promise<void> {
    await command(this.program, ['pod', 'stop', '-t', String(graceSeconds), pod], `stopping ${pod}`).catch(() => {})
  }
  async kill(pod: string): Promise<void> {
    await command(this.program, ['pod', 'kill', pod], `killing ${pod}`).catch(() => {})
  }
  async remove(pod: string): Promise<void> {
    await command(this.program, ['pod', 'rm', '--force', pod], `removing ${pod}`).catch(() => {})
  }
  removeNow(pods: readonly string[]): void {
    if (pods.length > 0) spawnSync(this.program, ['pod', 'rm', '--force', '--time', '0', ...pods], { stdio: 'ignore' })
  }
}

export interface KubectlOptions {
  program?: string
  context?: string
  namespace?: string
}

export class KubectlEngine implements KubeEngine {
  readonly name = 'kubectl'
  private readonly program: string
  private readonly scope: string[]
  constructor(options: KubectlOptions = {}) {
    this.program = options.program ?? 'kubectl'
    this.scope = [
      ...(options.context ? ['--context', options.context] : []),
      ...(options.namespace ? ['--namespace', options.namespace] : []),
    ]
  }

  async check(): Promise<void> {
    const can = await command(this.program, [...this.scope, 'auth', 'can-i', 'create', 'pods'], 'no cluster reachable')
    if (can.trim() !== 'yes')
      throw new ProcessStartError('the cluster does not let this account create pods in that namespace', {
        reason: 'FORBIDDEN',
      })
  }
  async apply(file: string): Promise<void> {
    await command(this.program, [...this.scope, 'apply', '-f', file], 'the cluster refused the pod')
  }
  async follow(pod: string, onLine: (line: string) => void): Promise<void> {
    // `kubectl logs` refuses a container that has not started yet: try again while the pod is pending
    for (;;) {
      let refused = ''
      const code = await followProcess(this.program, [...this.scope, 'logs', '--follow', `pod/${pod}`], (line) =>
        /waiting to start|ContainerCreating|PodInitializing/.test(line) ? (refused = line) : onLine(line),
      )
      if (code === 0 || refused === '') return
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_RETRY_MS))
    }
  }
  async exitCode(pod: string): Promise<number | null> {
    try {
      const { stdout } = await run(this.program, [
        ...this.scope,
        'get',
        `pod/${pod}`,
        '-o',
        'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}',
      ])
      const code = Number(stdout.trim())
      return stdout.trim() !== '' && Number.isInteger(code) ? code : null
    } catch {
      return null
    }
  }
  async stop(pod: string, graceSeconds: number): Promise<void> {
    await command(
      this.program,
      [...this.scope, 'delete', `pod/${pod}`, `--grace-period=${graceSeconds}`, '--ignore-not-found'],
      `stopping ${pod}`,
    ).catch(() => {})
  }
  async kill(pod: string): Promise<void> {
    await command(
      this.program,
      [...this.scope, 'delete', `pod/${pod}`, '--grace-period=0', '--force', '--ignore-not-found'],
      `killing ${pod}`,
    ).catch(() => {})
  }
  async remove(pod: string): Promise<void> {
    await command(
      this.program,
      [...this.scope, 'delete', `pod/${pod}`, '--wait=false', '--ignore-not-found'],
      `removing ${pod}`,
    ).catch(() => {})
  }
  removeNow(pods: readonly string[]): void {
    if (pods.length > 0)
      spawnSync(
        this.program,
        [...this.scope, 'delete', '--wait=false', '--ignore-not-found', ...pods.map((p) => `pod/${p}`)],
        {
          stdio: 'ignore',
        },
      )
  }
}
