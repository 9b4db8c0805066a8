/**
 * The far end of the loopback lower bound, run as its own process: a bare
 * libp2p host (the node's own transport stack: TCP, Noise, Yamux) that echoes
 * length-prefixed frames on one protocol, and a bare HTTP server that answers
 * every request with a small JSON body. No Lightning logic at all.
 * Prints one JSON line with its multiaddr and HTTP port, then serves until its
 * stdin closes.
 */
import '../../../src/polyfill.js'
import { createServer } from 'node:http'
import { lpStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { createHost } from '../../../src/node/transport/host.js'
import { identityFromSecret } from '../../../src/node/identity.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { ECHO_PROTOCOL } from './echoProtocol.js'

const host = await createHost(identityFromSecret(sha256(new TextEncoder().encode('echo peer'))), [
  '/ip4/127.0.0.1/tcp/0',
])
await host.handle(ECHO_PROTOCOL, async (stream: Stream) => {
  const lp = lpStream(stream, { maxDataLength: 70_000 })
  try {
    for (;;) await lp.write(await lp.read())
  } catch {
    // the other side closed
  }
})
const http = createServer((req, res) => {
  req.resume()
  req.on('end', () => res.end('{"ok":true}'))
})
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
const address = http.address()
process.stdout.write(
  JSON.stringify({
    multiaddr: host.getMultiaddrs()[0]!.toString(),
    httpPort: typeof address === 'object' && address ? address.port : 0,
  }) + '\n',
)
const stop = async (): Promise<never> => {
  await host.stop()
  process.exit(0)
}
process.stdin.resume()
process.stdin.on('end', () => void stop())
