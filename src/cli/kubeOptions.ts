/**
 * `lnsim run --kubernetes`: the options that choose where a scenario's
 * daemons run (this machine's processes, or Pods) and build the runner.
 */
import { spawnSync } from 'node:child_process'
import { KubectlEngine, PodmanEngine, type KubeEngine } from '../scenario/network/kubeEngine.js'
import { KubeProcessRunner } from '../scenario/network/kubeProcessRunner.js'
import type { ProcessRunner } from '../scenario/network/processRunner.js'
import { AGENT_TOKEN_ENV } from '../scenario/kube/agentProtocol.js'
import { AgentProcessRunner } from '../scenario/kube/agentProcessRunner.js'
import { CliError, type OptionSpec, type OptionValues } from './command.js'

/** The image `scripts/build-image-offline.sh` builds by default. */
export const DEFAULT_KUBE_IMAGE = 'localhost/lnsim:dev'

export const KUBE_OPTIONS: OptionSpec[] = [
  {
    name: 'kubernetes',
    type: 'boolean',
    description: 'run the chain and every node as Kubernetes Pods (the same as --runner kube; see docs/scenarios.md)',
  },
  {
    name: 'runner',
    type: 'string',
    valueName: 'local|kube|agents',
    description:
      'where the daemons run: processes here, Pods this run creates, or Pods already running `lnsim k8s agent` ' +
      `and named as their Services (inside \`lnsim k8s run\`'s runner Pod; the token in $${AGENT_TOKEN_ENV})`,
    default: 'local',
  },
  {
    name: 'kube-engine',
    type: 'string',
    valueName: 'kubectl|podman',
    description:
      'what starts the Pods: kubectl (a cluster) or podman kube play (this machine) (default: kubectl when it ' +
      'has a current context, else podman)',
  },
  {
    name: 'image',
    type: 'string',
    valueName: 'IMAGE',
    description: 'the lnsim image the Pods run',
    default: DEFAULT_KUBE_IMAGE,
  },
  { name: 'namespace', type: 'string', valueName: 'NS', description: 'kubectl: the namespace for the Pods' },
  { name: 'kube-context', type: 'string', valueName: 'CTX', description: 'kubectl: the kubeconfig context' },
  {
    name: 'kube-claim',
    type: 'string',
    valueName: 'PVC',
    description:
      'a ReadWriteMany claim holding the run folder (--dir), mounted at the same path in every Pod ' +
      '(default: a hostPath of the run folder, for one machine or a one-node cluster)',
  },
]

/** kubectl when it has a cluster to talk to (a current context), else podman: the engine a user most likely means. */
function defaultEngine(): 'kubectl' | 'podman' {
  const context = spawnSync('kubectl', ['config', 'current-context'], { stdio: 'ignore', timeout: 10_000 })
  return context.error === undefined && context.status === 0 ? 'kubectl' : 'podman'
}

export function wantsKubernetes(options: OptionValues): boolean {
  const runner = options.runner ?? 'local'
  if (runner !== 'local' && runner !== 'kube' && runner !== 'agents')
    throw new CliError(`--runner must be local, kube or agents, not ${JSON.stringify(runner)}`, {
      exitCode: 2,
      code: 'USAGE',
    })
  return options.kubernetes === true || runner === 'kube'
}

/** --runner agents: the runner for daemons whose Pods `lnsim k8s run` created, or undefined for another runner. */
export function agentRunner(options: OptionValues): AgentProcessRunner | undefined {
  if (options.runner !== 'agents') return undefined
  if (options.kubernetes === true)
    throw new CliError('--runner agents and --kubernetes contradict each other', { exitCode: 2, code: 'USAGE' })
  const token = process.env[AGENT_TOKEN_ENV]
  if (!token)
    throw new CliError(`--runner agents needs the run's agent token in $${AGENT_TOKEN_ENV}`, {
      exitCode: 2,
      code: 'USAGE',
    })
  return new AgentProcessRunner({ token })
}

function engineFrom(options: OptionValues): KubeEngine {
  const name = options['kube-engine'] ?? defaultEngine()
  if (name === 'podman') {
    if (typeof options.namespace === 'string' || typeof options['kube-context'] === 'string')
      throw new CliError('--namespace and --kube-context are for --kube-engine kubectl', { exitCode: 2, code: 'USAGE' })
    return new PodmanEngine()
  }
  if (name === 'kubectl')
    return new KubectlEngine({
      ...(typeof options.namespace === 'string' ? { namespace: options.namespace } : {}),
      ...(typeof options['kube-context'] === 'string' ? { context: options['kube-context'] } : {}),
    })
  throw new CliError(`--kube-engine must be kubectl or podman, not ${JSON.stringify(name)}`, {
    exitCode: 2,
    code: 'USAGE',
  })
}

/** The runner for Pods, its run folder mounted from `dir`. */
export function kubeRunner(options: OptionValues, dir: string): KubeProcessRunner {
  return new KubeProcessRunner({
    engine: engineFrom(options),
    image: String(options.image ?? DEFAULT_KUBE_IMAGE),
    runDir: dir,
    ...(typeof options['kube-claim'] === 'string' ? { volume: { claimName: options['kube-claim'] } } : {}),
    ...(typeof options.namespace === 'string' ? { namespace: options.namespace } : {}),
  })
}

export type { ProcessRunner }
