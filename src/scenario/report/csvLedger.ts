/**
 * One CSV row per node and run: its cost ledger (report/ledger.ts). A paired
 * run's variants each have their rows, named in the `variant` column, so one
 * file compares them.
 */
import { csvField } from './csvPayments.js'
import type { RunSummary } from './report.js'

export const LEDGER_CSV_COLUMNS = [
  'run_id',
  'scenario',
  'variant',
  'node',
  'fees_paid_msat',
  'fees_earned_msat',
  'onchain_fees_sat',
  'htlcs_offered',
  'htlcs_settled',
  'htlcs_failed',
  'htlcs_held',
  'peak_htlcs_in_flight',
  'locked_msat_seconds',
  'locked_msat_blocks',
] as const

export function renderLedgerCsv(runs: readonly RunSummary[]): string {
  const rows = runs.flatMap((r) =>
    (r.ledger ?? []).map((l) =>
      [
        r.run?.runId ?? '',
        r.scenario,
        r.variant ?? '',
        l.name,
        l.feesPaidMsat,
        l.feesEarnedMsat,
        l.onchainFeesSat,
        l.htlcsOffered,
        l.htlcsSettled,
        l.htlcsFailed,
        l.htlcsHeld,
        l.peakHtlcsInFlight,
        l.lockedMsatSeconds,
        l.lockedMsatBlocks,
      ]
        .map((v) => csvField(String(v)))
        .join(','),
    ),
  )
  return [LEDGER_CSV_COLUMNS.join(','), ...rows].join('\n') + '\n'
}
