/**
 * The loopback part of the lower bound: the round-trip time of a bare libp2p
 * echo between two processes (same transport stack as a node, no Lightning
 * logic), and of a bare HTTP request, each the median of many round trips.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { build } from 'esbuild'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Agent, request } from 'node:http'
import { multiaddr } from '@multiformats/multiaddr'
import { lpStream } from '@libp2p/utils'
import { createHost } from '../../../src/node/transport/host.js'
import { identityFromSecret } from '../../../src/node/identity.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { median } from '../harness.js'
import { ESM_REQUIRE_BANNER, lnsimTakeovers } from '../../bundle.js'
import { memory, type Memory } from './processStats.js'
import { ECHO_PROTOCOL } from './echoProtocol.js'
import { daemonEnv } from '../../../src/scenario/network/processRunner.js'

export interface Loopback {
  /** median round trip of one frame over a long-lived libp2p stream */
  libp2pRttMs: number
  /** median round trip of one small HTTP POST over a kept-alive connection */
  httpRttMs: number
  /** the echo peer's memory once it is listening: a Node process with a bare libp2p host, at rest */
  peerMemoryAtStart: Memory
  /** the same after it echoed every round trip */
  peerMemory: Memory
}

/** frameBytes: the size of the frames echoed (an update_add_htlc with its onion is ~1,450 bytes). */
export async function measureLoopback(rounds = 2000, frameBytes = 1450): Promise<Loopback> {
  // bundled like the node processes are, with the same takeovers (Noise without WebAssembly, one socket write per
  // send), so its memory and round trips are a floor for theirs (a TypeScript loader adds ~60 MB)
  // inside the project, so that the native secp256k1 addon resolves from node_modules
  const dir = fileURLToPath(new URL('../../../dist/bench/', import.meta.url))
  const script = join(dir, 'echoPeer.mjs')
  await build({
    entryPoints: [fileURLToPath(new URL('./echoPeer.ts', import.meta.url))],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['secp256k1'],
    logLevel: 'error',
    plugins: lnsimTakeovers().map((t) => t.plugin),
    banner: { js: ESM_REQUIRE_BANNER },
  })
  // started as a node daemon is, so that the bound for a node's memory is a like process
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'], env: daemonEnv() })
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve)
      child.once('exit', (code) => reject(new Error(`echo peer exited with ${code}`)))
    })
    const peer = JSON.parse(line) as { multiaddr: string; httpPort: number }
    const peerMemoryAtStart = memory(child.pid!)

    const host = await createHost(identityFromSecret(sha256(new TextEncoder().encode('echo client'))), [
      '/ip4/127.0.0.1/tcp/0',
    ])
    try {
      const lp = lpStream(await host.dialProtocol(multiaddr(peer.multiaddr), ECHO_PROTOCOL), { maxDataLength: 70_000 })
      const frame = new Uint8Array(frameBytes).fill(7)
      const rtts: number[] = []
      for (let i = 0; i < rounds; i++) {
        const t = performance.now()
        await lp.write(frame)
        await lp.read()
        if (i >= rounds / 10) rtts.push(performance.now() - t)
      }
      const http: number[] = []
      const agent = new Agent({ keepAlive: true, maxSockets: 1 })
      for (let i = 0; i < rounds / 2; i++) {
        const t = performance.now()
        await new Promise<void>((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port: peer.httpPort,
              method: 'POST',
              path: '/',
              agent,
              headers: { 'content-type': 'application/json' },
            },
            (res) => {
              res.resume()
              res.on('end', resolve)
            },
          )
          req.on('error', reject)
          req.end('{"invoice":"lnbcrt…"}')
        })
        if (i >= rounds / 20) http.push(performance.now() - t)
      }
      agent.destroy()
      return { libp2pRttMs: median(rtts), httpRttMs: median(http), peerMemoryAtStart, peerMemory: memory(child.pid!) }
    } finally {
      await host.stop()
    }
  } finally {
    child.stdin!.end()
    child.kill()
  }
}
