/**
 * Bringing a network up, in the order a person would do it by hand: start the
 * chain, start the nodes, fund them from the faucet, connect peers, open the
 * channels, mine the confirmations, and wait until every channel is active on
 * both ends. Each phase reports its progress; independent work runs in
 * parallel, a little at a time (starting a node costs CPU, and two cores are
 * common).
 */
import { NodeApiError, type NodeClient } from '../../api/node/client.js'
import type { ChannelPolicyRequest } from '../../api/node/types.js'
import { MAX_FAUCET_PAYMENTS } from '../../api/chain/types.js'
import type { ChannelSpec } from '../file/scenarioSchema.js'
import { FUNDING_FEE_RESERVE_SAT, type ChainSpec, type FeePolicy } from '../file/schema.js'
import { ScenarioTimeoutError } from '../errors.js'
import type { ChannelRef } from './channelRef.js'
import type { NetworkNode } from './networkNode.js'
import type { NetworkSpec } from './networkSpec.js'
import type { NetworkView } from './networkView.js'
import type { BringUpPhase, NetworkObserver } from './observer.js'
import { mapLimit, sleep } from './pool.js'
import { bringUpPace, waves } from './pace.js'
import { backoffDelay, type Backoff } from '../../api/http/backoff.js'

const PACE = bringUpPace()
/** Processes starting at once: startup is CPU-bound, so more only makes each slower (pace.ts: 4 on 2 cores). */
export const START_CONCURRENCY = PACE.startConcurrency
/** API calls in flight at once during bring-up (pace.ts: 8 on 2 cores). */
export const CALL_CONCURRENCY = PACE.callConcurrency
/**
 * Coins paid by one faucet transaction: as many as one transaction holds beside the faucet's change (a network of
 * 500 nodes needs more than a thousand coins, and one more than that made the faucet's transaction malformed).
 */
export const FAUCET_BATCH = MAX_FAUCET_PAYMENTS
/**
 * With mining on demand, a channel still unconfirmed this long after its blocks gets one more block (a node may ask for
 * more confirmations than the scenario).
 */
export const EXTRA_BLOCK_AFTER_MS = 5000
/**
 * Attempts to connect two nodes before bring-up gives up: on a machine that runs hundreds of nodes a dial can time out
 * while their CPU goes to the wave before (its channel_ready and gossip); asked again later, it goes through.
 */
export const CONNECT_ATTEMPTS = 5
/** Waits between connection attempts. */
export const CONNECT_BACKOFF: Backoff = { firstDelayMs: 1_000, maxDelayMs: 15_000 }
/**
 * Polling channel states and graphs: every 250 ms while things change, then less often while nothing does (a graph
 * of a few hundred channels is a large answer, asked of every node).
 */
export const POLL_BACKOFF: Backoff = { firstDelayMs: 250, maxDelayMs: 4_000 }
/** Failures of a connect that asking again may cure (the node's codes with action retry_later, and no answer). */
const CONNECT_RETRYABLE = new Set(['PEER_UNREACHABLE', 'TIMEOUT', 'UNREACHABLE'])

/** What bring-up does to a network besides reading it: start its processes, mine, record the channels it opened. */
export interface BringUpNetwork extends NetworkView {
  readonly chainSpec: ChainSpec
  readonly observer: NetworkObserver
  startChainProcess(signal: AbortSignal): Promise<void>
  startNodeProcess(node: NetworkNode, signal?: AbortSignal): Promise<void>
  mine(blocks?: number): Promise<number>
  addChannel(ref: ChannelRef): ChannelRef
}

