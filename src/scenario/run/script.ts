/**
 * Scenarios written in TypeScript, for what a file cannot say (loops,
 * conditions, checks of your own). A script default-exports
 * `defineScenario({ name, network, run })`, or a `run` function beside an
 * exported `network`; `lnsim run FILE.ts` bundles it with esbuild, launches
 * the network and calls run with the same view, reports and exit codes as a
 * YAML file.
 *
 * @example
 * ```ts
 * import { defineScenario } from 'lnsim'   // or a relative path to src/scenario/index.js
 *
 * export default defineScenario({
 *   name: 'ten payments',
 *   network: { nodes: [{ name: 'alice', fundsSat: 2_000_000 }, { name: 'bob', fundsSat: 100_000 }], channels: [{ from:
 * 'alice', to: 'bob', capacitySat: 1_000_000 }] },
 *   async run(net, t) {
 *     for (let i = 0; i < 10; i++) {
 *       const p = await net.pay('alice', 'bob', 10_000_000n)
 *       t.expect(`payment ${i} succeeds`, p.status === 'succeeded', p.message ?? 'ok')
 *     }
 *   },
 * })
 * ```
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ScenarioFileError } from '../errors.js'
import { validateScenario } from '../file/load.js'
import type { NetworkInput, NetworkSpec } from '../network/networkSpec.js'
import { packageRoot } from '../network/processRunner.js'
import type { RunBody } from './runner.js'

export interface ScenarioScript {
  name?: string
  description?: string
  /** same seed, same node keys and random draws (default: the name) */
  seed?: string
  network: NetworkInput
  run: RunBody
}

/** Gives a scenario script its types; returns it unchanged. */
export function defineScenario(script: ScenarioScript): ScenarioScript {
  return script
}

export interface LoadedScript {
  spec: NetworkSpec
  body: RunBody
  description: string | undefined
}

export const SCRIPT_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs']

export function isScriptFile(file: string): boolean {
  return SCRIPT_EXTENSIONS.some((e) => file.endsWith(e))
}

type Esbuild = typeof import('esbuild')
type BuildOptions = import('esbuild').BuildOptions

/**
 * How the script's `import ... from 'lnsim'` is resolved. From a clone, the sources are bundled in, so a script
 * sees edits without a build. From an installed package (no src/ in it) it stays an import of the package's library
 * module by its absolute URL: the script runs from a temporary folder, where the package could not be found by name,
 * and the library must stay in the package to find its own files (dist/lnsim.mjs for the processes it launches).
 */
function lnsimImport(root: string): Pick<BuildOptions, 'alias' | 'plugins'> {
  const source = join(root, 'src', 'scenario', 'index.ts')
  if (existsSync(source)) return { alias: { lnsim: source } }
  const library = pathToFileURL(join(root, 'dist', 'lib', 'index.mjs')).href
  return {
    plugins: [
      {
        name: 'lnsim-package',
        setup(build) {
          build.onResolve({ filter: /^lnsim$/ }, () => ({ path: library, external: true }))
        },
      },
    ],
  }
}

/** Bundles the script (with the lnsim sources it imports) into one module and imports it. */
export async function loadScenarioScript(file: string): Promise<LoadedScript> {
  const root = packageRoot()
  // a name the bundler leaves alone: esbuild is found in node_modules at run time, never bundled into lnsim
  const esbuildName = 'esbuild'
  const esbuild = (await import(esbuildName)) as Esbuild
  let code: string
  try {
    const out = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      ...lnsimImport(root),
      nodePaths: [join(root, 'node_modules')],
      banner: {
        js:
          "import { createRequire as __lnsimCreateRequire } from 'node:module'; " +
          'const require = __lnsimCreateRequire(import.meta.url);',
      },
    })
    code = out.outputFiles[0]!.text
  } catch (err) {
    const errors = (
      err as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }
    ).errors
    if (!errors?.length) throw err
    throw new ScenarioFileError(
      errors.map((e) => ({
        file: e.location?.file ?? file,
        line: e.location?.line ?? 0,
        col: (e.location?.column ?? -1) + 1,
        path: '',
        message: e.text,
      })),
    )
  }
  const dir = await mkdtemp(join(tmpdir(), 'lnsim-script-'))
  let mod: Record<string, unknown>
  try {
    const bundled = join(dir, 'scenario.mjs')
    await writeFile(bundled, code)
    mod = (await import(pathToFileURL(bundled).href)) as Record<string, unknown>
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return fromModule(mod, file)
}

function fromModule(mod: Record<string, unknown>, file: string): LoadedScript {
  const d = mod.default
  const script: Partial<ScenarioScript> =
    typeof d === 'function'
      ? {
          run: d as RunBody,
          network: mod.network as NetworkInput,
          ...(typeof mod.name === 'string' ? { name: mod.name } : {}),
        }
      : d && typeof d === 'object'
        ? (d as Partial<ScenarioScript>)
        : {}
  const problem = (message: string): ScenarioFileError =>
    new ScenarioFileError([{ file, line: 0, col: 0, path: '', message }])
  if (typeof script.run !== 'function')
    throw problem(
      'a scenario script default-exports defineScenario({ name, network, run }), ' +
        'or a run function beside `export const network = {...}`',
    )
  if (!script.network || typeof script.network !== 'object')
    throw problem('the script exports no network: add `network: { nodes: [...], channels: [...] }`')
  const name = script.name ?? basename(file).replace(/\.[^.]+$/, '')
  const spec = validateScenario(
    { ...script.network, name, ...(script.seed !== undefined ? { seed: script.seed } : {}), steps: [], expect: [] },
    file,
  )
  return { spec, body: script.run, description: script.description }
}
