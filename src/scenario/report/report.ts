/**
 * The summary of a run: payments and their latency percentiles, fees paid and
 * earned per node, final channel balances, what was mined, traffic, and every
 * expectation's verdict. Fees earned and blocks mined are counted from the
 * event streams as they happen; balances are read from the nodes at the end.
 */
import type { ChannelInfo } from '../../api/node/types.js'
import type { Msat } from '../../core/amount.js'
import { errorMessage } from '../../core/errors.js'
import type { RunMetadata } from './runMetadata.js'
import type { NetworkView } from '../network/networkView.js'
import type { JamResult } from './jamResult.js'
import type { NodeLedger } from './ledger.js'
import { partsOf, type NetworkEvent, type PaymentOutcome, type Verdict } from '../network/observer.js'

export interface LatencySummary {
  p50: number
  p95: number
  p99: number
  max: number
}

export interface NodeSummary {
  name: string
  feesPaidMsat: Msat
  feesEarnedMsat: Msat
  forwards: number
  paymentsSent: number
  paymentsReceived: number
}

export interface ChannelSummary {
  name: string
  from: string
  to: string
  capacitySat: bigint
  /** the channel's id (funding outpoint), as the events and the nodes' APIs give it */
  channelId: string
  /** known once the funding transaction confirmed; null for a channel that never did */
  shortChannelId: string | null
  state: string
  /**
   * the funder's side and the other side, as the funder (or else the other end) reports them; null when neither could
   * be asked
   */
  fromMsat: Msat | null
  toMsat: Msat | null
}

export type RunStatus = 'passed' | 'failed' | 'invalid' | 'not-started' | 'interrupted' | 'timed-out'

export interface RunSummary {
  /** who made this summary, from what (set by `lnsim run`; absent from a summary made by the API alone) */
  run?: RunMetadata
  scenario: string
  seed: string
  status: RunStatus
  exitCode: number
  /** why the run stopped early: the network did not start, or a step could not be carried out */
  error: { code: string; message: string } | null
  startedAt: string
  durationMs: number
  bringUpMs: number | null
  payments: {
    sent: number
    succeeded: number
    failed: number
    latencyMs: LatencySummary | null
    feesMsat: Msat
    failures: Record<string, number>
    /** successful payments that arrived in two or more parts */
    split: number
    /** payments sent by keysend */
    keysend: number
  }
  nodes: NodeSummary[]
  channels: ChannelSummary[]
  chain: { height: number | null; blocksMined: number; transactionsMined: number }
  /** per traffic step, with the latency of its successful payments (null when none succeeded) */
  traffic: {
    id: string | null
    /** a traffic step's, or one activity of a SimLN activity file's (`lnsim run --activity`) */
    kind: 'traffic' | 'activity'
    sent: number
    succeeded: number
    failed: number
    successRate: number
    latencyMs: LatencySummary | null
  }[]
  /** each jam step's attack: HTLCs sent, held and failed */
  jams?: JamResult[]
  /** what the run cost and earned each node (absent from summaries of runs that never started) */
  ledger?: NodeLedger[]
  /** the variant of a scenario with `variants` this run is (the same seed, keys, channels and honest traffic) */
  variant?: string
  expectations: { total: number; passed: number; failed: number; verdicts: Verdict[] }
  /** the run's folder, when it was kept */
  dir: string | null
}

/** Nearest-rank percentile of samples (0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

export function latencySummary(samples: readonly number[]): LatencySummary | null {
  if (samples.length === 0) return null
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
  }
}

/** Counts, from the event streams, what only the nodes and the chain see: fees earned, payments received, blocks. */
export class RunStats {
  readonly feesEarned = new Map<string, Msat>()
  readonly forwards = new Map<string, number>()
  readonly received = new Map<string, number>()
  blocks = 0
  transactions = 0

  onEvent(e: NetworkEvent): void {
    switch (e.type) {
      case 'htlc_forwarded':
        if (e.status !== 'settled') return
        this.feesEarned.set(e.alias, (this.feesEarned.get(e.alias) ?? 0n) + e.feeMsat)
        this.forwards.set(e.alias, (this.forwards.get(e.alias) ?? 0) + 1)
        return
      case 'payment_received':
        this.received.set(e.alias, (this.received.get(e.alias) ?? 0) + 1)
        return
      case 'chain_block':
        this.blocks++
        // the first transaction of a block is its coinbase
        this.transactions += Math.max(0, e.txids.length - 1)
        return
      default:
        return
    }
  }
}

