/**
 * Payments between node processes, beside the lower bound this machine allows
 * for the same work. A line of 7 nodes (n0 … n6) carries 1-, 3- and 6-hop
 * payments from n0, paid through the control API as a user's would be.
 *
 * Lower bound of one payment over k channels (measured in this run):
 *   curve work: the payer's (invoice decode, onion for k hops) + per hop one
 *   onion peel + per channel the update of both ends (see lib/cryptoBound.ts),
 *   timed with the crypto layer alone;
 *   round trips: per hop, the add travels in three one-way flights
 *   (update_add + commitment_signed →, revoke_and_ack + commitment_signed ←,
 *   revoke_and_ack →) before it can be forwarded, and the fulfill one flight
 *   back: 2 round trips of a bare libp2p echo per hop, plus one HTTP round
 *   trip for the API call.
 * Throughput bound: every core busy with nothing but that curve work, at the
 * batching the run achieved: with many payments in flight a commitment_signed
 * covers several HTLCs, so each payment pays only its share of the commitments
 * the channels signed (counted from their commitment numbers).
 * Each figure is the median over ROUNDS rounds.
 */
import { cpus } from 'node:os'
import type { NodeClient } from '../../src/api/node/client.js'
import { TestNetwork } from '../../test/helpers/network.js'
import { cleanupProcesses, waitFor } from '../../test/helpers/processes.js'
import { median, percentile, type Bench } from './harness.js'
import { batchedPaymentCryptoBound, channelUpdateWork, paymentCryptoBound, peelWork } from './lib/cryptoBound.js'
import { commitmentsSigned, type ChannelEnd } from './lib/commitments.js'
import { measureLoopback } from './lib/loopback.js'
import { memory, totalCpuSeconds } from './lib/processStats.js'

export const title = 'Payments between node processes (a line of 7 nodes), against the lower bound'

const ROUNDS = 3
const SEQUENTIAL = 40
const IN_FLIGHT = 64
const HOPS = [1, 3, 6] as const
const ABOVE_DUST_MSAT = 1_000_000n

async function invoices(payee: NodeClient, n: number, amountMsat: bigint): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < n; i += 50)
    out.push(
      ...(
        await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => payee.createInvoice({ amountMsat })))
      ).map((x) => x.invoice),
    )
  return out
}

/**
 * Pays SEQUENTIAL invoices one after the other: each payment's latency, and the CPU time the processes `pids` spent on
 * all of them.
 */
async function latencies(
  payer: NodeClient,
  payee: NodeClient,
  hops: number,
  pids: number[] = [],
): Promise<{ samples: number[]; cpuSeconds: number }> {
  const samples: number[] = []
  const list = await invoices(payee, SEQUENTIAL, 10_000n)
  const cpuBefore = totalCpuSeconds(pids)
  for (const invoice of list) {
    const t = performance.now()
    const p = await payer.pay({ invoice })
    samples.push(performance.now() - t)
    if (p.status !== 'succeeded' || p.route.length !== hops)
      throw new Error(`payment over ${p.route.length} hops: ${p.status} ${p.failure?.message ?? ''}`)
  }
  return { samples, cpuSeconds: totalCpuSeconds(pids) - cpuBefore }
}

/**
 * Pays `count` invoices with IN_FLIGHT payments in flight; returns payments per second, and commitments signed per
 * payment on the route's channels.
 */
async function burst(
  payer: NodeClient,
  payee: NodeClient,
  count: number,
  route: ChannelEnd[],
  amountMsat = 1_000n,
): Promise<{ perSecond: number; ok: number; commitmentsPerPayment: number }> {
  const list = await invoices(payee, count, amountMsat)
  const signedBefore = await commitmentsSigned(route)
  let next = 0
  let ok = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < list.length) if ((await payer.pay({ invoice: list[next++]! })).status === 'succeeded') ok++
    }),
  )
  const perSecond = ok / ((performance.now() - t0) / 1000)
  return { perSecond, ok, commitmentsPerPayment: ((await commitmentsSigned(route)) - signedBefore) / ok }
}

