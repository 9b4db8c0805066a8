/**
 * Bundling a piece of source with esbuild the way scripts/bundle.js bundles lnsim
 * (Node, ESM, the native secp256k1 addon left external), then importing it: for
 * tests of the bundle's plugins. Bundles go in a folder under dist/, inside the
 * package so the addon resolves from node_modules; removeTestBundles() clears it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build, type Loader, type Plugin } from 'esbuild'
import { ESM_REQUIRE_BANNER } from '../../scripts/bundle.js'

const root = join(import.meta.dirname, '..', '..')
let dir: string | undefined

export async function bundleForTest<T>(
  name: string,
  source: { contents: string; loader?: Loader },
  plugins: Plugin[],
): Promise<{ module: T; text: string }> {
  dir ??= await mkdtemp(join(root, 'dist', '.test-bundle-'))
  const outfile = join(dir, `${name}.mjs`)
  await build({
    stdin: { contents: source.contents, resolveDir: root, loader: source.loader ?? 'js' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    external: ['secp256k1'],
    plugins,
    logLevel: 'error',
    banner: { js: ESM_REQUIRE_BANNER },
  })
  return { module: (await import(pathToFileURL(outfile).href)) as T, text: await readFile(outfile, 'utf8') }
}

export async function removeTestBundles(): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true })
  dir = undefined
}
