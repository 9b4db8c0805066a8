/**
 * Wire codec throughput for the messages of a commitment update, one core, no
 * network; then update_add_htlc through frameStream between two libp2p nodes.
 */
import type { Stream } from '@libp2p/interface'
import { loopbackNode } from './lib/loopbackNode.js'
import { decodeMessage, encodeMessage } from '../../src/wire/codec.js'
import { frameStream } from '../../src/wire/framing.js'
import { readFramesWithoutAnExceptionEach } from '../../src/node/transport/tuning/lengthPrefixedDecoding.js'
import { SAMPLES } from '../../test/unit/wire/samples.js'
import type { Bench } from './harness.js'

const PROTOCOL = '/lnsim/bench-wire/1.0.0'

export const title = 'Wire codec (src/wire): encode and decode per second'

export async function run(bench: Bench): Promise<void> {
  for (const message of [SAMPLES.update_add_htlc, SAMPLES.commitment_signed, SAMPLES.revoke_and_ack]) {
    const bytes = encodeMessage(message)
    const note = `${bytes.length} bytes`
    bench.figure(
      `encode ${message.type}`,
      bench.opsPerSecond(() => encodeMessage(message), 700),
      'ops/s',
      note,
    )
    bench.figure(
      `decode ${message.type}`,
      bench.opsPerSecond(() => decodeMessage(bytes), 700),
      'ops/s',
      note,
    )
  }

  // the same message through frameStream between two real libp2p nodes in this
  // process (TCP on loopback, Noise, Yamux): what the codec costs next to the transport.
  // Measured with libp2p as it comes, then with the node's frame reader, which makes
  // no exception per message (src/node/transport/tuning/lengthPrefixedDecoding.ts): a ratio from one run
  const [a, b] = await Promise.all([loopbackNode(), loopbackNode()])
  try {
    const inbound = new Promise<Stream>((resolve) => {
      void b.handle(PROTOCOL, (stream) => resolve(stream))
    })
    const sender = frameStream(await a.dialProtocol(b.getMultiaddrs()[0]!, PROTOCOL))
    const receiver = frameStream(await inbound)
    const received = async (): Promise<void> => {
      if ((await receiver.read())?.kind !== 'message') throw new Error('frame lost')
    }
    /** messages per second, all `count` in flight at once, or each read before the next is written */
    const perSecond = async (count: number, oneAtATime: boolean): Promise<number> => {
      const start = process.hrtime.bigint()
      if (oneAtATime) {
        for (let i = 0; i < count; i++)
          await Promise.all([sender.write({ ...SAMPLES.update_add_htlc, id: BigInt(i) }), received()])
      } else {
        const reading = (async () => {
          for (let i = 0; i < count; i++) await received()
        })()
        for (let i = 0; i < count; i++) await sender.write({ ...SAMPLES.update_add_htlc, id: BigInt(i) })
        await reading
      }
      return count / (Number(process.hrtime.bigint() - start) / 1e9)
    }
    const measure = async (): Promise<{ streamed: number; oneAtATime: number }> => {
      await perSecond(2_000, false) // warm-up
      await perSecond(1_000, true)
      return { streamed: await perSecond(20_000, false), oneAtATime: await perSecond(5_000, true) }
    }
    const stock = await measure()
    readFramesWithoutAnExceptionEach()
    const lnsim = await measure()
    const name = 'update_add_htlc through frameStream, one libp2p stream (TCP+Noise+Yamux, one process)'
    bench.figure(name, stock.streamed, 'msg/s', '20000 messages in flight, write → decoded')
    bench.figure(
      `${name}, the node's frame reader`,
      lnsim.streamed,
      'msg/s',
      `${(lnsim.streamed / stock.streamed).toFixed(2)}x libp2p's`,
    )
    bench.figure(`${name}, one at a time`, stock.oneAtATime, 'msg/s', 'each decoded before the next is written')
    bench.figure(
      `${name}, one at a time, the node's frame reader`,
      lnsim.oneAtATime,
      'msg/s',
      `${(lnsim.oneAtATime / stock.oneAtATime).toFixed(2)}x libp2p's`,
    )
  } finally {
    await Promise.all([a.stop(), b.stop()])
  }
}
