/**
 * Running something on a network from start to verdict: launch it, hand it to
 * a body (the YAML steps, or a TypeScript scenario's `run`), collect verdicts,
 * read the final state for the summary, and stop every process whatever
 * happened. Exit codes: 0 every expectation holds, 1 one does not (or a step
 * could not be carried out), 2 the network could not start, 130 interrupted.
 */
import { LnsimError, errorMessage } from '../../core/errors.js'
import { SeededRng } from '../../core/rng.js'
import { Expectation } from '../file/schema.js'
import { evaluateExpectation, type StepRecords } from './expectations.js'
import { formatPath } from '../file/load.js'
import { launch, type LaunchOptions, type Network } from '../network/network.js'
import type { NetworkSpec } from '../network/networkSpec.js'
import type { NetworkObserver, Verdict } from '../network/observer.js'
import {
  RunStats,
  chainSummary,
  channelSummaries,
  emptySummary,
  expectationTotals,
  nodeSummaries,
  paymentTotals,
  trafficSummaries,
  type RunStatus,
  type RunSummary,
} from '../report/report.js'
import { CostLedger } from '../report/ledger.js'
import { runTraffic, type TrafficResult, type TrafficSpec } from './traffic.js'
import { runActivity } from './activityRunner.js'
import type { ActivitySpec } from '../activity/activitySpec.js'
import type { JamStep } from '../file/jamStep.js'
import { runJam, type JamResult } from './jam.js'

export const EXIT_PASSED = 0
export const EXIT_FAILED = 1
export const EXIT_INVALID = 2
export const EXIT_INTERRUPTED = 130

/** What a scenario body gets besides the network: verdicts, seeded randomness, traffic, the run's signal. */
export interface RunContext {
  readonly signal: AbortSignal
  /** seeded by the scenario's seed: the same run draws the same numbers */
  readonly rng: SeededRng
  /** what payments and traffic steps produced, by id */
  readonly records: StepRecords
  /** Records a verdict of your own. */
  expect(name: string, ok: boolean, detail?: string): Verdict
  /** Records a verdict made elsewhere (a step's expectation). */
  record(verdict: Verdict): Verdict
  /**
   * Evaluates an expectation written as in a scenario file (`{ balance: { node: 'bob', onchainSat: '>= 1' } }`), once
   * no HTLC is in flight, and records its verdict.
   */
  check(expectation: Record<string, unknown> | Expectation, source?: string): Promise<Verdict>
  /** Sends traffic as a traffic step would; its result is kept for the summary. */
  traffic(spec: TrafficSpec): Promise<TrafficResult>
  /** Runs a jam step (an attack); its result is kept for the summary. */
  jam(step: JamStep): Promise<JamResult>
  /** Runs a SimLN activity file's payments; each activity's result is kept for the summary. */
  activity(spec: ActivitySpec): Promise<TrafficResult[]>
  /**
   * Marks the run failed because something could not be done (not an expectation that failed); `where` names it,
   * `source` points at it.
   */
  fail(err: unknown, where: string, source?: string): void
  /** Shows a step in the live view while fn runs. */
  step<T>(label: string, fn: () => Promise<T>, position?: { index: number; total: number }): Promise<T>
}

export type RunBody = (net: Network, ctx: RunContext) => Promise<void>

export interface RunOptions extends LaunchOptions {
  observer?: NetworkObserver
}

function parseExpectation(input: Record<string, unknown> | Expectation): Expectation {
  if (typeof input.kind === 'string') return input as Expectation
  const r = Expectation.safeParse(input)
  if (r.success) return r.data
  const i = r.error.issues[0]!
  throw new LnsimError(
    'INVALID_EXPECTATION',
    `invalid expectation: ${formatPath(i.path) || 'expectation'}: ${i.message}`,
  )
}

