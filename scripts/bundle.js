// Bundles the lnsim CLI (which also hosts the chain and node daemons) into one
// file, so every simulated process starts from plain JavaScript, in a fraction of
// the time it takes through a TypeScript loader.
import { build as esbuild } from 'esbuild'
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * A plugin that takes over part of a dependency, counting how often it did: a build
 * where it never did fails with `missing`, since the dependency changed under it.
 */
function takeover(name, missing, setup) {
  let replaced = 0
  return { replaced: () => replaced, missing, plugin: { name, setup: (build) => setup(build, () => replaced++) } }
}

/**
 * libp2p's secp256k1 keys (the node identity, signed and verified in every Noise
 * handshake) get lnsim's crypto layer in place of pure-JS @noble/curves: building
 * noble's tables cost a noticeable pause at each node start, and a verify took many
 * times what it takes natively (figures in src/node/transport/tuning/README.md).
 * The build fails if libp2p no longer imports it from there.
 */
const LIBP2P_SECP256K1 = /[\\/]@libp2p[\\/]crypto[\\/]dist[\\/]src[\\/]keys[\\/]secp256k1[\\/]/
export function libp2pSecp256k1OnOurCrypto() {
  const missing =
    '@libp2p/crypto no longer imports @noble/curves/secp256k1.js from keys/secp256k1: ' +
    'update the libp2p-secp256k1-on-lnsim-crypto plugin in scripts/bundle.js'
  return takeover('libp2p-secp256k1-on-lnsim-crypto', missing, (build, took) => {
    build.onResolve({ filter: /^@noble\/curves\/secp256k1(\.js)?$/ }, (args) => {
      if (!LIBP2P_SECP256K1.test(args.importer)) return undefined
      took()
      return { path: join(root, 'src', 'node', 'transport', 'tuning', 'libp2pKeys', 'secp256k1Curve.ts') }
    })
  })
}

/**
 * zod re-exports every locale it has (`z.locales`, messages in dozens of languages)
 * and lnsim uses English only, which zod configures itself: the bundle keeps just
 * that one, so each of a network's processes parses none of the others at start.
 */
const ZOD_V4 = /[\\/]node_modules[\\/]zod[\\/]v4[\\/]/
export function zodEnglishOnly() {
  return takeover(
    'zod-english-only',
    'zod no longer imports ../locales/index.js: update the zod-english-only plugin in scripts/bundle.js',
    (build, took) => {
      build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
        if (!ZOD_V4.test(args.importer)) return undefined
        took()
        return { path: join(dirname(args.importer), '..', 'locales', 'index.js'), namespace: 'zod-english-only' }
      })
      build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
        contents: "export { default as en } from './en.js'",
        resolveDir: dirname(args.path),
        loader: 'js',
      }))
    },
  )
}

/**
 * Noise's crypto module loads two WebAssembly modules: as-chacha20poly1305, to seal
 * messages under 1,200 bytes, and as-sha256, for a hash it never uses. Any
 * WebAssembly brings V8's wasm compilers and the modules' code and memory into
 * every process, so a node starts with more of it resident (figures in
 * src/node/transport/tuning/README.md; in a large busy network the gain is small,
 * as the optimizing compiler that wasm shares code with has been paged in by
 * then). So both imports get
 * src/node/transport/tuning/noiseAead.ts instead: ChaCha20-Poly1305 from lnsim's crypto
 * layer, about as fast for short messages. The build fails if Noise no longer
 * imports them there.
 */
const NOISE_CRYPTO = /[\\/]@chainsafe[\\/]libp2p-noise[\\/]dist[\\/]src[\\/]crypto[\\/]index\.js$/
export function noiseWithoutWebAssembly() {
  const missing =
    '@chainsafe/libp2p-noise no longer imports @chainsafe/as-chacha20poly1305 and as-sha256 from crypto/index.js: ' +
    'update the noise-without-webassembly plugin in scripts/bundle.js'
  return takeover('noise-without-webassembly', missing, (build, took) => {
    build.onResolve({ filter: /^@chainsafe\/as-(chacha20poly1305|sha256)$/ }, (args) => {
      if (!NOISE_CRYPTO.test(args.importer)) return undefined
      took()
      return { path: join(root, 'src', 'node', 'transport', 'tuning', 'noiseAead.ts') }
    })
  })
}

/**
 * One socket write per libp2p send: @libp2p/tcp writes each part of what Noise hands
 * it (a 2-byte length, then the ciphertext; more parts when a frame joins several
 * messages) with its own write(). With TCP_NODELAY each write is a syscall and a
 * segment the peer is woken for, and on loopback the kernel runs the receiving side
 * of every segment in the sender's call: Lightning messages are small and many, so a
 * payment cost twice the writes it needs. Joined here into one buffer; the build
 * fails if the loop it replaces is no longer there.
 */
const TCP_SOCKET_TO_CONN = /[\\/]@libp2p[\\/]tcp[\\/]dist[\\/]src[\\/]socket-to-conn\.js$/
const TCP_SEND_LOOP = `        for (const buf of data) {
            sentBytes += buf.byteLength;
            canSendMore = this.socket.write(buf);
            if (!canSendMore) {
                break;
            }
        }`
const TCP_SEND_ONCE = `        sentBytes = data.byteLength;
        canSendMore = this.socket.write(data instanceof Uint8Array ? data : data.subarray());`
