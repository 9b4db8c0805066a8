/**
 * `lnsim k8s run`: checks where the run goes (refusing before anything is
 * created), applies the manifests, shows the runner's output as it comes,
 * copies the reports out, and removes everything unless --keep. Ctrl-C
 * removes everything too, and exits 130 as `lnsim run` does.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { PodmanCluster, KubectlCluster, type ClusterEngine } from '../scenario/kube/clusterEngine.js'
import {
  POD_RESULTS_DIR,
  REPORT_FILES,
  SCENARIO_CONFIG_MAP,
  manifestsYaml,
  describeSize,
} from '../scenario/kube/clusterManifests.js'
import { KubeClusterError } from '../scenario/kube/kubeClusterError.js'
import { CliError, type OptionValues } from './command.js'
import type { RenderedRun } from './k8sScenario.js'

/** The line the runner Pod prints when its `lnsim run` has ended and the reports are ready to copy. */
export const RUNNER_DONE_EVENT = 'k8s-runner-done'
const EXIT_INTERRUPTED = 130
const EXIT_INVALID = 2

export const CollectedResults = z.object({
  exitCode: z.number().int(),
  files: z.record(z.string(), z.string()),
})

function engineFrom(options: OptionValues, namespace: string): ClusterEngine {
  const name = options.engine ?? 'kubectl'
  if (name === 'podman') {
    if (typeof options.context === 'string')
      throw new CliError('--context is for --engine kubectl', { exitCode: 2, code: 'USAGE' })
    return new PodmanCluster()
  }
  if (name === 'kubectl')
    return new KubectlCluster({
      namespace,
      ...(typeof options.context === 'string' ? { context: options.context } : {}),
    })
  throw new CliError(`--engine must be kubectl or podman, not ${JSON.stringify(name)}`, { exitCode: 2, code: 'USAGE' })
}

/** A refusal before anything started: exit 2 with the code, as an invalid scenario. */
function refused(err: unknown): never {
  if (err instanceof KubeClusterError)
    throw new CliError(`${err.message}\nnothing was started`, { exitCode: EXIT_INVALID, code: err.code })
  throw err
}

export async function runOnCluster(
  rendered: RenderedRun,
  options: OptionValues,
  signal: AbortSignal,
  screen: NodeJS.WriteStream,
): Promise<number> {
  const engine = engineFrom(options, rendered.namespace)
  await engine
    .check({
      image: String(options.image),
      namespace: rendered.namespace,
      pods: rendered.pods,
      configMaps: [SCENARIO_CONFIG_MAP],
      size: rendered.size,
    })
    .catch(refused)
  signal.throwIfAborted()
  const work = await mkdtemp(join(tmpdir(), 'lnsim-k8s-'))
  const file = join(work, 'manifests.yaml')
  await writeFile(file, manifestsYaml(rendered.manifests))
  const keep = options.keep === true
  const tearDownNow = (): void => engine.teardownNow(file)
  screen.write(
    `${rendered.name}: ${rendered.nodes} node(s) on ${engine.name}, namespace ${rendered.namespace}: ` +
      `${describeSize(rendered.size)}\n`,
  )
  process.on('exit', tearDownNow)
  try {
    const started = Date.now()
    await engine.apply(file)
    screen.write(`applied in ${((Date.now() - started) / 1000).toFixed(1)} s; the runner's output follows\n`)
    let exitCode: number | undefined
    const followed = await engine.followRunner((line) => {
      if (line.startsWith('{') && line.includes(RUNNER_DONE_EVENT)) {
        try {
          const m = JSON.parse(line) as { event?: unknown; exitCode?: unknown }
          if (m.event === RUNNER_DONE_EVENT && typeof m.exitCode === 'number') {
            exitCode = m.exitCode
            return true
          }
        } catch {
          // a line of the run that happens to look alike
        }
      }
      screen.write(line + '\n')
      return false
    }, signal)
    if (!followed || signal.aborted) {
      screen.write('interrupted: removing the run\n')
      return EXIT_INTERRUPTED
    }
    if (exitCode === undefined)
      throw new KubeClusterError(
        'NO_RESULTS',
        `the runner Pod ended without finishing its run${keep ? '' : ' (--keep keeps the pods to look at)'}`,
      )
    const raw = await collectResults(engine)
    const results = CollectedResults.safeParse(JSON.parse(raw))
    if (!results.success)
      throw new KubeClusterError('NO_RESULTS', `the runner's results do not parse: ${raw.slice(0, 200)}`)
    for (const [kind, name] of Object.entries(REPORT_FILES)) {
      const to = options[kind]
      if (typeof to !== 'string') continue
      const text = results.data.files[name]
      if (text === undefined) throw new KubeClusterError('NO_RESULTS', `the runner wrote no ${name} for --${kind}`)
      await writeFile(to, text)
    }
    return results.data.exitCode
  } finally {
    if (keep && !signal.aborted) {
      const remove =
        engine.name === 'podman' ? `podman kube down ${file}` : `kubectl delete namespace ${rendered.namespace}`
      screen.write(`kept the run: ${remove} removes it\n`)
    } else {
      await engine.teardown(file)
      await rm(work, { recursive: true, force: true })
    }
    process.off('exit', tearDownNow)
  }
}

/**
 * The runner's results, read by exec in its container. Asked up to three times: under a full machine's load
 * `podman exec` once ended with status 1 and nothing on stderr while the runner was there, waiting to be read.
 */
async function collectResults(engine: ClusterEngine): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine.execRunner(['k8s', 'collect', '--results', POD_RESULTS_DIR])
    } catch (err) {
      if (attempt === 3) throw err
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
}