export async function runNetwork(spec: NetworkSpec, body: RunBody, options: RunOptions = {}): Promise<RunSummary> {
  const startedAt = Date.now()
  const stats = new RunStats()
  const ledger = new CostLedger()
  const outer = options.observer ?? {}
  const observer: NetworkObserver = {
    ...outer,
    event: (e) => {
      stats.onEvent(e)
      ledger.onEvent(e)
      outer.event?.(e)
    },
  }
  const signal = options.signal ?? new AbortController().signal
  const verdicts: Verdict[] = []
  const traffic: (TrafficResult & { kind?: 'traffic' | 'activity' })[] = []
  const jams: JamResult[] = []
  let error: RunSummary['error'] = null
  const finish = (status: RunStatus, exitCode: number, extra: Partial<RunSummary> = {}): RunSummary => ({
    ...emptySummary(spec, startedAt, status, exitCode, error),
    chain: { height: null, blocksMined: stats.blocks, transactionsMined: stats.transactions },
    traffic: trafficSummaries(traffic),
    jams,
    expectations: expectationTotals(verdicts),
    ...extra,
  })

  let net: Network
  try {
    net = await launch(spec, { ...options, observer })
  } catch (err) {
    if (signal.aborted) return finish('interrupted', EXIT_INTERRUPTED)
    error = { code: err instanceof LnsimError ? err.code : 'NETWORK_START_FAILED', message: errorMessage(err) }
    return finish('not-started', EXIT_INVALID)
  }
  const bringUpMs = Date.now() - startedAt

  const record = (v: Verdict): Verdict => {
    verdicts.push(v)
    observer.verdict?.(v)
    return v
  }
  const rng = new SeededRng(spec.seed)
  const records: StepRecords = { payments: new Map(), traffic: new Map() }
  const ctx: RunContext = {
    signal,
    rng,
    records,
    expect: (name, ok, detail = ok ? 'holds' : 'does not hold') => record({ name, ok, detail, source: 'script' }),
    record,
    check: async (input, source = 'script') => {
      const e = parseExpectation(input)
      // a balance read the moment a payment returns can be a commitment behind on the payee's side
      if (e.kind !== 'payment' && e.kind !== 'traffic') await net.settle(undefined, signal)
      return record(await evaluateExpectation(net, e, records, source))
    },
    traffic: async (t) => {
      const r = await runTraffic(net, t, rng.fork(`traffic/${t.id ?? traffic.length}`), signal)
      traffic.push(r)
      if (t.id !== undefined) records.traffic.set(t.id, r)
      return r
    },
    jam: async (step) => {
      const r = await runJam(net, step, signal)
      jams.push(r)
      return r
    },
    activity: async (a) => {
      const results = await runActivity(net, a, rng.fork('simln'), signal)
      for (const r of results) traffic.push({ ...r, kind: 'activity' })
      return results
    },
    fail: (err, where, source = 'script') => {
      error ??= { code: err instanceof LnsimError ? err.code : 'ERROR', message: `${where}: ${errorMessage(err)}` }
      record({ name: where, ok: false, detail: errorMessage(err), source })
    },
    step: async (label, fn, position = { index: 0, total: 0 }) => {
      const t0 = Date.now()
      observer.step?.({ ...position, label, status: 'started' })
      try {
        const r = await fn()
        observer.step?.({ ...position, label, status: 'done', durationMs: Date.now() - t0 })
        return r
      } catch (err) {
        observer.step?.({
          ...position,
          label,
          status: 'failed',
          detail: errorMessage(err),
          durationMs: Date.now() - t0,
        })
        throw err
      }
    },
  }

  let status: RunStatus | undefined
  try {
    try {
      await body(net, ctx)
    } catch (err) {
      if (signal.aborted) status = 'interrupted'
      else ctx.fail(err, 'the scenario ran to its end', 'run')
    }
    if (!status) await net.settle(undefined, signal)
    if (signal.aborted) status = 'interrupted'
    const [channels, chain, ledgers] = status
      ? [[], undefined, []]
      : await Promise.all([
          channelSummaries(net),
          chainSummary(net, stats),
          ledger.ledgers(
            net.nodes.map((n) => n.name),
            {
              channels: net.channels,
              transactionFeeSat: async (txid) => (await net.chain.getTransaction(txid)).feeSat,
            },
          ),
        ])
    const passed = error === null && verdicts.every((v) => v.ok)
    status ??= passed ? 'passed' : 'failed'
    return finish(status, status === 'interrupted' ? EXIT_INTERRUPTED : passed ? EXIT_PASSED : EXIT_FAILED, {
      bringUpMs,
      payments: paymentTotals(net.payments),
      nodes: nodeSummaries(
        net.nodes.map((n) => n.name),
        net.payments,
        stats,
      ),
      channels,
      ledger: ledgers,
      ...(chain ? { chain } : {}),
      dir: options.keep ? net.dir : null,
    })
  } finally {
    await net.stop()
  }
}