export function tcpOneWritePerSend() {
  const missing =
    '@libp2p/tcp no longer writes a send part by part in socket-to-conn.js: update the tcp-one-write-per-send plugin ' +
    'in scripts/bundle.js'
  return takeover('tcp-one-write-per-send', missing, (build, took) => {
    build.onLoad({ filter: TCP_SOCKET_TO_CONN }, async (args) => {
      const source = await readFile(args.path, 'utf8')
      if (!source.includes(TCP_SEND_LOOP)) return undefined
      took()
      return { contents: source.replace(TCP_SEND_LOOP, TCP_SEND_ONCE), loader: 'js', resolveDir: dirname(args.path) }
    })
  })
}

/**
 * V8 keeps each script's source for the life of the process, at one byte per
 * character when all of them are Latin-1 and two when one is not: a dash or an
 * ellipsis in a comment nearly doubled what the shared chunk's source held in every
 * process. esbuild writes strings, regular expressions and names in ASCII
 * (charset: 'ascii') but keeps comments as they are, so whatever is left outside
 * ASCII is in a comment, and becomes '?' there: one code unit for one, so the
 * source maps still line up. (Minifying would drop the comments too, but then an
 * uncaught error prints a line of the bundle as long as a whole chunk.)
 */
async function asciiOnly(dir) {
  for (const f of await readdir(dir, { recursive: true })) {
    if (!f.endsWith('.mjs')) continue
    const path = join(dir, f)
    const text = await readFile(path, 'utf8')
    if (/[^\x00-\x7f]/.test(text)) await writeFile(path, text.replace(/[^\x00-\x7f]/g, '?'))
  }
}

/** The plugins every lnsim bundle is built with, fresh (each counts what it took over). */
export function lnsimTakeovers() {
  return [libp2pSecp256k1OnOurCrypto(), zodEnglishOnly(), noiseWithoutWebAssembly(), tcpOneWritePerSend()]
}

/** Some dependencies still call require(): an ESM bundle gets one from this banner. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __lnsimCreateRequire } from 'node:module'; " +
  'const require = __lnsimCreateRequire(import.meta.url);'

const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))

export async function build({ quiet = false } = {}) {
  const started = Date.now()
  const dist = join(root, 'dist')
  const outfile = join(dist, 'lnsim.mjs')
  // built aside, then moved in: a process starting meanwhile (tests run in parallel, and
  // each run builds first) sees the old files or the new ones, never a missing chunk
  await mkdir(dist, { recursive: true })
  const staging = await mkdtemp(join(dist, '.build-'))
  let built
  const takeovers = lnsimTakeovers()
  try {
    await esbuild({
      entryPoints: { lnsim: join(root, 'src', 'cli', 'main.ts') },
      outdir: staging,
      outExtension: { '.js': '.mjs' },
      // the daemons import only their own commands (src/cli/commands/daemons.ts): the
      // rest of the CLI sits in chunks they never load
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      // a native addon: resolved from node_modules at run time, not bundled
      external: ['secp256k1'],
      plugins: takeovers.map((t) => t.plugin),
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      // V8 keeps each module's source as a string for the life of the process, in every one of a network's
      // processes: without the whitespace (and with shorter syntax) the shared chunk is 1.4 MB instead of 2.0 MB,
      // 1.1 to 1.7 MB less PSS per node (bench/results.md; its parse at each start barely changes). Names stay as
      // they are, so stack traces name the functions; the linked source map gives their place in src/.
      minifyWhitespace: true,
      minifySyntax: true,
      logLevel: quiet ? 'error' : 'warning',
      define: { LNSIM_VERSION: JSON.stringify(pkg.version) },
      banner: { js: ESM_REQUIRE_BANNER },
    })
    for (const t of takeovers) if (t.replaced() === 0) throw new Error(t.missing)
    await buildLibrary(staging, quiet)
    await asciiOnly(staging)
    // chunks are named by their content hash: one that exists already is the same file
    await mkdir(join(dist, 'chunks'), { recursive: true })
    built = await readdir(join(staging, 'chunks'))
    for (const f of built) await rename(join(staging, 'chunks', f), join(dist, 'chunks', f))
    await rm(join(dist, 'lib'), { recursive: true, force: true })
    await rename(join(staging, 'lib'), join(dist, 'lib'))
    for (const f of ['lnsim.mjs.map', 'lnsim.mjs']) await rename(join(staging, f), join(dist, f))
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
  await chmod(outfile, 0o755)
  await pruneChunks(join(dist, 'chunks'), new Set(built))
  if (!quiet) console.log(`built dist/lnsim.mjs in ${Date.now() - started} ms`)
}

/**
 * What `import { launch, defineScenario } from 'lnsim'` loads (the package's `exports`): the scenario layer in one
 * module, without the CLI. It starts no node itself, so it needs none of the takeovers; the processes it launches
 * run dist/lnsim.mjs. Its types are emitted by `npm run build:types` (tsconfig.types.json) into dist/types.
 */
async function buildLibrary(staging, quiet) {
  await esbuild({
    entryPoints: [join(root, 'src', 'scenario', 'index.ts')],
    outfile: join(staging, 'lib', 'index.mjs'),
    bundle: true,
    external: ['secp256k1', 'esbuild', 'cytoscape'],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: quiet ? 'error' : 'warning',
    define: { LNSIM_VERSION: JSON.stringify(pkg.version) },
    banner: { js: ESM_REQUIRE_BANNER },
  })
}

/** Removes chunks of earlier builds, once no process can still be starting from them. */
async function pruneChunks(dir, keep) {
  const old = Date.now() - 10 * 60_000
  for (const f of await readdir(dir)) {
    if (keep.has(f)) continue
    const info = await stat(join(dir, f)).catch(() => undefined)
    if (info && info.mtimeMs < old) await rm(join(dir, f), { force: true })
  }
}
