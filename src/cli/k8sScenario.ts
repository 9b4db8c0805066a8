/**
 * The scenario `lnsim k8s render` and `lnsim k8s run` put in the cluster:
 * checked here first (an invalid file starts nothing), then rendered into the
 * run's manifests (src/scenario/kube/clusterManifests.ts).
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { isScriptFile, loadScenarioFile, MAX_CLUSTER_SCENARIO_NODES, ScenarioFileError } from '../scenario/index.js'
import {
  clusterManifests,
  clusterSize,
  defaultNamespace,
  podNames,
  type ClusterSize,
} from '../scenario/kube/clusterManifests.js'
import { CliError, type OptionSpec, type OptionValues } from './command.js'
import { DEFAULT_KUBE_IMAGE } from './kubeOptions.js'

export const K8S_SCENARIO_OPTIONS: OptionSpec[] = [
  {
    name: 'image',
    type: 'string',
    valueName: 'IMAGE',
    description: 'the lnsim image every Pod runs (on a cluster: one it can pull)',
    default: DEFAULT_KUBE_IMAGE,
  },
  {
    name: 'namespace',
    type: 'string',
    valueName: 'NS',
    description: 'the namespace the run creates (default: lnsim-SCENARIO); it must not exist yet',
  },
  { name: 'lean', type: 'boolean', description: 'run the nodes lean (as lnsim run --lean)' },
  { name: 'no-lean', type: 'boolean', description: 'never run the nodes lean (as lnsim run --no-lean)' },
]

export interface RenderedRun {
  name: string
  nodes: number
  namespace: string
  manifests: Record<string, unknown>[]
  pods: string[]
  size: ClusterSize
}

/** Loads and checks the scenario, then renders its manifests; exit 2 with what was wrong when it cannot. */
export async function renderScenario(file: string, options: OptionValues): Promise<RenderedRun> {
  const path = resolve(file)
  const usage = (message: string): never => {
    throw new CliError(`${message}; nothing was started`, { exitCode: 2, code: 'USAGE' })
  }
  if (isScriptFile(path))
    usage('lnsim k8s runs YAML scenarios: a TypeScript script imports modules the cluster does not have')
  if (options.lean === true && options['no-lean'] === true) usage('--lean and --no-lean contradict each other')
  let scenario: Awaited<ReturnType<typeof loadScenarioFile>>
  try {
    scenario = await loadScenarioFile(path, { maxNodes: MAX_CLUSTER_SCENARIO_NODES })
  } catch (err) {
    if (err instanceof ScenarioFileError)
      throw new CliError(`${err.message}\n${err.issues.length} problem(s); nothing was started`, {
        exitCode: 2,
        code: err.code,
      })
    throw err
  }
  // the ConfigMap carries the scenario file alone
  if (scenario.imported)
    usage(
      `${file} imports the topology ${scenario.imported.file}, which the cluster would not have: ` +
        'write its nodes and channels into the file',
    )
  if (scenario.simln)
    usage(`${file} reads SimLN activity from ${scenario.simln.sim.file}, which the cluster would not have`)
  const namespace = typeof options.namespace === 'string' ? options.namespace : defaultNamespace(scenario.name)
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace))
    usage(`--namespace ${JSON.stringify(namespace)} is not a Kubernetes name (lower-case letters, digits and -)`)
  const nodes = scenario.nodes.map((n) => n.name)
  let manifests: Record<string, unknown>[]
  try {
    manifests = clusterManifests({
      scenario: scenario.name,
      // a ConfigMap key: the file's own name when it is one
      fileName: /^[-._a-zA-Z0-9]+$/.test(basename(path)) ? basename(path) : 'scenario.yaml',
      fileText: await readFile(path, 'utf8'),
      nodes,
      image: String(options.image ?? DEFAULT_KUBE_IMAGE),
      namespace,
      agentToken: randomBytes(24).toString('hex'),
      runArgs: options.lean === true ? ['--lean'] : options['no-lean'] === true ? ['--no-lean'] : [],
    })
  } catch (err) {
    return usage((err as Error).message)
  }
  return {
    name: scenario.name,
    nodes: nodes.length,
    namespace,
    manifests,
    pods: podNames(manifests),
    size: clusterSize({ nodes }),
  }
}
