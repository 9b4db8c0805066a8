/**
 * The least CPU a 500-node bring-up (887 channels, the generated graph of the big bench) can take on this machine,
 * from what every node must do whatever the code around it: start its process, and check and store every gossip
 * message of the graph once (BOLT #7: four signatures an announcement, one an update), each message carried to it
 * once over Noise and Yamux. The measured bring-up (bench/results.md, *Big networks*) does all of that and more:
 * copies of messages from several peers, the channels' own opening, the chain, the runner's polling, the
 * collector. Parts measured in this process with V8's defaults (nodes run without the optimizing compiler), so the
 * floor is, if anything, low.
 */
import type { Stream } from '@libp2p/interface'
import { loopbackNode } from './lib/loopbackNode.js'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import { availableParallelism } from 'node:os'
import { DEFAULT_NODE_LIMITS } from '../../src/api/node/limits.js'
import { sha256 } from '../../src/crypto/hash.js'
import { publicKeyOf, signDigest, verifyDigest } from '../../src/crypto/secp256k1.js'
import { readFramesWithoutAnExceptionEach } from '../../src/node/transport/tuning/lengthPrefixedDecoding.js'
import { decodeMessage } from '../../src/wire/codec.js'
import { frameStream } from '../../src/wire/framing.js'
import type { SignedGossip } from '../../src/routing/gossip/store.js'
import type { GossipService } from '../../src/node/gossip/gossipService.js'
import { DEFAULT_GOSSIP_SETTINGS } from '../../src/node/gossip/gossipSettings.js'
import { testGossipService } from '../../test/unit/node/gossipFixture.js'
import { median, type Bench } from './harness.js'
import { startCpuMs } from './12-node-memory.js'
import { signedGraph, type SignedGraph } from './lib/signedGraph.js'

export const title =
  'The floor of a 500-node bring-up (887 channels): what each node must spend, measured here, against the ' +
  '4-minute goal'

const NODES = 500
const CHANNELS = 887
const GOAL_S = 240
/** messages per write, as a relay flush hands a connection its batch */
const BATCH = 50
const PROTOCOL = '/lnsim/bench-floor/1.0.0'

export async function run(bench: Bench): Promise<void> {
  const verifyUs = 1e6 / bench.opsPerSecond(verifyOnce(), 700)
  bench.figure('one signature check (ECDSA, libsecp256k1)', verifyUs, 'µs')

  const graph = signedGraph(NODES, CHANNELS)
  const ingestMs = median([await ingest(graph), await ingest(graph), await ingest(graph)])
  const verifyShare = (graph.signatures * verifyUs) / 1000 / ingestMs
  bench.figure(
    `one node takes in the whole graph (${graph.frames.length} messages, each once)`,
    ingestMs,
    'ms CPU',
    `${graph.signatures} signatures, ${Math.round(verifyShare * 100)}% of it; median of 3`,
  )

  const held = await graphHeapMb(graph)
  bench.figure(
    "one node's gossip of the whole graph, on the heap (the messages' bytes apart)",
    held.heapMb,
    'MB',
    `and ${held.bytesMb.toFixed(2)} MB of bytes; signatures and keys are kept in those alone`,
  )

  const transitUs = await transitCpuUs(
    graph.frames.filter((f) => f[0] === 0x01 && f[1] === 0x02 /* channel_update, type 258 */),
  )
  bench.figure(
    'one gossip message from one node to another (Noise, Yamux, TCP, framing; both ends)',
    transitUs,
    'µs CPU',
    `channel_update, ${BATCH} a write`,
  )

  const startMs = await startCpuMs(4)
  bench.figure('one lean node: CPU from its start to its ready line', startMs, 'ms CPU', 'median of 4')

  // each node must receive each message at least once: (nodes - 1) deliveries of each, by any gossip protocol
  const deliveries = (NODES - 1) * graph.frames.length
  const floorCpuS = (NODES * (ingestMs + startMs)) / 1000 + (deliveries * transitUs) / 1e6
  const cores = availableParallelism()
  bench.figure(
    `${NODES} nodes: CPU floor of a bring-up`,
    floorCpuS,
    'CPU-s',
    `${NODES} starts and ingestions, ${deliveries.toLocaleString('en-US')} deliveries; no channel opened yet`,
  )
  bench.figure(
    `${NODES} nodes: floor on this machine's ${cores} cores`,
    floorCpuS / cores,
    's',
    `${Math.round((floorCpuS / cores / GOAL_S) * 100)}% of the ${GOAL_S} s goal`,
  )
}