export function paymentTotals(payments: readonly PaymentOutcome[]): RunSummary['payments'] {
  const ok = payments.filter((p) => p.status === 'succeeded')
  const failures: Record<string, number> = {}
  for (const p of payments)
    if (p.status === 'failed') failures[p.code ?? 'UNKNOWN'] = (failures[p.code ?? 'UNKNOWN'] ?? 0) + 1
  return {
    sent: payments.length,
    succeeded: ok.length,
    failed: payments.length - ok.length,
    latencyMs: latencySummary(ok.map((p) => p.latencyMs)),
    feesMsat: ok.reduce((s, p) => s + p.feeMsat, 0n),
    failures,
    split: ok.filter((p) => partsOf(p) > 1).length,
    keysend: payments.filter((p) => p.keysend === true).length,
  }
}

/** Reads the final balance of every channel from one of its ends. */
export async function channelSummaries(net: NetworkView): Promise<ChannelSummary[]> {
  const lists = new Map<string, ChannelInfo[] | null>()
  const listOf = async (name: string) => {
    if (!lists.has(name))
      lists.set(
        name,
        net.node(name).online
          ? await net
              .node(name)
              .channels()
              .catch(() => null)
          : null,
      )
    return lists.get(name)!
  }
  const out: ChannelSummary[] = []
  for (const c of net.channels) {
    const base = {
      name: c.name,
      from: c.from,
      to: c.to,
      capacitySat: c.capacitySat,
      channelId: c.channelId,
      shortChannelId: c.shortChannelId ?? null,
    }
    const atFunder = (await listOf(c.from))?.find((x) => x.channelId === c.channelId)
    if (atFunder) {
      out.push({
        ...base,
        shortChannelId: atFunder.shortChannelId ?? base.shortChannelId,
        state: atFunder.state,
        fromMsat: atFunder.localBalanceMsat,
        toMsat: atFunder.remoteBalanceMsat,
      })
      continue
    }
    const atOther = (await listOf(c.to))?.find((x) => x.channelId === c.channelId)
    out.push(
      atOther
        ? {
            ...base,
            shortChannelId: atOther.shortChannelId ?? base.shortChannelId,
            state: atOther.state,
            fromMsat: atOther.remoteBalanceMsat,
            toMsat: atOther.localBalanceMsat,
          }
        : { ...base, state: 'unknown', fromMsat: null, toMsat: null },
    )
  }
  return out
}

export function nodeSummaries(
  names: readonly string[],
  payments: readonly PaymentOutcome[],
  stats: RunStats,
): NodeSummary[] {
  return names.map((name) => {
    const sent = payments.filter((p) => p.from === name && p.status === 'succeeded')
    return {
      name,
      feesPaidMsat: sent.reduce((s, p) => s + p.feeMsat, 0n),
      feesEarnedMsat: stats.feesEarned.get(name) ?? 0n,
      forwards: stats.forwards.get(name) ?? 0,
      paymentsSent: sent.length,
      paymentsReceived: stats.received.get(name) ?? 0,
    }
  })
}

/** What the summary counts of a traffic step (its result, run/traffic.ts). */
export interface TrafficCounts {
  id: string | null
  kind?: 'traffic' | 'activity'
  sent: number
  succeeded: number
  failed: number
  successRate: number
  outcomes: readonly PaymentOutcome[]
}

export function trafficSummaries(traffic: readonly TrafficCounts[]): RunSummary['traffic'] {
  return traffic.map(({ id, kind, sent, succeeded, failed, successRate, outcomes }) => ({
    id,
    kind: kind ?? 'traffic',
    sent,
    succeeded,
    failed,
    successRate,
    latencyMs: latencySummary(outcomes.filter((o) => o.status === 'succeeded').map((o) => o.latencyMs)),
  }))
}

export async function chainSummary(net: NetworkView, stats: RunStats): Promise<RunSummary['chain']> {
  let height: number | null = null
  try {
    height = (await net.chain.info()).height
  } catch (err) {
    net.log(`could not read the chain height: ${errorMessage(err)}`)
  }
  return { height, blocksMined: stats.blocks, transactionsMined: stats.transactions }
}

export function expectationTotals(verdicts: Verdict[]): RunSummary['expectations'] {
  const passed = verdicts.filter((v) => v.ok).length
  return { total: verdicts.length, passed, failed: verdicts.length - passed, verdicts }
}

/** A summary with nothing in it yet: what a run that never started reports. */
export function emptySummary(
  scenario: { name: string; seed: string },
  startedAt: number,
  status: RunStatus,
  exitCode: number,
  error: RunSummary['error'],
): RunSummary {
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    status,
    exitCode,
    error,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Date.now() - startedAt,
    bringUpMs: null,
    payments: paymentTotals([]),
    nodes: [],
    channels: [],
    chain: { height: null, blocksMined: 0, transactionsMined: 0 },
    traffic: [],
    expectations: expectationTotals([]),
    dir: null,
  }
}
