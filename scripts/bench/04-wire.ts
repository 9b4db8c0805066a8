/**
 * Wire codec throughput for the messages of a commitment update, one core, no
 * network; then update_add_htlc through frameStream between two libp2p nodes.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { decodeMessage, encodeMessage } from '../../src/wire/codec.js'
import { frameStream } from '../../src/wire/framing.js'
import { SAMPLES } from '../../test/wire/samples.js'
import type { Bench } from './harness.js'

const PROTOCOL = '/lnsim/bench-wire/1.0.0'

function loopbackNode(): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] },
  })
}

export const title = 'Wire codec (src/wire): encode and decode per second'

export async function run(bench: Bench): Promise<void> {
  for (const message of [SAMPLES.update_add_htlc, SAMPLES.commitment_signed, SAMPLES.revoke_and_ack]) {
    const bytes = encodeMessage(message)
    const note = `${bytes.length} bytes`
    bench.figure(`encode ${message.type}`, bench.opsPerSecond(() => encodeMessage(message), 700), 'ops/s', note)
    bench.figure(`decode ${message.type}`, bench.opsPerSecond(() => decodeMessage(bytes), 700), 'ops/s', note)
  }

  // the same message through frameStream between two real libp2p nodes in this
  // process (TCP on loopback, Noise, Yamux): what the codec costs next to the transport
  const [a, b] = await Promise.all([loopbackNode(), loopbackNode()])
  try {
    const inbound = new Promise<Stream>((resolve) => {
      void b.handle(PROTOCOL, (stream) => resolve(stream))
    })
    const sender = frameStream(await a.dialProtocol(b.getMultiaddrs()[0]!, PROTOCOL))
    const receiver = frameStream(await inbound)
    for (const [label, count] of [['warm-up', 2_000], ['measured', 20_000]] as const) {
      const start = process.hrtime.bigint()
      const reading = (async () => {
        for (let i = 0; i < count; i++) if ((await receiver.read())?.kind !== 'message') throw new Error('frame lost')
      })()
      for (let i = 0; i < count; i++) await sender.write({ ...SAMPLES.update_add_htlc, id: BigInt(i) })
      await reading
      const seconds = Number(process.hrtime.bigint() - start) / 1e9
      if (label === 'measured') bench.figure('update_add_htlc through frameStream, one libp2p stream (TCP+Noise+Yamux, one process)', count / seconds, 'msg/s', `${count} messages, write → decoded`)
    }
  } finally {
    await Promise.all([a.stop(), b.stop()])
  }
}