export async function bringUp(net: BringUpNetwork, spec: NetworkSpec, signal: AbortSignal): Promise<void> {
  let wave: { index: number; count: number } | undefined
  const progress = (phase: BringUpPhase, done: number, total: number): void =>
    net.observer.progress?.({ phase, done, total, ...(wave ? { wave } : {}) })

  progress('chain', 0, 1)
  await net.startChainProcess(signal)
  progress('chain', 1, 1)

  let started = 0
  progress('nodes', 0, net.nodes.length)
  await mapLimit(net.nodes, START_CONCURRENCY, async (node) => {
    signal.throwIfAborted()
    await net.startNodeProcess(node, signal)
    progress('nodes', ++started, net.nodes.length)
  })

  await fundNodes(net, spec, signal, (done) => progress('funding', done, spec.nodes.length))

  // a big network opens its channels in waves: each wave is confirmed, and its channels announced, while the next
  // one opens, so the nodes' CPU for channel_ready and gossip is spread over the bring-up instead of coming at once
  const channelWaves = waves(spec.channels, PACE.waveSize)
  const totalPairs = new Set(spec.channels.map((c) => pairKey([c.from, c.to]))).size
  const paired = new Set<string>()
  const refs: ChannelRef[] = []
  for (const [i, channels] of channelWaves.entries()) {
    wave = channelWaves.length > 1 ? { index: i + 1, count: channelWaves.length } : undefined
    if (wave) net.log(`opening wave ${wave.index}/${wave.count}: ${channels.length} channel(s)`)
    const pairs = channels
      .map((c) => [c.from, c.to] as [string, string])
      .filter((p) => !paired.has(pairKey(p)) && paired.add(pairKey(p)))
    const pairedBefore = paired.size - pairs.length
    await connectPeers(net, pairs, (done) => progress('peers', pairedBefore + done, totalPairs))
    const openedBefore = refs.length
    const opened = await openChannels(net, channels, signal, (done) =>
      progress('opening', openedBefore + done, spec.channels.length),
    )
    refs.push(...opened)
    if (minesOnDemand(net) && i < channelWaves.length - 1) await net.mine(net.chainSpec.confirmations)
  }
  wave = undefined
  if (refs.length === 0) return
  if (minesOnDemand(net)) await net.mine(net.chainSpec.confirmations)
  progress('confirming', 0, refs.length)
  await waitChannelsActive(net, refs, {
    timeoutMs: 60_000 + 1000 * refs.length,
    signal,
    onProgress: (done) => progress('confirming', done, refs.length),
  })
  progress('gossip', 0, net.nodes.length)
  await waitGossip(net, refs, {
    timeoutMs: 60_000 + 1000 * refs.length,
    signal,
    onProgress: (done) => progress('gossip', done, net.nodes.length),
  })
}

export function minesOnDemand(net: BringUpNetwork): boolean {
  return net.chainSpec.blockIntervalMs === undefined
}

/**
 * Pays each node its funds from the faucet, one coin per channel it will open
 * (capacity plus a fee reserve) and the rest in one more, so that openings in
 * parallel never wait for each other's change.
 *
 * The addresses are asked for in parallel, then the faucet pays every coin in
 * one transaction, in the scenario's order: that order fixes every coin's
 * outpoint, and with it the funding transactions and channel ids of a seeded
 * network. (One payment per coin, each waiting for the one before, made funding
 * a large network take a long while.)
 */
async function fundNodes(
  net: BringUpNetwork,
  spec: NetworkSpec,
  signal: AbortSignal,
  onProgress: (done: number) => void,
): Promise<void> {
  onProgress(0)
  const payments = await mapLimit(spec.nodes, CALL_CONCURRENCY, async (n) => {
    signal.throwIfAborted()
    const coins = spec.channels.filter((c) => c.from === n.name).map((c) => c.capacitySat + FUNDING_FEE_RESERVE_SAT)
    const rest = n.fundsSat - coins.reduce((a, b) => a + b, 0n)
    if (rest > 0n) coins.push(rest)
    const client = net.node(n.name).client
    const addressed: { address: string; amountSat: bigint }[] = []
    for (const amountSat of coins) addressed.push({ address: (await client.newAddress()).address, amountSat })
    return addressed
  })
  const coins = payments.flat()
  for (let i = 0; i < coins.length; i += FAUCET_BATCH) {
    signal.throwIfAborted()
    await net.chain.faucetMany(coins.slice(i, i + FAUCET_BATCH))
  }
  const height = (await net.chain.info()).height
  if (minesOnDemand(net)) await net.mine(1)
  else while ((await net.chain.info()).height <= height) await sleep(100, signal)
  const funded = new Set<string>()
  for (;;) {
    await mapLimit(
      spec.nodes.filter((n) => !funded.has(n.name)),
      CALL_CONCURRENCY,
      async (n) => {
        if (n.fundsSat === 0n || (await net.node(n.name).balance()).confirmedSat >= n.fundsSat) funded.add(n.name)
      },
    )
    onProgress(funded.size)
    if (funded.size === spec.nodes.length) return
    await sleep(200, signal)
  }
}

/** A pair of nodes, either direction counting as one. */
function pairKey([a, b]: [string, string]): string {
  return [a, b].sort().join('\u0000')
}

/** Connects each pair once (either direction counts), from the first node of the pair. */
export async function connectPeers(
  net: NetworkView,
  pairs: [string, string][],
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const unique = new Map<string, [string, string]>()
  for (const p of pairs) unique.set(pairKey(p), p)
  let done = 0
  onProgress?.(0, unique.size)
  await mapLimit([...unique.values()], CALL_CONCURRENCY, async ([a, b]) => {
    const from = net.node(a)
    const to = net.node(b)
    for (let attempt = 0; ; attempt++) {
      try {
        await from.client.connect(to.address)
        break
      } catch (err) {
        // connecting twice may be refused; what matters is that they are connected
        const peers = await from.client.peers().catch(() => [])
        if (peers.some((p) => p.nodeId === to.nodeId && p.connected)) break
        const code = (err as { code?: string }).code ?? ''
        if (attempt + 1 >= CONNECT_ATTEMPTS || !CONNECT_RETRYABLE.has(code)) throw err
        await sleep(backoffDelay(attempt, CONNECT_BACKOFF))
      }
    }
    onProgress?.(++done, unique.size)
  })
}

