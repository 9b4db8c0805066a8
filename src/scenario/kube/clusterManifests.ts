/**
 * The manifests of `lnsim k8s render` / `lnsim k8s run`: a whole scenario as
 * plain `v1` objects, the same set for `kubectl apply` on a real cluster and
 * for `podman kube play` on one machine.
 *
 * - a Namespace, so one run's objects are listed and deleted together;
 * - the scenario file in a ConfigMap, mounted into the runner;
 * - the chain as a Pod named `chain`, and one Pod per node named node-NAME, each
 *   beside a Service of the same name (podman ignores Services but resolves Pod
 *   names, a cluster resolves Service names: the same name works on both). Each
 *   runs `lnsim k8s agent`, which starts its daemon when the runner asks; the
 *   daemon's data lives on the Pod's own volume;
 * - a runner Pod that runs `lnsim run --runner agents` against those names and
 *   writes the JUnit, events, CSV and JSON reports to its results volume.
 *
 * No StatefulSet (podman 4.3 rejects it) and no `containerPort` (podman
 * publishes every one on the host, so two Pods with the same port would
 * clash): Services name their port by number only. Every volume has a name
 * of its own (POD-data): podman 4.3 makes an emptyDir a named volume, which
 * Pods giving the same name would share.
 */
import { stringify } from 'yaml'
import { IMAGE_PROGRAM } from '../network/kubeManifest.js'
import { AGENT_PORT, AGENT_TOKEN_ENV, CHAIN_SERVICE, nodeServiceName } from './agentProtocol.js'

/** Where the runner keeps its run folder, and each daemon Pod its data: the same path, so arguments mean the same. */
export const POD_RUN_DIR = '/var/lib/lnsim/run'
/** Where the runner writes the reports `lnsim k8s run` copies out. */
export const POD_RESULTS_DIR = '/var/lib/lnsim/results'
/** Where the scenario's ConfigMap is mounted in the runner. */
export const POD_SCENARIO_DIR = '/etc/lnsim/scenario'
/** The runner Pod. */
export const RUNNER_POD = 'runner'
/** The ConfigMap holding the scenario. */
export const SCENARIO_CONFIG_MAP = 'scenario'

/** The report files in the results volume, by the `lnsim run` flag that writes them. */
export const REPORT_FILES = {
  junit: 'junit.xml',
  events: 'events.ndjson',
  csv: 'payments.csv',
  report: 'report.json',
} as const
export type ReportKind = keyof typeof REPORT_FILES

/**
 * What each Pod asks the scheduler for (requests, not limits: bring-up and payment storms burst above them).
 * From `npm run bench` on 2 cores (bench/results.md): a node settles at 28 MB proportional memory, 67-75 MB resident,
 * and a few percent of a core once its channels are open; the chain serves every node; the runner holds the
 * network's view and its reports, a few hundred bytes per payment.
 */
export const POD_REQUESTS = {
  chain: { cpuMilli: 100, memoryMi: 96 },
  node: { cpuMilli: 50, memoryMi: 96 },
  runner: { cpuMilli: 250, memoryMi: 192 },
} as const
/**
 * V8 flags for the agent, which only relays its daemon's output: no compiler at all and a 1 MB young generation.
 * Measured alone on this machine: 44 MB proportional memory against 56 MB with V8's defaults.
 */
export const AGENT_NODE_FLAGS = ['--jitless', '--max-semi-space-size=1'] as const
/** The runner's memory grows with the network it follows: per node, beyond the base. @default 1 MiB */
export const RUNNER_MEMORY_MI_PER_NODE = 1

export interface ClusterManifestInput {
  /** the scenario's name, for labels and the default namespace */
  scenario: string
  /** the scenario file's base name and text, as the runner will read it */
  fileName: string
  fileText: string
  nodes: readonly string[]
  image: string
  namespace: string
  /** the token the runner shows the agents; random per run */
  agentToken: string
  /** more arguments for the runner (--lean or --no-lean) */
  runArgs?: readonly string[]
}

export interface ClusterSize {
  pods: number
  cpuMilli: number
  memoryMi: number
}

type Manifest = Record<string, unknown>

/** A namespace name from a scenario name: lnsim-NAME, a DNS label. */
export function defaultNamespace(scenario: string): string {
  const clean = scenario
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return `lnsim-${clean}`.slice(0, 63).replace(/-+$/, '')
}

function requests(r: { cpuMilli: number; memoryMi: number }): Record<string, string> {
  return { cpu: `${r.cpuMilli}m`, memory: `${r.memoryMi}Mi` }
}

function labels(role: string, name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'lnsim', 'lnsim.role': role, 'lnsim.pod': name }
}

