/**
 * What `lnsim k8s run` asks of the place the manifests run: kubectl and a
 * cluster, or podman kube play on this machine. Each check refuses before
 * anything is created, and says what to do.
 */
import { execFile, spawn, spawnSync } from 'node:child_process'
import { totalmem } from 'node:os'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { IMAGE_PROGRAM } from '../network/kubeManifest.js'
import { RUNNER_POD, describeSize, type ClusterSize } from './clusterManifests.js'
import { KubeClusterError } from './kubeClusterError.js'

const run = promisify(execFile)

/** How long one engine command may take. @default 120 s (applying a thousand objects) */
export const CLUSTER_COMMAND_TIMEOUT_MS = 120_000
/** Between two tries to follow the runner while its Pod is still being created. */
const FOLLOW_RETRY_MS = 1000
/** Waiting reasons that mean the image will not come. */
const IMAGE_FAILURES = /ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull/

export interface RunTarget {
  image: string
  namespace: string
  pods: readonly string[]
  /** the ConfigMaps' names (podman turns each into a volume of that name) */
  configMaps: readonly string[]
  size: ClusterSize
}

export interface ClusterEngine {
  readonly name: 'kubectl' | 'podman'
  /** Refuses (KubeClusterError) when the run cannot start; creates nothing. */
  check(target: RunTarget): Promise<void>
  apply(file: string): Promise<void>
  /** Calls onLine for each line the runner writes until stop() returns true or the runner exits; false if aborted. */
  followRunner(onLine: (line: string) => boolean, signal: AbortSignal): Promise<boolean>
  /** Runs lnsim in the runner's container and returns what it printed. */
  execRunner(args: readonly string[]): Promise<string>
  /** Deletes everything the manifests created. */
  teardown(file: string): Promise<void>
  /** teardown(), synchronously, for the exit hook. */
  teardownNow(file: string): void
}

async function command(program: string, args: readonly string[], what: string): Promise<string> {
  try {
    const { stdout } = await run(program, args, {
      timeout: CLUSTER_COMMAND_TIMEOUT_MS,
      maxBuffer: 256 * 1024 * 1024,
    })
    return stdout
  } catch (err) {
    const e = err as Omit<NodeJS.ErrnoException, 'code'> & { code?: unknown; signal?: unknown; stderr?: string }
    if (e.code === 'ENOENT') throw new KubeClusterError('NO_ENGINE', `${what}: ${program} is not installed`)
    // a command that says nothing on stderr is known by how it ended
    const ended = typeof e.code === 'number' ? ` (exit ${e.code})` : e.signal ? ` (killed by ${String(e.signal)})` : ''
    throw new KubeClusterError(
      'ENGINE_FAILED',
      `${what}: ${program} ${args.slice(0, 4).join(' ')}… failed${ended}: ` + `${(e.stderr || e.message).trim()}`,
    )
  }
}

/** Follows a command's output line by line; ends when it exits, or when onLine says stop (then it is killed). */
function follow(program: string, args: readonly string[], onLine: (line: string) => boolean, signal: AbortSignal) {
  return new Promise<{ code: number; stopped: boolean }>((done) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stopped = false
    const line = (l: string): void => {
      if (stopped) return
      if (onLine(l)) {
        stopped = true
        child.kill()
      }
    }
    createInterface({ input: child.stdout }).on('line', line)
    createInterface({ input: child.stderr }).on('line', line)
    const onAbort = (): void => void child.kill()
    signal.addEventListener('abort', onAbort, { once: true })
    if (signal.aborted) onAbort()
    child.once('error', () => done({ code: -1, stopped }))
    child.once('close', (code) => {
      signal.removeEventListener('abort', onAbort)
      done({ code: code ?? -1, stopped })
    })
  })
}

function refuseSize(what: string, asked: string, has: string, size: ClusterSize): never {
  throw new KubeClusterError(
    'OVER_QUOTA',
    `the scenario needs more ${what} than there is: ${describeSize(size)}, and ${has} offers ${asked}; ` +
      'run a smaller scenario (e.g. --sample for an imported topology) or use a bigger cluster',
    { resource: what },
  )
}

export class PodmanCluster implements ClusterEngine {
  readonly name = 'podman'
  constructor(private readonly program = 'podman') {}