/**
 * Opens every channel, one funder's channels after another (its wallet funds
 * them in turn) and different funders in parallel. The network lists the
 * channels in the scenario's order, whichever opening finished first.
 */
async function openChannels(
  net: BringUpNetwork,
  channels: ChannelSpec[],
  signal: AbortSignal,
  onProgress: (done: number) => void,
): Promise<ChannelRef[]> {
  const byFunder = new Map<string, { spec: ChannelSpec; index: number }[]>()
  channels.forEach((c, index) => byFunder.set(c.from, [...(byFunder.get(c.from) ?? []), { spec: c, index }]))
  const refs: ChannelRef[] = []
  let opened = 0
  onProgress(0)
  await mapLimit([...byFunder.values()], CALL_CONCURRENCY, async (list) => {
    for (const { spec: c, index } of list) {
      signal.throwIfAborted()
      const r = await net.node(c.from).client.openChannel(
        {
          nodeId: net.node(c.to).nodeId,
          amountSat: c.capacitySat,
          ...(c.pushMsat !== undefined ? { pushMsat: c.pushMsat } : {}),
          announce: c.private !== true,
        },
        { timeoutMs: 60_000 },
      )
      const ref: ChannelRef = {
        name: c.name,
        from: c.from,
        to: c.to,
        capacitySat: c.capacitySat,
        channelId: r.channelId,
        ...(c.private ? { private: true } : {}),
      }
      await setChannelPolicies(net, ref, c)
      refs[index] = ref
      onProgress(++opened)
    }
  })
  for (const ref of refs) net.addChannel(ref)
  return refs
}

/**
 * Sets each end's forwarding policy on one channel (each announces it in a new
 * channel_update, BOLT #7): the channel's policy for both ends, or the policy
 * given for that end, which wins.
 */
export async function setChannelPolicies(
  net: NetworkView,
  ref: ChannelRef,
  policies: {
    feePolicy?: FeePolicy | undefined
    fromFeePolicy?: FeePolicy | undefined
    toFeePolicy?: FeePolicy | undefined
  },
): Promise<void> {
  const ends: [string, FeePolicy | undefined][] = [
    [ref.from, mergePolicies(policies.feePolicy, policies.fromFeePolicy)],
    [ref.to, mergePolicies(policies.feePolicy, policies.toFeePolicy)],
  ]
  for (const [end, policy] of ends)
    if (policy) await net.node(end).client.setChannelPolicy(ref.channelId, policyRequest(policy))
}

/** Sets both ends' forwarding policy on one channel to the same values. */
export async function setChannelPolicy(net: NetworkView, ref: ChannelRef, policy: FeePolicy): Promise<void> {
  await setChannelPolicies(net, ref, { feePolicy: policy })
}

function mergePolicies(both: FeePolicy | undefined, end: FeePolicy | undefined): FeePolicy | undefined {
  if (!both && !end) return undefined
  const merged: FeePolicy = { ...both }
  for (const [k, v] of Object.entries(end ?? {})) if (v !== undefined) (merged as Record<string, unknown>)[k] = v
  return merged
}

function policyRequest(policy: FeePolicy): ChannelPolicyRequest {
  return {
    ...(policy.baseMsat !== undefined ? { feeBaseMsat: policy.baseMsat } : {}),
    ...(policy.ppm !== undefined ? { feeProportionalMillionths: BigInt(policy.ppm) } : {}),
    ...(policy.cltvExpiryDelta !== undefined ? { cltvExpiryDelta: policy.cltvExpiryDelta } : {}),
    ...(policy.htlcMinimumMsat !== undefined ? { htlcMinimumMsat: policy.htlcMinimumMsat } : {}),
    ...(policy.htlcMaximumMsat !== undefined ? { htlcMaximumMsat: policy.htlcMaximumMsat } : {}),
  }
}

