import { afterEach, describe, expect, it, vi } from 'vitest'
import { Socket } from 'node:net'
import type { Libp2p } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { createHost } from '../../../src/node/transport/host.js'
import { identityFromSecret } from '../../../src/node/identity.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { utf8 } from '../../../src/core/bytes.js'

const PROTOCOL = '/lnsim/test-window/1.0.0'
const hosts: Libp2p[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(hosts.splice(0).map((h) => h.stop()))
})

/** Two hosts on loopback, the node's own stack; `b` reads every frame `a` sends on PROTOCOL into `received`. */
async function pair(): Promise<{
  send: (frame: Uint8Array) => Promise<void>
  received: Uint8Array[]
  waitFor: (n: number) => Promise<void>
}> {
  const a = await createHost(identityFromSecret(sha256(utf8('window a'))), ['/ip4/127.0.0.1/tcp/0'])
  const b = await createHost(identityFromSecret(sha256(utf8('window b'))), ['/ip4/127.0.0.1/tcp/0'])
  hosts.push(a, b)
  const received: Uint8Array[] = []
  await b.handle(PROTOCOL, async (stream) => {
    const lp = lpStream(stream, { maxDataLength: 1 << 20 })
    for (;;) received.push((await lp.read()).subarray())
  })
  const lp = lpStream(await a.dialProtocol(b.getMultiaddrs()[0]!, PROTOCOL), { maxDataLength: 1 << 20 })
  const waitFor = async (n: number): Promise<void> => {
    for (let i = 0; received.length < n && i < 2000; i++) await new Promise((r) => setTimeout(r, 5))
    expect(received.length).toBe(n)
  }
  return { send: (frame) => lp.write(frame), received, waitFor }
}

describe('yamux window updates', () => {
  it('a reader of many small messages sends no window update per message', async () => {
    const { send, waitFor } = await pair()
    await send(new Uint8Array(10))
    await waitFor(1)
    const writes = vi.spyOn(Socket.prototype, 'write')
    // 200 messages of 100 bytes, each read before the next: 20 KB, under half a 256 KB window
    for (let i = 0; i < 200; i++) {
      await send(new Uint8Array(100).fill(i))
      await waitFor(i + 2)
    }
    // the sender's frames take one or two writes each (length prefix, ciphertext); a window
    // update after every message would add as many again from the reader
    expect(writes.mock.calls.length).toBeGreaterThanOrEqual(200)
    expect(writes.mock.calls.length).toBeLessThanOrEqual(2 * 200 + 10)
  })

  it('a sender of more than a whole window still gets everything through', async () => {
    const { send, received, waitFor } = await pair()
    // 3 MB in 48 KB frames: twelve times the initial window, so it needs updates to go on
    const frames = Array.from({ length: 64 }, (_, i) => new Uint8Array(48 * 1024).fill(i))
    await Promise.all(frames.map((f) => send(f)))
    await waitFor(64)
    expect(received.map((f) => f[0])).toEqual(frames.map((_, i) => i))
  })
})
