/**
 * A paired run's variants side by side, as text: honest payments' success rate
 * and latency, each node's revenue, the attackers' cost and the jams, then the
 * verdicts of the comparisons. It reads the paired summary by shape (what
 * src/scenario's PairedSummary holds).
 */
import { formatMs, formatMsatAsSat, table } from './format.js'

export interface PairedInput {
  scenario: string
  status: string
  exitCode: number
  table: {
    variant: string
    status: string
    honestPayments: number
    honestSucceeded: number
    honestSuccessRate: number | null
    honestLatencyP50Ms: number | null
    revenueMsat: Record<string, bigint>
    attackers: string[]
    attackerCostMsat: bigint
    attackerLockedMsatSeconds: bigint
    jamHtlcsSent: number
    jamHtlcsHeld: number
  }[]
  comparisons: { total: number; passed: number; verdicts: { name: string; ok: boolean; detail: string }[] }
}

export function renderPairedTable(p: PairedInput): string {
  const rows = p.table
  const earners = [...new Set(rows.flatMap((r) => Object.keys(r.revenueMsat)))].filter((n) =>
    rows.some((r) => (r.revenueMsat[n] ?? 0n) > 0n),
  )
  const attackers = rows[0]?.attackers ?? []
  const out = ['', `── ${p.scenario} ─ variants side by side ──`]
  out.push(
    ...table(
      [
        [
          'variant',
          'honest ok',
          'rate',
          'p50',
          ...earners.map((n) => `${n} revenue`),
          ...(attackers.length ? ['attacker cost', 'attacker locked sat·s', 'jam HTLCs', 'held'] : []),
          'result',
        ],
        ...rows.map((r) => [
          r.variant,
          `${r.honestSucceeded}/${r.honestPayments}`,
          r.honestSuccessRate === null ? '–' : `${r.honestSuccessRate.toFixed(1)}%`,
          r.honestLatencyP50Ms === null ? '–' : formatMs(r.honestLatencyP50Ms),
          ...earners.map((n) => formatMsatAsSat(r.revenueMsat[n] ?? 0n)),
          ...(attackers.length
            ? [
                formatMsatAsSat(r.attackerCostMsat),
                (r.attackerLockedMsatSeconds / 1000n).toLocaleString('en-US'),
                String(r.jamHtlcsSent),
                String(r.jamHtlcsHeld),
              ]
            : []),
          r.status,
        ]),
      ],
      [
        1,
        2,
        3,
        ...earners.map((_, i) => 4 + i),
        ...(attackers.length ? [4 + earners.length, 5 + earners.length, 6 + earners.length, 7 + earners.length] : []),
      ],
    ),
  )
  if (attackers.length) out.push(`attackers: ${attackers.join(', ')} (cost: routing fees paid plus on-chain fees)`)
  const c = p.comparisons
  if (c.total > 0) {
    out.push('', `comparisons: ${c.passed} of ${c.total} hold`)
    for (const v of c.verdicts) out.push(`  ${v.ok ? '✓' : '✗'} ${v.name}\n      ${v.detail}`)
  }
  out.push(`result: ${p.status.toUpperCase()} (exit ${p.exitCode})`)
  return out.join('\n')
}