/** Waits until every channel is active on both ends, reporting how many are. */
export async function waitChannelsActive(
  net: BringUpNetwork,
  refs: ChannelRef[],
  options: { timeoutMs: number; signal?: AbortSignal; onProgress?: (done: number) => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs
  const ready = new Set<string>()
  let lastChange = Date.now()
  let states = new Map<string, string>()
  let quiet = 0
  for (;;) {
    const pending = refs.filter((r) => !ready.has(r.name))
    const ends = [...new Set(pending.flatMap((r) => [r.from, r.to]))]
    const lists = new Map(
      await mapLimit(
        ends,
        CALL_CONCURRENCY,
        async (n) =>
          [
            n,
            await net
              .node(n)
              .channels()
              .catch(() => []),
          ] as const,
      ),
    )
    states = new Map()
    for (const r of pending) {
      const a = lists.get(r.from)?.find((c) => c.channelId === r.channelId)
      const b = lists.get(r.to)?.find((c) => c.channelId === r.channelId)
      states.set(r.name, `${r.from}: ${a?.state ?? 'not listed'}, ${r.to}: ${b?.state ?? 'not listed'}`)
      if (a?.active && b?.active) {
        ready.add(r.name)
        r.shortChannelId = a.shortChannelId ?? b.shortChannelId ?? undefined
        lastChange = Date.now()
        quiet = -1
      }
    }
    quiet++
    options.onProgress?.(ready.size)
    if (ready.size === refs.length) return
    if (Date.now() > deadline) {
      const waiting = refs.filter((r) => !ready.has(r.name)).map((r) => `${r.name} (${states.get(r.name)})`)
      throw new ScenarioTimeoutError(
        `${waiting.length} channel(s) not active after ${options.timeoutMs} ms: ` +
          `${waiting.slice(0, 10).join('; ')}${waiting.length > 10 ? '; …' : ''}`,
      )
    }
    if (minesOnDemand(net) && Date.now() - lastChange > EXTRA_BLOCK_AFTER_MS) {
      net.log('channels still unconfirmed: mining one more block')
      await net.mine(1)
      lastChange = Date.now()
    }
    await sleep(backoffDelay(quiet, POLL_BACKOFF), options.signal)
  }
}

/**
 * Waits until every running node's gossip graph holds each channel with both
 * ends' channel_update (BOLT #7), so any node can route over any channel; a
 * payment sent before that finds no route to nodes it has not heard of yet.
 */
export async function waitGossip(
  net: NetworkView,
  refs: ChannelRef[],
  options: { timeoutMs: number; signal?: AbortSignal; onProgress?: (done: number) => void },
): Promise<void> {
  // a private channel is in no graph: its ends learn each other's policy directly
  const wanted = refs.flatMap((r) => (r.shortChannelId && !r.private ? [r.shortChannelId] : []))
  const deadline = Date.now() + options.timeoutMs
  // a node without channels has no one to hear gossip from: nothing to wait for
  const withChannels = new Set([...net.channels, ...refs].filter((r) => !r.private).flatMap((r) => [r.from, r.to]))
  const synced = new Set(net.nodes.filter((n) => !withChannels.has(n.name)).map((n) => n.name))
  let quiet = 0
  for (;;) {
    const syncedBefore = synced.size
    const nodes = net.nodes.filter((n) => n.online && !synced.has(n.name))
    let missing = ''
    await mapLimit(nodes, CALL_CONCURRENCY, async (n) => {
      let known: Set<string>
      try {
        known = await completeChannels(n.client)
      } catch (err) {
        // a node without a gossip graph routes only over its own channels: nothing to wait for
        if (err instanceof NodeApiError && err.status === 404) return synced.add(n.name)
        throw err
      }
      const lacking = wanted.filter((scid) => !known.has(scid))
      if (lacking.length === 0) synced.add(n.name)
      else missing = `${n.name} has not heard of ${lacking.length} channel(s), e.g. ${lacking[0]}`
    })
    options.onProgress?.(synced.size)
    if (net.nodes.every((n) => !n.online || synced.has(n.name))) return
    if (Date.now() > deadline)
      throw new ScenarioTimeoutError(`gossip did not reach every node within ${options.timeoutMs} ms: ${missing}`)
    quiet = synced.size > syncedBefore ? 0 : quiet + 1
    await sleep(backoffDelay(quiet, POLL_BACKOFF), options.signal)
  }
}

/**
 * The channels a node knows with both ends' policies, from its graph summary (a few kilobytes, where the whole
 * graph of a 500-node network took a tenth of a CPU-second to make and read, for each node at each poll); from the
 * whole graph for a node that serves no summary.
 */
async function completeChannels(client: Pick<NodeClient, 'graph' | 'graphSummary'>): Promise<Set<string>> {
  try {
    return new Set((await client.graphSummary()).complete)
  } catch (err) {
    if (!(err instanceof NodeApiError && err.status === 404)) throw err
  }
  const graph = await client.graph()
  return new Set(
    graph.channels.filter((c) => c.policies[0] !== null && c.policies[1] !== null).map((c) => c.shortChannelId),
  )
}
