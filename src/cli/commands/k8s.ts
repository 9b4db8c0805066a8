/**
 * `lnsim k8s …`: a scenario on Kubernetes. `render` prints its manifests,
 * `run` runs them (on a cluster with kubectl, or here with podman kube play)
 * and reports as `lnsim run` does. `agent`, `runner` and `collect` are what
 * the Pods themselves run.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { AGENT_PORT, AGENT_TOKEN_ENV } from '../../scenario/kube/agentProtocol.js'
import { DaemonAgent } from '../../scenario/kube/daemonAgent.js'
import { REPORT_FILES, describeSize, manifestsYaml } from '../../scenario/kube/clusterManifests.js'
import { defaultDaemonCommand } from '../../scenario/network/processRunner.js'
import { CliError, parseIntegerOption, requireString, type CommandSpec } from '../command.js'
import { hostFrom } from '../hostOption.js'
import { RUNNER_DONE_EVENT, runOnCluster } from '../k8sRun.js'
import { K8S_SCENARIO_OPTIONS, renderScenario } from '../k8sScenario.js'

/**
 * How long the runner Pod waits, after its run, for `lnsim k8s run` to copy the reports out before it exits anyway.
 * @default 10 minutes
 */
export const RUNNER_HOLD_MS = 10 * 60_000
/** The mark `collect` leaves in the results: the reports are out, the runner may end. */
const COLLECTED_MARK = '.collected'
const EXIT_CODE_FILE = 'exit-code'

const renderCommand: CommandSpec = {
  path: ['k8s', 'render'],
  summary: 'Print the Kubernetes manifests that run a scenario',
  description:
    'A Namespace, the scenario in a ConfigMap, the chain (Pod and Service `chain`), a Pod and Service per node ' +
    '(node-NAME, data on its own volume), and a runner Pod that runs `lnsim run` against them, writing the ' +
    'reports to its results volume. Plain v1 objects: `kubectl apply -f` on a cluster, `podman kube play` here. ' +
    'What the run asks the cluster for is printed on stderr.',
  positionals: [{ name: 'FILE', description: 'scenario file (.yaml)' }],
  options: K8S_SCENARIO_OPTIONS,
  examples: [
    'lnsim k8s render scenarios/demo.yaml > demo.k8s.yaml',
    'lnsim k8s render big.yaml --image REGISTRY/lnsim:0.1.0',
  ],
  async run({ args, options }) {
    const rendered = await renderScenario(args[0]!, options)
    process.stdout.write(manifestsYaml(rendered.manifests))
    process.stderr.write(`${rendered.name}: ${rendered.nodes} node(s): ${describeSize(rendered.size)}\n`)
  },
}

const runOnClusterCommand: CommandSpec = {
  path: ['k8s', 'run'],
  summary: 'Run a scenario on Kubernetes (or podman) and report as lnsim run does',
  description:
    'Checks first and starts nothing when the cluster cannot be reached, the image is missing, the namespace is ' +
    'in use or the scenario needs more CPU or memory than there is. Then applies the manifests of `lnsim k8s ' +
    "render`, shows the runner's output, copies the reports out, and deletes everything unless --keep. " +
    "Exit code: the run's (0, 1, 2, 130 on Ctrl-C, which deletes everything too).",
  positionals: [{ name: 'FILE', description: 'scenario file (.yaml)' }],
  options: [
    {
      name: 'engine',
      type: 'string',
      valueName: 'kubectl|podman',
      description: 'a cluster through kubectl, or this machine through podman kube play',
      default: 'kubectl',
    },
    { name: 'context', type: 'string', valueName: 'CTX', description: 'kubectl: the kubeconfig context' },
    ...K8S_SCENARIO_OPTIONS,
    { name: 'junit', type: 'string', valueName: 'FILE', description: 'copy out the JUnit XML report' },
    { name: 'events', type: 'string', valueName: 'FILE', description: 'copy out the events (NDJSON)' },
    { name: 'report', type: 'string', valueName: 'FILE', description: 'copy out the summary as JSON' },
    { name: 'csv', type: 'string', valueName: 'FILE', description: 'copy out the payments CSV' },
    {
      name: 'keep',
      type: 'boolean',
      description: 'leave the Pods (and namespace) in place, and say how to remove them',
    },
  ],
  examples: [
    'lnsim k8s run scenarios/demo.yaml --engine podman',
    'lnsim k8s run scenarios/demo.yaml --context kind-lnsim --image REGISTRY/lnsim:0.1.0 --junit results.xml',
  ],
  async run({ args, options, signal }) {
    const rendered = await renderScenario(args[0]!, options)
    return runOnCluster(rendered, options, signal, process.stdout)
  },
}