  async check(target: RunTarget): Promise<void> {
    await command(this.program, ['info', '--format', '{{.Host.OCIRuntime.Name}}'], 'podman cannot run containers')
    try {
      await run(this.program, ['image', 'exists', target.image], { timeout: CLUSTER_COMMAND_TIMEOUT_MS })
    } catch {
      throw new KubeClusterError(
        'NO_IMAGE',
        `the image ${target.image} is not in podman's store: build it with \`podman build -t ${target.image} .\` ` +
          `or, without a registry, \`scripts/build-image-offline.sh ${target.image}\``,
      )
    }
    // podman has no namespaces: Pod names are the machine's, so another run's `chain` is in the way
    const existing = new Set(
      (await command(this.program, ['pod', 'ps', '--format', '{{.Name}}'], 'podman cannot list pods'))
        .split('\n')
        .map((l) => l.trim()),
    )
    const taken = target.pods.filter((p) => existing.has(p))
    if (taken.length > 0)
      throw new KubeClusterError(
        'NAMESPACE_IN_USE',
        `podman already runs pods named ${taken.slice(0, 5).join(', ')}${taken.length > 5 ? ', …' : ''}: another ` +
          'run is using them (podman has no namespaces); wait for it, or remove it with `podman kube down FILE` ' +
          'or `podman pod rm -f NAME`',
        { pods: taken },
      )
    this.configMaps = target.configMaps
    // podman keeps a ConfigMap's volume after kube down, and would mount the old file into this run
    for (const name of target.configMaps)
      await run(this.program, ['volume', 'rm', '--force', name], { timeout: CLUSTER_COMMAND_TIMEOUT_MS }).catch(
        () => {},
      )
    // podman does not reserve requests; memory is what a machine runs out of first
    const memoryMi = Math.floor(totalmem() / (1024 * 1024))
    if (target.size.memoryMi > memoryMi) refuseSize('memory', `${memoryMi} MiB`, 'this machine', target.size)
  }
  async apply(file: string): Promise<void> {
    await command(this.program, ['kube', 'play', file], 'podman could not start the pods')
  }
  async followRunner(onLine: (line: string) => boolean, signal: AbortSignal): Promise<boolean> {
    await follow(this.program, ['logs', '--follow', `${RUNNER_POD}-lnsim`], onLine, signal)
    return !signal.aborted
  }
  async execRunner(args: readonly string[]): Promise<string> {
    return command(
      this.program,
      ['exec', `${RUNNER_POD}-lnsim`, 'node', IMAGE_PROGRAM, ...args],
      'reading the results from the runner',
    )
  }
  private configMaps: readonly string[] = []
  async teardown(file: string): Promise<void> {
    await command(this.program, ['kube', 'down', file], 'removing the pods').catch(() => {})
    if (this.configMaps.length > 0)
      await command(this.program, ['volume', 'rm', '--force', ...this.configMaps], 'removing volumes').catch(() => {})
  }
  teardownNow(file: string): void {
    spawnSync(this.program, ['kube', 'down', file], { stdio: 'ignore' })
    if (this.configMaps.length > 0)
      spawnSync(this.program, ['volume', 'rm', '--force', ...this.configMaps], { stdio: 'ignore' })
  }
}

/** Kubernetes quantities: CPU in millicores ("2", "1500m"), memory in MiB ("16Gi", "16374256Ki", "1e9"). */
export function cpuMilli(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000
}
const MEMORY_UNITS: Record<string, number> = {
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
}
export function memoryMi(q: string): number {
  const m = /^([0-9.e+]+)([A-Za-z]*)$/.exec(q)
  if (!m) return NaN
  return (Number(m[1]) * (m[2] ? (MEMORY_UNITS[m[2]] ?? NaN) : 1)) / 1024 ** 2
}

export interface KubectlClusterOptions {
  program?: string
  context?: string
  namespace: string
}

export class KubectlCluster implements ClusterEngine {
  readonly name = 'kubectl'
  private readonly program: string
  private readonly global: string[]
  private readonly scope: string[]

  constructor(private readonly options: KubectlClusterOptions) {
    this.program = options.program ?? 'kubectl'
    this.global = options.context ? ['--context', options.context] : []
    this.scope = [...this.global, '--namespace', options.namespace]
  }

