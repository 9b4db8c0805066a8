/**
 * The end-of-run summary as text: payments with latency percentiles, fees
 * per node, final channel balances, the chain, traffic, and every
 * expectation's verdict. It reads a run's summary by shape (what
 * src/scenario's RunSummary holds), so the view needs no runner code.
 */
import { formatMs, formatMsatAsSat, formatSat, table } from './format.js'

export interface SummaryInput {
  scenario: string
  seed: string
  status: string
  exitCode: number
  error: { code: string; message: string } | null
  durationMs: number
  bringUpMs: number | null
  payments: {
    sent: number
    succeeded: number
    failed: number
    latencyMs: { p50: number; p95: number; p99: number; max: number } | null
    feesMsat: bigint
    failures: Record<string, number>
    /** absent in reports of older versions */
    split?: number
    keysend?: number
  }
  nodes: {
    name: string
    feesPaidMsat: bigint
    feesEarnedMsat: bigint
    forwards: number
    paymentsSent: number
    paymentsReceived: number
  }[]
  channels: {
    name: string
    from: string
    to: string
    capacitySat: bigint
    state: string
    fromMsat: bigint | null
    toMsat: bigint | null
  }[]
  chain: { height: number | null; blocksMined: number; transactionsMined: number }
  traffic: {
    id: string | null
    kind?: 'traffic' | 'activity'
    sent: number
    succeeded: number
    failed: number
    successRate: number
    latencyMs?: { p50: number; p95: number } | null
  }[]
  /** a paired run's variant */
  variant?: string
  jams?: {
    id: string | null
    attacker: string
    colluder: string
    mode: string
    targets: string[]
    sent: number
    held: number
    failures: Record<string, number>
  }[]
  ledger?: LedgerInput[]
  expectations: {
    total: number
    passed: number
    failed: number
    verdicts: { name: string; ok: boolean; detail: string }[]
  }
  dir: string | null
}

export interface LedgerInput {
  name: string
  feesPaidMsat: bigint
  feesEarnedMsat: bigint
  onchainFeesSat: bigint
  htlcsOffered: number
  htlcsFailed: number
  htlcsHeld: number
  peakHtlcsInFlight: number
  lockedMsatSeconds: bigint
  lockedMsatBlocks: bigint
}

/** The cost ledger as a table: one row per node. */
export function ledgerTable(ledger: readonly LedgerInput[]): string[] {
  return table(
    [
      ['node', 'fees paid', 'fees earned', 'on-chain fees', 'HTLCs out', 'failed', 'held', 'peak', 'locked sat·s'],
      ...ledger.map((l) => [
        l.name,
        formatMsatAsSat(l.feesPaidMsat),
        formatMsatAsSat(l.feesEarnedMsat),
        formatSat(l.onchainFeesSat),
        String(l.htlcsOffered),
        String(l.htlcsFailed),
        String(l.htlcsHeld),
        String(l.peakHtlcsInFlight),
        (l.lockedMsatSeconds / 1000n).toLocaleString('en-US'),
      ]),
    ],
    [1, 2, 3, 4, 5, 6, 7, 8],
  )
}

const STATUS_TEXT: Record<string, string> = {
  passed: 'PASSED',
  failed: 'FAILED',
  'not-started': 'NETWORK DID NOT START',
  invalid: 'INVALID SCENARIO',
  interrupted: 'INTERRUPTED',
  'timed-out': 'TIMED OUT',
}

