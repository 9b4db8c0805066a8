/**
 * Pathfinding on a random network of 1,000 nodes and 5,000 channels (a
 * spanning tree, then channels that favour well-connected nodes, as real
 * networks grow): routes per second between random pairs, with and without
 * mission control and our own channels overlaid; building the graph from the
 * gossip store; and how many channel_updates the store checks per second.
 */
import { toHex } from '../../src/core/bytes.js'
import { SeededRng } from '../../src/core/rng.js'
import { shortChannelId } from '../../src/core/shortChannelId.js'
import { currentBackend, publicKeyOf } from '../../src/crypto/secp256k1.js'
import { fundingCondition } from '../../src/channel/scripts.js'
import { encodeMessage } from '../../src/wire/codec.js'
import type { ChannelUpdate } from '../../src/wire/messages.js'
import {
  ChannelGraph,
  findRoute,
  GossipStore,
  MissionControl,
  NoRouteError,
  createChannelUpdate,
  type Route,
  type RouteHop,
  type RouteRequest,
} from '../../src/routing/index.js'
import { FAILURE } from '../../src/routing/onion/index.js'
import type { Bench } from './harness.js'

export const title = 'Pathfinding (src/routing): routes per second on a 1,000-node / 5,000-channel graph'

const NODES = 1000
const CHANNELS = 5000
const CHAIN_HASH = new Uint8Array(32).fill(7)
const NOW = 1_700_000_000_000

interface Network {
  keys: Uint8Array[]
  ids: Uint8Array[]
  channels: Array<{ scid: bigint; a: number; b: number; capacitySat: bigint }>
}

function randomNetwork(rng: SeededRng): Network {
  const keys = Array.from({ length: NODES }, () => rng.bytes(32))
  const ids = keys.map((k) => publicKeyOf(k))
  const channels: Network['channels'] = []
  const endpoints: number[] = []
  const open = (a: number, b: number) => {
    channels.push({
      scid: shortChannelId(100 + Math.floor(channels.length / 1000), channels.length % 1000, 0),
      a,
      b,
      capacitySat: rng.bigintBetween(100_000n, 10_000_000n),
    })
    endpoints.push(a, b)
  }
  for (let i = 1; i < NODES; i++) open(i, rng.int(i))
  while (channels.length < CHANNELS) {
    const a = rng.int(NODES)
    // half the time, a peer picked by how many channels it has already
    const b = rng.int(2) === 0 ? rng.pick(endpoints) : rng.int(NODES)
    if (a !== b) open(a, b)
  }
  return { keys, ids, channels }
}

function update(
  net: Network,
  rng: SeededRng,
  c: Network['channels'][number],
  from: 'a' | 'b',
  timestamp: number,
): ChannelUpdate {
  const [self, other] = from === 'a' ? [c.a, c.b] : [c.b, c.a]
  return createChannelUpdate({
    nodeKey: net.keys[self]!,
    remoteNodeId: net.ids[other]!,
    chainHash: CHAIN_HASH,
    shortChannelId: c.scid,
    timestamp,
    cltvExpiryDelta: rng.pick([18, 40, 80, 144]),
    htlcMinimumMsat: 1000n,
    htlcMaximumMsat: c.capacitySat * 1000n,
    feeBaseMsat: rng.int(2000),
    feeProportionalMillionths: rng.int(1000),
    disabled: rng.int(50) === 0,
  })
}