  async check(target: RunTarget): Promise<void> {
    try {
      await command(this.program, [...this.global, 'get', '--raw', '/readyz'], 'no cluster reachable')
    } catch (err) {
      if (err instanceof KubeClusterError && err.code === 'ENGINE_FAILED')
        throw new KubeClusterError(
          'NO_CLUSTER',
          `${err.message}\n(check \`kubectl config current-context\`, ` +
            'or give --context; --engine podman runs on this machine)',
        )
      throw err
    }
    const ns = await run(this.program, [...this.global, 'get', 'namespace', target.namespace, '-o', 'name'], {
      timeout: CLUSTER_COMMAND_TIMEOUT_MS,
    }).then(
      () => true,
      () => false,
    )
    if (ns)
      throw new KubeClusterError(
        'NAMESPACE_IN_USE',
        `the namespace ${target.namespace} already exists: another run (or something else) uses it; give another ` +
          `with --namespace, or delete it with \`kubectl delete namespace ${target.namespace}\``,
        { namespace: target.namespace },
      )
    const can = await command(this.program, [...this.global, 'auth', 'can-i', 'create', 'namespaces'], 'auth')
    if (can.trim() !== 'yes')
      throw new KubeClusterError('FORBIDDEN', 'this account may not create namespaces in the cluster')
    const nodes = await command(
      this.program,
      [
        ...this.global,
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.status.allocatable.cpu} ' + '{.status.allocatable.memory}{"\\n"}{end}',
      ],
      'reading the cluster size',
    )
    let cpu = 0
    let memory = 0
    for (const l of nodes.split('\n').filter((x) => x.trim() !== '')) {
      const [c, m] = l.trim().split(/\s+/)
      cpu += cpuMilli(c ?? '0')
      memory += memoryMi(m ?? '0')
    }
    if (target.size.cpuMilli > cpu) refuseSize('CPU', `${(cpu / 1000).toFixed(2)} CPU`, 'the cluster', target.size)
    if (target.size.memoryMi > memory) refuseSize('memory', `${Math.floor(memory)} MiB`, 'the cluster', target.size)
  }
  async apply(file: string): Promise<void> {
    await command(this.program, [...this.global, 'apply', '-f', file], 'the cluster refused the manifests')
  }
  async followRunner(onLine: (line: string) => boolean, signal: AbortSignal): Promise<boolean> {
    // `kubectl logs` refuses a container that has not started: look at why, and try again while it is coming
    for (;;) {
      let refused = ''
      const r = await follow(
        this.program,
        [...this.scope, 'logs', '--follow', `pod/${RUNNER_POD}`],
        (line) =>
          /waiting to start|ContainerCreating|PodInitializing/.test(line) ? ((refused = line), false) : onLine(line),
        signal,
      )
      if (signal.aborted) return false
      if (r.stopped || (r.code === 0 && refused === '')) return true
      const waiting = await run(this.program, [
        ...this.scope,
        'get',
        `pod/${RUNNER_POD}`,
        '-o',
        'jsonpath={.status.containerStatuses[0].state.waiting.reason}',
      ]).then(
        (x) => x.stdout,
        () => '',
      )
      if (IMAGE_FAILURES.test(waiting))
        throw new KubeClusterError(
          'NO_IMAGE',
          `the cluster cannot pull the image (${waiting.trim()}): push it to a ` +
            'registry the cluster reads and give it with --image',
        )
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_RETRY_MS))
    }
  }
  async execRunner(args: readonly string[]): Promise<string> {
    return command(
      this.program,
      [...this.scope, 'exec', RUNNER_POD, '--', 'node', IMAGE_PROGRAM, ...args],
      'reading the results from the runner',
    )
  }
  async teardown(): Promise<void> {
    await command(
      this.program,
      [...this.global, 'delete', 'namespace', this.options.namespace, '--wait=false'],
      'removing the namespace',
    ).catch(() => {})
  }
  teardownNow(): void {
    spawnSync(this.program, [...this.global, 'delete', 'namespace', this.options.namespace, '--wait=false'], {
      stdio: 'ignore',
    })
  }
}
