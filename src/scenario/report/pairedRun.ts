/**
 * The report of a paired run: each variant's summary, one row per variant
 * with what a jamming study compares (honest payments' success rate and
 * latency, each node's revenue, the attackers' cost), and the verdicts of the
 * scenario's `compare` checks.
 */
import type { Msat } from '../../core/amount.js'
import type { Verdict } from '../network/observer.js'
import type { CompareMetric, Comparison } from '../file/variants.js'
import { expectationTotals, type RunStatus, type RunSummary } from './report.js'

export interface VariantRow {
  variant: string
  status: RunStatus
  honestPayments: number
  honestSucceeded: number
  /** percent, 0..100; null when no honest payment was made */
  honestSuccessRate: number | null
  honestLatencyP50Ms: number | null
  /** fees earned per node */
  revenueMsat: Record<string, Msat>
  /** the nodes that attacked in any variant (a jam step's attacker) */
  attackers: string[]
  /** their routing fees paid plus on-chain fees */
  attackerCostMsat: Msat
  /** capital their offered HTLCs locked, msat × s */
  attackerLockedMsatSeconds: bigint
  jamHtlcsSent: number
  jamHtlcsHeld: number
}

export interface PairedSummary {
  scenario: string
  seed: string
  status: RunStatus
  exitCode: number
  variants: RunSummary[]
  table: VariantRow[]
  comparisons: { total: number; passed: number; failed: number; verdicts: Verdict[] }
}

/** Every node that attacked in any of the runs. */
export function attackersOf(runs: readonly RunSummary[]): string[] {
  return [...new Set(runs.flatMap((r) => (r.jams ?? []).map((j) => j.attacker)))].sort()
}

export function variantRow(summary: RunSummary, attackers: readonly string[]): VariantRow {
  const ledger = summary.ledger ?? []
  const of = (name: string) => ledger.find((l) => l.name === name)
  const p = summary.payments
  return {
    variant: summary.variant ?? summary.scenario,
    status: summary.status,
    honestPayments: p.sent,
    honestSucceeded: p.succeeded,
    honestSuccessRate: p.sent === 0 ? null : (100 * p.succeeded) / p.sent,
    honestLatencyP50Ms: p.latencyMs?.p50 ?? null,
    revenueMsat: Object.fromEntries(ledger.map((l) => [l.name, l.feesEarnedMsat])),
    attackers: [...attackers],
    attackerCostMsat: attackers.reduce(
      (sum, a) => sum + (of(a)?.feesPaidMsat ?? 0n) + (of(a)?.onchainFeesSat ?? 0n) * 1000n,
      0n,
    ),
    attackerLockedMsatSeconds: attackers.reduce((sum, a) => sum + (of(a)?.lockedMsatSeconds ?? 0n), 0n),
    jamHtlcsSent: (summary.jams ?? []).reduce((s, j) => s + j.sent, 0),
    jamHtlcsHeld: (summary.jams ?? []).reduce((s, j) => s + j.held, 0),
  }
}

/** A metric of one run, as a number; null when the run has none (no honest payment, a run that did not start). */
export function metricOf(
  summary: RunSummary,
  metric: CompareMetric,
  node: string | undefined,
  attackers: readonly string[],
): number | null {
  if (summary.ledger === undefined) return null
  const row = variantRow(summary, attackers)
  const l = summary.ledger.find((x) => x.name === node)
  switch (metric) {
    case 'honestSuccessRate':
      return row.honestSuccessRate
    case 'honestLatencyP50Ms':
      return row.honestLatencyP50Ms
    case 'attackerCostMsat':
      return Number(row.attackerCostMsat)
    case 'revenueMsat':
      return l ? Number(l.feesEarnedMsat) : null
    case 'feesPaidMsat':
      return l ? Number(l.feesPaidMsat) : null
    case 'lockedMsatSeconds':
      return l ? Number(l.lockedMsatSeconds) : null
    case 'htlcsHeld':
      return l ? l.htlcsHeld : null
  }
}

function shown(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(1)
}

/** The verdict of one `compare` check, named as JUnit shows it. */
export function compareVerdict(
  c: Comparison,
  runs: ReadonlyMap<string, RunSummary>,
  attackers: readonly string[],
  source: string,
): Verdict {
  const other = (c.atLeastPercentOf ?? c.atMostPercentOf)!
  const atLeast = c.atLeastPercentOf !== undefined
  const what = `${c.metric}${c.node ? ` of ${c.node}` : ''}`
  const name = `${what} in ${c.variant} is at ${atLeast ? 'least' : 'most'} ${c.percent}% of ${other}'s`
  const a = runs.get(c.variant)
  const b = runs.get(other)
  const x = a ? metricOf(a, c.metric, c.node, attackers) : null
  const y = b ? metricOf(b, c.metric, c.node, attackers) : null
  if (x === null || y === null)
    return { name, ok: false, detail: `no ${what} in ${x === null ? c.variant : other} (did it run?)`, source }
  const bound = (y * c.percent) / 100
  const ok = atLeast ? x >= bound : x <= bound
  const ratio = y === 0 ? (x === 0 ? 'the same' : 'above 0') : `${((100 * x) / y).toFixed(1)}%`
  return { name, ok, detail: `${c.variant} ${shown(x)}, ${other} ${shown(y)} (${ratio})`, source }
}

export function pairedSummary(
  scenario: { name: string; seed: string; compare: readonly Comparison[] },
  runs: readonly RunSummary[],
): PairedSummary {
  const attackers = attackersOf(runs)
  const byName = new Map(runs.map((r) => [r.variant ?? r.scenario, r]))
  const verdicts = scenario.compare.map((c, i) => compareVerdict(c, byName, attackers, `compare[${i}]`))
  const exitCode = Math.max(0, ...runs.map((r) => r.exitCode), verdicts.every((v) => v.ok) ? 0 : 1)
  const interrupted = runs.some((r) => r.status === 'interrupted')
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    status: interrupted
      ? 'interrupted'
      : exitCode === 0
        ? 'passed'
        : runs.every((r) => r.exitCode < 2)
          ? 'failed'
          : 'invalid',
    exitCode: interrupted ? 130 : exitCode,
    variants: [...runs],
    table: runs.map((r) => variantRow(r, attackers)),
    comparisons: expectationTotals(verdicts),
  }
}

/**
 * The summaries JUnit shows for a paired run: one suite per variant, and one for the comparisons (named
 * `SCENARIO [compare]`).
 */
export function junitSummaries(paired: PairedSummary): RunSummary[] {
  const first = paired.variants[0]
  if (!first) return []
  const { variant: _variant, ...base } = first
  const comparisons: RunSummary = {
    ...base,
    scenario: `${paired.scenario} [compare]`,
    status: paired.comparisons.failed === 0 ? 'passed' : 'failed',
    exitCode: paired.comparisons.failed === 0 ? 0 : 1,
    error: null,
    durationMs: 0,
    expectations: paired.comparisons,
  }
  return [...paired.variants, comparisons]
}