export async function run(bench: Bench): Promise<void> {
  const cores = cpus().length
  const loopback = await measureLoopback()
  const perChannel = channelUpdateWork()
  // above dust, each payment's HTLC is signed and checked in the commitments that carry its output, however many
  // HTLCs a commitment covers: that part of the work does not shrink with batching
  const perChannelAboveDust = channelUpdateWork(ABOVE_DUST_MSAT)
  const htlcSignatureMs = Math.max(0, perChannelAboveDust.ms - perChannel.ms)
  const perPeel = peelWork()
  const cryptoMs = Object.fromEntries(HOPS.map((k) => [k, paymentCryptoBound(k, perChannel, perPeel)]))
  const latencyBound = (k: number): number => cryptoMs[k]!.ms + 2 * k * loopback.libp2pRttMs + loopback.httpRttMs
  const ops = (counts: Record<string, number>): string =>
    Object.entries(counts)
      .sort()
      .map(([op, n]) => `${op} ${n}`)
      .join(', ')
  bench.figure('bound: libp2p echo round trip between two processes (1,450-byte frame)', loopback.libp2pRttMs, 'ms')
  bench.figure('bound: HTTP round trip (kept-alive connection)', loopback.httpRttMs, 'ms')
  bench.figure('bound: curve work of one channel update, both ends', perChannel.ms, 'ms', ops(perChannel.counts))
  bench.figure(
    'bound: curve work of one channel update above dust, both ends',
    perChannelAboveDust.ms,
    'ms',
    `with HTLC signatures: ${ops(perChannelAboveDust.counts)}`,
  )
  bench.figure('bound: curve work of one onion peel', perPeel.ms, 'ms', ops(perPeel.counts))
  bench.figure('bound: curve work of a 3-hop payment, all parties', cryptoMs[3]!.ms, 'ms', ops(cryptoMs[3]!.counts))

  const net = new TestNetwork()
  const names = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6']
  try {
    await net.start(...names)
    const nodePids = names.map((n) => net.node(n).process!.pid!)
    const started = nodePids.map(memory)
    for (const n of names.slice(0, -1)) await net.fund(n, 12_000_000n)
    const channelIds: string[] = []
    for (let i = 0; i + 1 < names.length; i++) {
      await net.connect(names[i]!, names[i + 1]!)
      channelIds.push(
        (
          await net
            .node(names[i]!)
            .client.openChannel({ nodeId: net.node(names[i + 1]!).nodeId, amountSat: 10_000_000n })
        ).channelId,
      )
    }
    /** both ends of the first k channels of the line */
    const route = (k: number): ChannelEnd[] =>
      channelIds.slice(0, k).flatMap((channelId, i) => [
        { client: net.node(names[i]!).client, channelId },
        { client: net.node(names[i + 1]!).client, channelId },
      ])
    await net.mine(6)
    await waitFor(
      'the whole line in n0’s graph',
      async () => {
        const g = await net.node('n0').client.graph()
        return g.channels.length === names.length - 1 && g.channels.every((c) => c.policies[0] && c.policies[1])
      },
      60_000,
    )
    const payer = net.node('n0').client
    const payee = (k: number): NodeClient => net.node(names[k]!).client
    for (const k of HOPS) await latencies(payer, payee(k), k) // warm-up: JIT, connections, key caches

    const p50: Record<number, number[]> = { 1: [], 3: [], 6: [] }
    const p99: Record<number, number[]> = { 1: [], 3: [], 6: [] }
    const oneChannel: number[] = []
    const threeHops: number[] = []
    const cpuPerPayment: number[] = []
    /** CPU per sequential 3-hop payment, and the cores busy on average while they ran */
    const sequentialCpu: number[] = []
    const coresBusy: number[] = []
    const batching: Record<number, number[]> = { 1: [], 3: [] }
    const aboveDust: number[] = []
    const aboveDustBatching: number[] = []
    const allPids = [net.net.chainPid!, ...nodePids]
    for (let round = 1; round <= ROUNDS; round++) {
      bench.log(`round ${round} of ${ROUNDS}`)
      for (const k of HOPS) {
        const { samples: s, cpuSeconds: cpu } = await latencies(payer, payee(k), k, allPids)
        p50[k]!.push(median(s))
        p99[k]!.push(percentile(s, 99))
        if (k === 3) {
          sequentialCpu.push((cpu * 1000) / s.length)
          coresBusy.push(cpu / (s.reduce((a, b) => a + b, 0) / 1000))
        }
      }
      const direct = await burst(payer, payee(1), 800, route(1))
      oneChannel.push(direct.perSecond)
      batching[1]!.push(direct.commitmentsPerPayment)
      // 1,000 sat each, above the 546-sat dust limit: every commitment carries an output per HTLC in flight
      const large = await burst(payer, payee(1), 400, route(1), ABOVE_DUST_MSAT)
      aboveDust.push(large.perSecond)
      aboveDustBatching.push(large.commitmentsPerPayment)
      const cpuBefore = totalCpuSeconds(allPids)
      const routed = await burst(payer, payee(3), 400, route(3))
      threeHops.push(routed.perSecond)
      batching[3]!.push(routed.commitmentsPerPayment)
      cpuPerPayment.push((totalCpuSeconds(allPids) - cpuBefore) / routed.ok)
    }

    for (const k of HOPS) {
      bench.figure(`${k}-hop payment latency p50`, median(p50[k]!), 'ms', {
        bound: latencyBound(k),
        note: `${SEQUENTIAL} sequential payments per round; API call to preimage`,
      })
      bench.figure(`${k}-hop payment latency p99`, median(p99[k]!), 'ms', { bound: latencyBound(k) })
    }
    bench.figure('CPU time per sequential 3-hop payment, all processes', median(sequentialCpu), 'ms', {
      bound: cryptoMs[3]!.ms,
      note:
        `chain and 7 nodes, during the 3-hop latency rounds: ${median(coresBusy).toFixed(2)} of ${cores} cores ` +
        `busy on average; payments one after the other cannot average less than this divided by ${cores}`,
    })
    const batched = (k: 1 | 3) => batchedPaymentCryptoBound(k, perChannel, perPeel, median(batching[k]!))
    bench.figure(
      `commitments signed per payment, one channel, ${IN_FLIGHT} in flight`,
      median(batching[1]!),
      'commitments',
      'both ends; 4 when each payment gets commitments of its own',
    )
    bench.figure(
      `commitments signed per payment, 3 hops, ${IN_FLIGHT} in flight`,
      median(batching[3]!),
      'commitments',
      'all three channels, both ends; 12 unbatched',
    )
    bench.figure(`payments per second over one channel, ${IN_FLIGHT} in flight`, median(oneChannel), 'payments/s', {
      bound: cores / (batched(1).ms / 1000),
      moreIsBetter: true,
      note: `bound: ${cores} cores doing only the curve work, at the batching achieved`,
    })
    bench.figure(
      `payments per second over one channel, ${IN_FLIGHT} in flight, 1,000 sat each`,
      median(aboveDust),
      'payments/s',
      {
        bound:
          cores /
          ((batchedPaymentCryptoBound(1, perChannel, perPeel, median(aboveDustBatching)).ms + htlcSignatureMs) / 1000),
        moreIsBetter: true,
        note: 'above dust: each commitment has an output per HTLC in flight (the others pay 1 sat, below dust)',
      },
    )
    bench.figure(`3-hop payments per second, ${IN_FLIGHT} in flight`, median(threeHops), 'payments/s', {
      bound: cores / (batched(3).ms / 1000),
      moreIsBetter: true,
    })
    bench.figure('CPU time per 3-hop payment, all processes', median(cpuPerPayment) * 1000, 'ms', {
      bound: batched(3).ms,
      note: 'chain and 7 nodes, during the 3-hop burst; bound at the batching achieved',
    })
    const after = nodePids.map(memory)
    const bare = loopback.peerMemoryAtStart
    const bareUsed = loopback.peerMemory
    bench.figure('node process resident memory (RSS) after start', median(started.map((m) => m.rssMb)), 'MB', {
      bound: bare.rssMb,
      note: 'bound: a Node process with a bare libp2p host, listening',
    })
    bench.figure('node process private memory after start', median(started.map((m) => m.privateMb)), 'MB', {
      bound: bare.privateMb,
      note: 'not shared with other processes: what each further node adds',
    })
    bench.figure('node process resident memory (RSS) after the bursts', median(after.map((m) => m.rssMb)), 'MB', {
      bound: bareUsed.rssMb,
      note: 'bound: the same host after echoing the round trips above',
    })
    bench.figure('node process private memory after the bursts', median(after.map((m) => m.privateMb)), 'MB', {
      bound: bareUsed.privateMb,
    })
  } finally {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  }
}