const agentCommand: CommandSpec = {
  path: ['k8s', 'agent'],
  summary: "A daemon Pod's process: starts its daemon when the runner asks (see docs/scenarios.md)",
  description: `Listens for the runner; requests carry the run's token, read from $${AGENT_TOKEN_ENV}.`,
  options: [
    { name: 'port', type: 'string', valueName: 'PORT', description: 'the port', default: String(AGENT_PORT) },
    {
      name: 'host',
      type: 'string',
      valueName: 'ADDR',
      description: "the address the agent listens on (default: 0.0.0.0, the Pod's every address)",
    },
  ],
  async run({ options, signal }) {
    const token = process.env[AGENT_TOKEN_ENV]
    if (!token)
      throw new CliError(`the agent needs the run's token in $${AGENT_TOKEN_ENV}`, { exitCode: 2, code: 'USAGE' })
    const port = parseIntegerOption(options.port, 'port', { min: 1, max: 65_535 }) ?? AGENT_PORT
    const agent = new DaemonAgent({
      port,
      host: typeof options.host === 'string' ? hostFrom(options) : '0.0.0.0',
      token,
    })
    await agent.listen()
    process.stderr.write(`lnsim agent listening on port ${agent.port}\n`)
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
    await agent.close()
  },
}

const runnerCommand: CommandSpec = {
  path: ['k8s', 'runner'],
  summary: "The runner Pod's process: lnsim run against the daemon Pods, the reports kept for k8s run to copy",
  positionals: [{ name: 'FILE', description: 'scenario file (.yaml)' }],
  options: [
    { name: 'results', type: 'string', valueName: 'DIR', description: 'where the reports go' },
    { name: 'dir', type: 'string', valueName: 'DIR', description: 'the run folder' },
    { name: 'lean', type: 'boolean', description: 'as lnsim run --lean' },
    { name: 'no-lean', type: 'boolean', description: 'as lnsim run --no-lean' },
  ],
  async run({ args, options, signal }) {
    const results = requireString(options, 'results')
    const [program, ...lead] = defaultDaemonCommand()
    const reports = Object.entries(REPORT_FILES).flatMap(([flag, file]) => [`--${flag}`, join(results, file)])
    const child = spawn(
      program!,
      [
        ...lead,
        'run',
        args[0]!,
        '--runner',
        'agents',
        '--dir',
        requireString(options, 'dir'),
        '--plain',
        ...reports,
        ...(options.lean === true ? ['--lean'] : []),
        ...(options['no-lean'] === true ? ['--no-lean'] : []),
      ],
      { stdio: 'inherit' },
    )
    // the Pod's SIGTERM (its deletion) is the run's Ctrl-C: it stops the daemons in order
    const onAbort = (): void => void child.kill('SIGINT')
    signal.addEventListener('abort', onAbort, { once: true })
    const code = await new Promise<number>((done) => {
      child.once('error', () => done(2))
      child.once('close', (c) => done(c ?? 130))
    })
    await writeFile(join(results, EXIT_CODE_FILE), `${code}\n`)
    process.stdout.write(JSON.stringify({ event: RUNNER_DONE_EVENT, exitCode: code }) + '\n')
    const until = Date.now() + RUNNER_HOLD_MS
    while (!signal.aborted && Date.now() < until && !existsSync(join(results, COLLECTED_MARK))) await sleep(250)
    return code
  },
}

const collectCommand: CommandSpec = {
  path: ['k8s', 'collect'],
  summary: "Prints the runner's exit code and reports as JSON (what k8s run copies out), and lets the runner end",
  options: [{ name: 'results', type: 'string', valueName: 'DIR', description: 'the runner results folder' }],
  async run({ options }) {
    const results = requireString(options, 'results')
    const exitCode = Number((await readFile(join(results, EXIT_CODE_FILE), 'utf8')).trim())
    const files: Record<string, string> = {}
    for (const name of Object.values(REPORT_FILES)) {
      const text = await readFile(join(results, name), 'utf8').catch(() => undefined)
      if (text !== undefined) files[name] = text
    }
    process.stdout.write(JSON.stringify({ exitCode, files }) + '\n')
    await writeFile(join(results, COLLECTED_MARK), '')
  },
}

export const k8sCommands: CommandSpec[] = [
  renderCommand,
  runOnClusterCommand,
  agentCommand,
  runnerCommand,
  collectCommand,
]