export async function run(bench: Bench): Promise<void> {
  const rng = new SeededRng('bench/07-pathfinding')
  const net = randomNetwork(rng)
  const funding = new Map(
    net.channels.map((c) => [
      c.scid,
      { value: c.capacitySat, condition: fundingCondition(net.ids[c.a]!, net.ids[c.b]!) },
    ]),
  )
  const store = new GossipStore({ chainHash: CHAIN_HASH, lookupFundingOutput: async (scid) => funding.get(scid) })
  // the announcements' signatures are not what is measured here: restore them as a restart would
  for (const c of net.channels) {
    const [n1, n2] = toHex(net.ids[c.a]!) < toHex(net.ids[c.b]!) ? [c.a, c.b] : [c.b, c.a]
    const none = new Uint8Array(64)
    const announcement = {
      type: 'channel_announcement' as const,
      nodeSignature1: none,
      nodeSignature2: none,
      bitcoinSignature1: none,
      bitcoinSignature2: none,
      features: new Uint8Array(0),
      chainHash: CHAIN_HASH,
      shortChannelId: c.scid,
      nodeId1: net.ids[n1]!,
      nodeId2: net.ids[n2]!,
      bitcoinKey1: net.ids[n1]!,
      bitcoinKey2: net.ids[n2]!,
    }
    store.restoreChannel({
      announcement: { message: announcement, encoded: encodeMessage(announcement) },
      capacitySat: c.capacitySat,
      updates: [undefined, undefined],
    })
  }

  const updates = net.channels
    .flatMap((c) => [update(net, rng, c, 'a', NOW / 1000), update(net, rng, c, 'b', NOW / 1000)])
    .map((m) => ({ m, encoded: encodeMessage(m) }))
  const started = process.hrtime.bigint()
  for (const { m, encoded } of updates) store.acceptChannelUpdate(m, NOW, encoded)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  bench.figure(
    'channel_update checked and stored',
    updates.length / seconds,
    'msgs/s',
    `${updates.length} updates, signature check included (${currentBackend().name})`,
  )

  bench.figure(
    'build graph from gossip store',
    bench.opsPerSecond(() => ChannelGraph.fromStore(store), 1000),
    'builds/s',
    `${NODES} nodes, ${CHANNELS} channels`,
  )
  const graph = ChannelGraph.fromStore(store)

  const pairs: RouteRequest[] = Array.from({ length: 200 }, () => {
    const source = rng.int(NODES)
    let destination = rng.int(NODES)
    while (destination === source) destination = rng.int(NODES)
    return {
      source: net.ids[source]!,
      destination: net.ids[destination]!,
      amountMsat: 10_000_000n,
      blockHeight: 800,
      finalCltvExpiryDelta: 18,
      nowMs: NOW,
    }
  })
  let i = 0
  let found = 0
  let hops = 0
  const route =
    (options = {}, extra: (r: RouteRequest) => RouteRequest = (r) => r) =>
    () => {
      const request = extra(pairs[i++ % pairs.length]!)
      try {
        const r = findRoute(graph, request, options)
        found++
        hops += r.hops.length
      } catch (err) {
        if (!(err instanceof NoRouteError)) throw err
      }
    }
  bench.figure('route (10,000 sat, random pair)', bench.opsPerSecond(route(), 2000), 'routes/s')
  bench.log(
    `${((found / i) * 100).toFixed(0)}% of requests found a route, ${(hops / found).toFixed(1)} hops on average`,
  )
  i = 0

  // the node's case: its own channels overlaid and mission control holding a few hundred failures
  const mc = new MissionControl()
  const hop = (nodeId: Uint8Array, scid: bigint): RouteHop => ({
    nodeId,
    shortChannelId: scid,
    amountMsat: 0n,
    cltvExpiry: 0,
    amtToForward: 0n,
    outgoingCltvValue: 0,
    feeMsat: 0n,
  })
  for (const c of net.channels.slice(0, 300)) {
    const failed: Route = {
      hops: [hop(net.ids[c.a]!, 0n), hop(net.ids[c.b]!, c.scid)],
      amountMsat: 0n,
      totalAmountMsat: 0n,
      totalCltvExpiry: 0,
      totalFeeMsat: 0n,
    }
    mc.recordFailure(failed, 0, { code: FAILURE.TEMPORARY_CHANNEL_FAILURE }, NOW - 60_000)
  }
  const withLocal = new Map(
    pairs.map((r) => {
      const localChannels = net.channels
        .filter((c) => net.ids[c.a] === r.source || net.ids[c.b] === r.source)
        .map((c) => ({
          shortChannelId: c.scid,
          remoteNodeId: net.ids[c.a] === r.source ? net.ids[c.b]! : net.ids[c.a]!,
          spendableMsat: c.capacitySat * 500n,
          active: true,
        }))
      return [r, { ...r, localChannels }]
    }),
  )
  bench.figure(
    'route with our channels and mission control',
    bench.opsPerSecond(
      route({ history: mc }, (r) => withLocal.get(r)!),
      2000,
    ),
    'routes/s',
  )
}