function agentPod(input: ClusterManifestInput, name: string, role: 'chain' | 'node', daemon: string): Manifest[] {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: input.namespace, labels: labels(role, name), annotations: { 'lnsim.daemon': daemon } },
    spec: {
      // a daemon's exit is the run's to report (a crash fails it); a restart is the scenario's to make
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 10,
      // a thousand Services would otherwise become seven thousand variables in every Pod
      enableServiceLinks: false,
      containers: [
        {
          name: 'lnsim',
          image: input.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['node', ...AGENT_NODE_FLAGS, IMAGE_PROGRAM],
          args: ['k8s', 'agent', '--port', String(AGENT_PORT)],
          env: [
            { name: AGENT_TOKEN_ENV, value: input.agentToken },
            { name: 'MALLOC_ARENA_MAX', value: '1' },
          ],
          resources: { requests: requests(POD_REQUESTS[role]) },
          volumeMounts: [{ name: `${name}-data`, mountPath: POD_RUN_DIR }],
        },
      ],
      volumes: [{ name: `${name}-data`, emptyDir: {} }],
    },
  }
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: input.namespace, labels: labels(role, name) },
    spec: {
      selector: { 'lnsim.pod': name },
      ports: [{ name: 'agent', port: AGENT_PORT, targetPort: AGENT_PORT, protocol: 'TCP' }],
    },
  }
  return [pod, service]
}

export function runnerMemoryMi(nodes: number): number {
  return POD_REQUESTS.runner.memoryMi + RUNNER_MEMORY_MI_PER_NODE * nodes
}

function runnerPod(input: ClusterManifestInput): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: RUNNER_POD, namespace: input.namespace, labels: labels('runner', RUNNER_POD) },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 15,
      enableServiceLinks: false,
      containers: [
        {
          name: 'lnsim',
          image: input.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['node', IMAGE_PROGRAM],
          args: [
            'k8s',
            'runner',
            `${POD_SCENARIO_DIR}/${input.fileName}`,
            '--results',
            POD_RESULTS_DIR,
            '--dir',
            POD_RUN_DIR,
            ...(input.runArgs ?? []),
          ],
          env: [{ name: AGENT_TOKEN_ENV, value: input.agentToken }],
          resources: {
            requests: requests({
              cpuMilli: POD_REQUESTS.runner.cpuMilli,
              memoryMi: runnerMemoryMi(input.nodes.length),
            }),
          },
          volumeMounts: [
            { name: `${RUNNER_POD}-scenario`, mountPath: POD_SCENARIO_DIR, readOnly: true },
            { name: `${RUNNER_POD}-run`, mountPath: POD_RUN_DIR },
            { name: `${RUNNER_POD}-results`, mountPath: POD_RESULTS_DIR },
          ],
        },
      ],
      volumes: [
        { name: `${RUNNER_POD}-scenario`, configMap: { name: SCENARIO_CONFIG_MAP } },
        { name: `${RUNNER_POD}-run`, emptyDir: {} },
        { name: `${RUNNER_POD}-results`, emptyDir: {} },
      ],
    },
  }
}

/** Every object of the run, in the order they are applied: the namespace first, the runner last. */
export function clusterManifests(input: ClusterManifestInput): Manifest[] {
  const seen = new Map<string, string>()
  for (const node of input.nodes) {
    const name = nodeServiceName(node)
    const other = seen.get(name)
    if (other !== undefined) throw new Error(`nodes ${other} and ${node} would share the Pod name ${name}`)
    seen.set(name, node)
  }
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: input.namespace, labels: { 'app.kubernetes.io/name': 'lnsim' } },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: SCENARIO_CONFIG_MAP,
        namespace: input.namespace,
        labels: labels('scenario', SCENARIO_CONFIG_MAP),
      },
      data: { [input.fileName]: input.fileText },
    },
    ...agentPod(input, CHAIN_SERVICE, 'chain', 'chain'),
    ...input.nodes.flatMap((node) => agentPod(input, nodeServiceName(node), 'node', node)),
    runnerPod(input),
  ]
}

/** The Pods of a run by name, the runner last. */
export function podNames(manifests: readonly Manifest[]): string[] {
  return manifests.filter((m) => m.kind === 'Pod').map((m) => (m.metadata as { name: string }).name)
}

/** What the run asks the cluster for: the sum of its Pods' requests. */
export function clusterSize(input: { nodes: readonly string[] }): ClusterSize {
  const n = input.nodes.length
  return {
    pods: n + 2,
    cpuMilli: POD_REQUESTS.chain.cpuMilli + n * POD_REQUESTS.node.cpuMilli + POD_REQUESTS.runner.cpuMilli,
    memoryMi: POD_REQUESTS.chain.memoryMi + n * POD_REQUESTS.node.memoryMi + runnerMemoryMi(n),
  }
}

export function describeSize(size: ClusterSize): string {
  const cpu = (size.cpuMilli / 1000).toFixed(size.cpuMilli % 1000 === 0 ? 0 : 2)
  const memory = size.memoryMi >= 1024 ? `${(size.memoryMi / 1024).toFixed(1)} GiB` : `${size.memoryMi} MiB`
  return `${size.pods} Pods requesting ${cpu} CPU and ${memory} of memory`
}

/** The manifests as one multi-document YAML file. */
export function manifestsYaml(manifests: readonly Manifest[]): string {
  return manifests.map((m) => stringify(m, { lineWidth: 0 })).join('---\n')
}
