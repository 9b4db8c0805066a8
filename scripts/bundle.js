// Bundles the lnsim CLI (which also hosts the chain and node daemons) into one
// file, so every simulated process starts from plain JavaScript in ~0.25 s
// instead of ~1 s through a TypeScript loader.
import { build as esbuild } from 'esbuild'
import { chmod, readFile, rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))

export async function build({ quiet = false } = {}) {
  const started = Date.now()
  const outfile = join(root, 'dist', 'lnsim.mjs')
  await rm(join(root, 'dist', 'chunks'), { recursive: true, force: true })
  await esbuild({
    entryPoints: { lnsim: join(root, 'src', 'cli', 'main.ts') },
    outdir: join(root, 'dist'),
    outExtension: { '.js': '.mjs' },
    // the daemons import only their own commands (src/cli/commands/daemons.ts): the
    // rest of the CLI sits in chunks they never load
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    // a native addon: resolved from node_modules at run time, not bundled
    external: ['secp256k1'],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: quiet ? 'error' : 'warning',
    // some dependencies still call require(); give the ESM bundle one
    define: { LNSIM_VERSION: JSON.stringify(pkg.version) },
    banner: { js: "import { createRequire as __lnsimCreateRequire } from 'node:module'; const require = __lnsimCreateRequire(import.meta.url);" },
  })
  await chmod(outfile, 0o755)
  if (!quiet) console.log(`built dist/lnsim.mjs in ${Date.now() - started} ms`)
}
