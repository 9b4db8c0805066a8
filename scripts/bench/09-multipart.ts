/**
 * A payment split in 4 parts against the same amount in 1 part, over the same
 * kind of 2-hop route, each beside its lower bound. n0 pays n2 and n3 through
 * n1; n1 forwards at most a quarter of the amount over n1→n2 (its
 * htlc_maximum_msat), so a payment to n2 must travel in 4 parts, while one to
 * n3 goes whole.
 *
 * Lower bound of one payment of k parts (measured in this run): the curve work
 * of k payments' onions and peels, plus the commitments the channels signed for
 * it (counted from their commitment numbers: parts added together share
 * commitments), spread over the cores; plus the round trips of one part (the
 * parts travel together): 2 libp2p echo round trips per hop and one HTTP round
 * trip. Throughput bound: every core busy with that curve work alone.
 */
import { cpus } from 'node:os'
import type { NodeClient } from '../../src/api/node/client.js'
import { TestNetwork } from '../../test/helpers/network.js'
import { cleanupProcesses, waitFor } from '../../test/helpers/processes.js'
import { median, type Bench } from './harness.js'
import { channelUpdateWork, payerWork, peelWork, type CryptoWork } from './lib/cryptoBound.js'
import { commitmentsSigned, type ChannelEnd } from './lib/commitments.js'
import { measureLoopback } from './lib/loopback.js'

export const title = 'A payment in 4 parts against the same amount whole (2 hops), against the lower bound'

const ROUNDS = 3
const SEQUENTIAL = 20
const IN_FLIGHT = 16
const PARTS = 4
const HOPS = 2
/** 20,000 sat: each part (5,000 sat) is above dust, so every commitment carries an output per part */
const AMOUNT_MSAT = 20_000_000n

/** Pays `count` invoices of `payee`, `inFlight` at a time: latencies, payments per second, commitments per payment. */
async function pay(
  payer: NodeClient,
  payee: NodeClient,
  count: number,
  inFlight: number,
  parts: number,
  route: readonly ChannelEnd[],
): Promise<{ latencies: number[]; perSecond: number; commitmentsPerPayment: number }> {
  const invoices = await Promise.all(
    Array.from({ length: count }, () => payee.createInvoice({ amountMsat: AMOUNT_MSAT })),
  )
  const signedBefore = await commitmentsSigned(route)
  const latencies: number[] = []
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < invoices.length) {
        const t = performance.now()
        const p = await payer.pay({ invoice: invoices[next++]!.invoice })
        latencies.push(performance.now() - t)
        if (p.status !== 'succeeded' || Math.max(1, p.parts.length) !== parts)
          throw new Error(`a payment meant for ${parts} part(s): ${p.status} in ${p.parts.length}`)
      }
    }),
  )
  const perSecond = count / ((performance.now() - t0) / 1000)
  return { latencies, perSecond, commitmentsPerPayment: ((await commitmentsSigned(route)) - signedBefore) / count }
}

/** The curve work of one payment of `parts` parts over HOPS hops, with the commitments its channels signed. */
function curveWork(parts: number, commitments: number, perChannel: CryptoWork, perPeel: CryptoWork): number {
  return parts * (payerWork(HOPS).ms + HOPS * perPeel.ms) + (commitments / 4) * perChannel.ms
}