function verifyOnce(): () => void {
  const key = sha256(new TextEncoder().encode('bench floor key'))
  const digest = sha256(new TextEncoder().encode('bench floor message'))
  const signature = signDigest(digest, key)
  const publicKey = publicKeyOf(key)
  return () => {
    if (!verifyDigest(signature, digest, publicKey)) throw new Error('signature did not verify')
  }
}

/** CPU ms of a fresh node's gossip service taking in every message once, the way its peer connections hand them. */
async function ingest(graph: SignedGraph): Promise<number> {
  const started = process.cpuUsage()
  const service = await ingested(graph, () => started)
  const used = process.cpuUsage(started)
  service.stop()
  return (used.user + used.system) / 1000
}

/**
 * A fresh node's gossip service that took in every message once, each decoded from its own copy as a connection
 * decodes it. `startClock` is called once the service knows the funding outputs, before the first message.
 */
async function ingested(graph: SignedGraph, startClock = (): unknown => undefined): Promise<GossipService> {
  const service = testGossipService('bench floor', {
    limits: { ...DEFAULT_NODE_LIMITS, gossipBurst: 1e9, gossipPerSecond: 1e9 },
  })
  for (const block of graph.blocks) service.fundingIndex.onBlock(block.height, { created: block.created, spent: [] })
  const frames = graph.frames.map((f) => f.slice())
  startClock()
  for (const frame of frames) {
    if (service.isKnown(frame)) {
      service.onKnownGossip('peer', frame)
      continue
    }
    const decoded = decodeMessage(frame, { owned: true })
    if (decoded.kind !== 'message') throw new Error('a gossip message did not decode')
    await service.onGossip('peer', decoded.message as SignedGossip, frame)
  }
  if ([...service.store.channels()].length !== CHANNELS) throw new Error('the graph was not taken in whole')
  return service
}

/**
 * What the whole graph costs a node's gossip service on the heap, once collected: its store (what it keeps of each
 * message) and the record of what it checked. The messages' bytes are counted apart.
 */
async function graphHeapMb(graph: SignedGraph): Promise<{ heapMb: number; bytesMb: number }> {
  v8.setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  let before = 0
  const service = await ingested(graph, () => {
    gc()
    before = process.memoryUsage().heapUsed
  })
  // what waits to be relayed is let go at the next broadcast
  await new Promise((resolve) => setTimeout(resolve, 3 * DEFAULT_GOSSIP_SETTINGS.broadcastIntervalMs))
  gc()
  const heapMb = (process.memoryUsage().heapUsed - before) / 1e6
  const stored = [...service.store.messagesForNewPeer()]
  service.stop()
  return { heapMb, bytesMb: stored.reduce((sum, m) => sum + m.encoded.length, 0) / 1e6 }
}

/**
 * CPU µs (this process: both ends) per message written in batches through frameStream and read by the node's frame
 * reader, not decoded (the ingestion counts that).
 */
async function transitCpuUs(frames: Uint8Array[]): Promise<number> {
  readFramesWithoutAnExceptionEach()
  const [a, b] = await Promise.all([loopbackNode(), loopbackNode()])
  try {
    const inbound = new Promise<Stream>((resolve) => void b.handle(PROTOCOL, (stream) => resolve(stream)))
    const sender = frameStream(await a.dialProtocol(b.getMultiaddrs()[0]!, PROTOCOL))
    const receiver = frameStream(await inbound, { skip: () => true })
    const carry = async (count: number): Promise<number> => {
      const started = process.cpuUsage()
      const reading = (async () => {
        for (let i = 0; i < count; i++) if ((await receiver.read())?.kind !== 'skipped') throw new Error('frame lost')
      })()
      for (let i = 0; i < count; i += BATCH)
        await sender.writeMany(
          Array.from({ length: Math.min(BATCH, count - i) }, (_, k) => frames[(i + k) % frames.length]!),
        )
      await reading
      const used = process.cpuUsage(started)
      return (used.user + used.system) / count
    }
    await carry(5_000) // warm-up
    return median([await carry(20_000), await carry(20_000), await carry(20_000)])
  } finally {
    await Promise.all([a.stop(), b.stop()])
  }
}