export function renderSummary(s: SummaryInput, options: { color?: boolean } = {}): string {
  const paint = (code: number, text: string): string => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text)
  const title = s.variant !== undefined ? `${s.scenario} [${s.variant}]` : s.scenario
  const out: string[] = ['', paint(1, `── ${title} ─ summary ──`)]
  const p = s.payments
  const latency = p.latencyMs
    ? `  latency p50 ${formatMs(p.latencyMs.p50)}  p95 ${formatMs(p.latencyMs.p95)}  p99 ${formatMs(p.latencyMs.p99)}`
    : ''
  out.push(
    `payments: ${p.sent} sent, ${p.succeeded} succeeded, ${p.failed} failed${latency}  ` +
      `fees ${formatMsatAsSat(p.feesMsat)}`,
  )
  const kinds = [...(p.split ? [`${p.split} split into parts`] : []), ...(p.keysend ? [`${p.keysend} by keysend`] : [])]
  if (kinds.length) out.push(`  ${kinds.join(', ')}`)
  const failures = Object.entries(p.failures)
  if (failures.length) out.push(`  failures: ${failures.map(([code, n]) => `${code} ×${n}`).join(', ')}`)
  for (const t of s.traffic)
    out.push(
      `${trafficName(t)}: ${t.succeeded}/${t.sent} succeeded (${t.successRate.toFixed(1)}%)` +
        (t.latencyMs ? `  latency p50 ${formatMs(t.latencyMs.p50)}  p95 ${formatMs(t.latencyMs.p95)}` : ''),
    )
  for (const j of s.jams ?? []) {
    const failed = Object.entries(j.failures)
    out.push(
      `jam${j.id ? ` ${j.id}` : ''} (${j.mode}, ${j.attacker} → ${j.colluder} across ${j.targets.join(', ')}): ` +
        `${j.sent} HTLC(s) sent, ${j.held} held` +
        (failed.length ? `, failed: ${failed.map(([c, n]) => `${c} ×${n}`).join(', ')}` : ''),
    )
  }

  if (s.nodes.length) {
    out.push('')
    out.push(
      ...table(
        [
          ['node', 'sent', 'received', 'forwarded', 'fees paid', 'fees earned'],
          ...s.nodes.map((n) => [
            n.name,
            String(n.paymentsSent),
            String(n.paymentsReceived),
            String(n.forwards),
            formatMsatAsSat(n.feesPaidMsat),
            formatMsatAsSat(n.feesEarnedMsat),
          ]),
        ],
        [1, 2, 3, 4, 5],
      ),
    )
  }
  if (s.ledger?.length) {
    out.push('')
    out.push('cost ledger (HTLCs a node offered; locked: amount × time in flight)')
    out.push(...ledgerTable(s.ledger))
  }
  if (s.channels.length) {
    out.push('')
    const side = (name: string, msat: bigint | null): string =>
      msat === null ? `${name} ?` : `${name} ${formatMsatAsSat(msat)}`
    out.push(
      ...table(
        [
          ['channel', 'capacity', 'balance (funder)', 'balance (other end)', 'state'],
          ...s.channels.map((c) => [
            c.name,
            formatSat(c.capacitySat),
            side(c.from, c.fromMsat),
            side(c.to, c.toMsat),
            c.state,
          ]),
        ],
        [1],
      ),
    )
  }
  out.push('')
  out.push(
    `chain: ${s.chain.transactionsMined} transaction(s) mined in ${s.chain.blocksMined} ` +
      `block(s)${s.chain.height !== null ? `, height ${s.chain.height}` : ''}`,
  )
  out.push(
    `time: ${formatMs(s.durationMs)}${s.bringUpMs !== null ? ` (network up in ${formatMs(s.bringUpMs)})` : ''}; ` +
      `seed ${JSON.stringify(s.seed)}`,
  )

  const e = s.expectations
  out.push('')
  out.push(paint(1, `expectations: ${e.passed} of ${e.total} hold`))
  for (const v of e.verdicts)
    out.push(`  ${v.ok ? paint(32, '✓') : paint(31, '✗')} ${v.name}${v.ok ? '' : `\n      ${v.detail}`}`)
  if (s.error) out.push(paint(31, `error: ${s.error.code}: ${s.error.message}`))
  if (s.dir) out.push(`kept: ${s.dir} (data directories, logs/, run.json)`)
  out.push(paint(s.exitCode === 0 ? 32 : 31, `result: ${STATUS_TEXT[s.status] ?? s.status} (exit ${s.exitCode})`))
  return out.join('\n') + '\n'
}

/** A traffic step's line starts "traffic ID"; an activity's id already says what it is ("simln activity[0] a→b"). */
function trafficName(t: SummaryInput['traffic'][number]): string {
  return t.kind === 'activity' ? (t.id ?? 'activity') : `traffic${t.id ? ` ${t.id}` : ''}`
}