export async function run(bench: Bench): Promise<void> {
  const cores = cpus().length
  const loopback = await measureLoopback()
  const perChannel = channelUpdateWork()
  const perPeel = peelWork()
  const net = new TestNetwork()
  try {
    await net.start('n0', 'n1', 'n2', 'n3')
    await net.fund('n0', 25_000_000n)
    await net.fund('n1', 25_000_000n)
    await net.fund('n1', 25_000_000n)
    await net.connect('n0', 'n1')
    await net.connect('n1', 'n2')
    await net.connect('n1', 'n3')
    const ids = {
      in: await net.openChannel('n0', 'n1', 16_000_000n),
      split: await net.openChannel('n1', 'n2', 10_000_000n),
      whole: await net.openChannel('n1', 'n3', 10_000_000n),
    }
    // channels are announced at 6 confirmations (BOLT #7)
    await net.mine(6)
    await net.node('n1').client.setChannelPolicy(ids.split, { htlcMaximumMsat: AMOUNT_MSAT / BigInt(PARTS) })
    await waitFor(
      'n0 to know both routes and n1’s htlc maximum',
      async () => {
        const g = await net.node('n0').client.graph()
        const limited = g.channels.some((c) =>
          c.policies.some((p) => p?.htlcMaximumMsat === AMOUNT_MSAT / BigInt(PARTS)),
        )
        return g.channels.length === 3 && g.channels.every((c) => c.policies[0] && c.policies[1]) && limited
      },
      60_000,
    )
    const payer = net.node('n0').client
    const ends = (channelId: string, a: string, b: string): ChannelEnd[] => [
      { client: net.node(a).client, channelId },
      { client: net.node(b).client, channelId },
    ]
    const cases = {
      [PARTS]: { payee: net.node('n2').client, route: [...ends(ids.in, 'n0', 'n1'), ...ends(ids.split, 'n1', 'n2')] },
      1: { payee: net.node('n3').client, route: [...ends(ids.in, 'n0', 'n1'), ...ends(ids.whole, 'n1', 'n3')] },
    } as const
    // warm-up: JIT, connections, key caches
    for (const parts of [PARTS, 1] as const) await pay(payer, cases[parts].payee, 5, 1, parts, cases[parts].route)

    const p50: Record<number, number[]> = { [PARTS]: [], 1: [] }
    const sequentialCommitments: Record<number, number[]> = { [PARTS]: [], 1: [] }
    const perSecond: Record<number, number[]> = { [PARTS]: [], 1: [] }
    const burstCommitments: Record<number, number[]> = { [PARTS]: [], 1: [] }
    for (let round = 1; round <= ROUNDS; round++) {
      bench.log(`round ${round} of ${ROUNDS}`)
      for (const parts of [PARTS, 1] as const) {
        const { payee, route } = cases[parts]
        const one = await pay(payer, payee, SEQUENTIAL, 1, parts, route)
        p50[parts]!.push(median(one.latencies))
        sequentialCommitments[parts]!.push(one.commitmentsPerPayment)
        const many = await pay(payer, payee, 4 * IN_FLIGHT, IN_FLIGHT, parts, route)
        perSecond[parts]!.push(many.perSecond)
        burstCommitments[parts]!.push(many.commitmentsPerPayment)
      }
    }
    const roundTrips = 2 * HOPS * loopback.libp2pRttMs + loopback.httpRttMs
    for (const parts of [PARTS, 1] as const) {
      const label = parts === 1 ? 'whole (1 part)' : `in ${parts} parts`
      const work = curveWork(parts, median(sequentialCommitments[parts]!), perChannel, perPeel)
      bench.figure(`2-hop payment ${label}: latency p50`, median(p50[parts]!), 'ms', {
        bound: work / cores + roundTrips,
        note:
          `${SEQUENTIAL} sequential payments of ${AMOUNT_MSAT / 1000n} sat per round; ` +
          `${median(sequentialCommitments[parts]!).toFixed(1)} commitments signed per payment`,
      })
      const burstWork = curveWork(parts, median(burstCommitments[parts]!), perChannel, perPeel)
      bench.figure(
        `2-hop payments ${label} per second, ${IN_FLIGHT} in flight`,
        median(perSecond[parts]!),
        'payments/s',
        {
          bound: cores / (burstWork / 1000),
          moreIsBetter: true,
          note: `${median(burstCommitments[parts]!).toFixed(1)} commitments signed per payment`,
        },
      )
    }
    bench.figure(
      `latency of a payment in ${PARTS} parts over the same amount whole`,
      median(p50[PARTS]!) / median(p50[1]!),
      'x',
      'measured in the same rounds',
    )
  } finally {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  }
}
