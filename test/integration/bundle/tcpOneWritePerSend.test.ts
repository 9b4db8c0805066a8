/**
 * The bundle makes @libp2p/tcp hand each send to the socket in one write()
 * (scripts/bundle.js): two hosts bundled that way exchange messages over the
 * node's own stack (TCP, Noise, Yamux) with one socket write per message, where
 * the unpatched transport writes each frame's length and ciphertext apart.
 */
import { afterAll, expect, it } from 'vitest'
import type { Plugin } from 'esbuild'
import { tcpOneWritePerSend } from '../../../scripts/bundle.js'
import { bundleForTest, removeTestBundles } from '../../helpers/bundle.js'

afterAll(removeTestBundles)

/** Bundles a script that sends 100 messages from one host to another and counts the socket writes it took. */
async function writesFor100Messages(plugins: Plugin[], name: string): Promise<number> {
  const { module } = await bundleForTest<{ run: () => Promise<number> }>(
    name,
    {
      contents: `
        import { Socket } from 'node:net'
        import { lpStream } from '@libp2p/utils'
        import { createHost } from './src/node/transport/host.ts'
        import { identityFromSecret } from './src/node/identity.ts'
        export async function run() {
          const a = await createHost(identityFromSecret(new Uint8Array(32).fill(1)), ['/ip4/127.0.0.1/tcp/0'])
          const b = await createHost(identityFromSecret(new Uint8Array(32).fill(2)), ['/ip4/127.0.0.1/tcp/0'])
          let received = 0
          await b.handle('/lnsim/test-writes/1.0.0', async (stream) => {
            const lp = lpStream(stream)
            for (;;) {
              await lp.read()
              received++
            }
          })
          const lp = lpStream(await a.dialProtocol(b.getMultiaddrs()[0], '/lnsim/test-writes/1.0.0'))
          await lp.write(new Uint8Array(100))
          while (received < 1) await new Promise((r) => setTimeout(r, 5))
          const write = Socket.prototype.write
          let writes = 0
          Socket.prototype.write = function (...args) { writes++; return write.apply(this, args) }
          try {
            for (let i = 0; i < 100; i++) {
              await lp.write(new Uint8Array(100).fill(i))
              while (received < i + 2) await new Promise((r) => setTimeout(r, 1))
            }
          } finally {
            Socket.prototype.write = write
            await a.stop()
            await b.stop()
          }
          return writes
        }`,
      loader: 'ts',
    },
    plugins,
  )
  return module.run()
}

it('a message leaves in one socket write, not one per part', async () => {
  const tcp = tcpOneWritePerSend()
  const patched = await writesFor100Messages([tcp.plugin], 'patched')
  expect(tcp.replaced()).toBe(1)
  const unpatched = await writesFor100Messages([], 'unpatched')
  // each message is one Noise frame (the reader's Yamux window updates wait for half the window)
  expect(unpatched).toBeGreaterThanOrEqual(2 * 100)
  expect(patched).toBeLessThanOrEqual(100 + 10)
}, 60_000)
