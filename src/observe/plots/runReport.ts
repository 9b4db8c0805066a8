/**
 * The HTML report of a run (`lnsim run --html`, `lnsim report --html`): one file that opens offline, with the
 * run's metadata, its summary and every expectation's verdict, and the charts: latency per pay/traffic step,
 * success rate and payments per second over time, each channel's balance over time, fees earned and paid per
 * node, attempts per payment, and the route map of the busiest paths. It is built from events only (the runner's
 * `run_payment` and `run_summary` lines beside the nodes' own), so a live run and its events file read
 * afterwards give the same page.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { busiestPaths, renderRouteMap } from './routeMap.js'
import { LATENCY_BINS, RunPlotData } from './runPlots.js'
import { escapeSvg as esc, renderBarChart, renderCategoryChart } from './svgChart.js'

/** Steps given a latency chart of their own (the ones with most payments); the rest are counted in the table. */
export const MAX_STEP_CHARTS = 12

/** The charts a report holds, by their `data-chart` name (a latency chart per step adds `latency-<n>`). */
export const REPORT_CHARTS = ['success-rate', 'throughput', 'balances', 'fees', 'attempts', 'route-map'] as const

interface StepPayments {
  label: string
  latencies: number[]
  failed: number
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const msat = (v: unknown): bigint => {
  if (typeof v === 'bigint') return v
  if (typeof v === 'string' && /^[0-9]+$/.test(v)) return BigInt(v)
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v)
  return 0n
}
const sat = (v: bigint): number => Number(v) / 1000

export class RunReport {
  readonly plots = new RunPlotData()
  private readonly steps = new Map<string, StepPayments>()
  private readonly routes: string[][] = []
  private readonly feesPaid = new Map<string, bigint>()
  private readonly feesEarned = new Map<string, bigint>()
  private readonly attempts = new Map<number, number>()
  private summary: Record<string, unknown> | null = null

  add(event: unknown): void {
    this.plots.add(event)
    if (!event || typeof event !== 'object') return
    const e = event as Record<string, unknown>
    const alias = str(e.alias) ?? ''
    switch (e.type) {
      case 'run_payment': {
        const source = str(e.source)
        if (source !== 'pay' && source !== 'traffic') return
        const label = `${source} ${str(e.step) ?? '(no id)'}`
        const step = this.steps.get(label) ?? { label, latencies: [], failed: 0 }
        this.steps.set(label, step)
        if (e.status === 'succeeded' && typeof e.latencyMs === 'number') step.latencies.push(e.latencyMs)
        else step.failed++
        if (e.status === 'succeeded' && Array.isArray(e.route)) this.routes.push(e.route.map(String))
        return
      }
      case 'run_summary':
        if (e.summary && typeof e.summary === 'object') this.summary = e.summary as Record<string, unknown>
        return
      case 'payment_sent':
      case 'payment_failed':
        if (typeof e.attempts === 'number') this.attempts.set(e.attempts, (this.attempts.get(e.attempts) ?? 0) + 1)
        if (e.type === 'payment_sent') this.feesPaid.set(alias, (this.feesPaid.get(alias) ?? 0n) + msat(e.feeMsat))
        return
      case 'htlc_forwarded':
        if (e.status === 'settled') this.feesEarned.set(alias, (this.feesEarned.get(alias) ?? 0n) + msat(e.feeMsat))
        return
      default:
        return
    }
  }

  /** One latency histogram per pay/traffic step, the busiest MAX_STEP_CHARTS of them. */
  stepLatencySvgs(): string[] {
    const steps = [...this.steps.values()].sort(
      (a, b) => b.latencies.length + b.failed - (a.latencies.length + a.failed) || a.label.localeCompare(b.label),
    )
    if (steps.length === 0) return [this.plots.latencySvg()]
    return steps.slice(0, MAX_STEP_CHARTS).map((s, i) => {
      const max = s.latencies.length ? Math.max(...s.latencies) : 0
      const width = max > 0 ? max / LATENCY_BINS : 1
      const bins = s.latencies.length
        ? Array.from({ length: LATENCY_BINS }, (_, k) => ({ from: k * width, to: (k + 1) * width, count: 0 }))
        : []
      for (const v of s.latencies) bins[Math.min(LATENCY_BINS - 1, Math.floor(v / width))]!.count++
      return renderBarChart(
        `latency-${i + 1}`,
        {
          title: `Latency of ${s.label}: ${s.latencies.length} succeeded, ${s.failed} failed`,
          xLabel: 'latency (ms)',
          yLabel: 'payments',
          bins,
        },
        `no payment of ${s.label} succeeded`,
      )
    })
  }

  feesSvg(): string {
    const nodes = [...new Set([...this.feesEarned.keys(), ...this.feesPaid.keys()])].sort()
    return renderCategoryChart(
      'fees',
      {
        title: 'Routing fees per node',
        xLabel: 'node',
        yLabel: 'fees (sat)',
        categories: nodes,
        series: [
          { name: 'earned', values: nodes.map((n) => sat(this.feesEarned.get(n) ?? 0n)) },
          { name: 'paid', values: nodes.map((n) => sat(this.feesPaid.get(n) ?? 0n)) },
        ],
      },
      'no fee was earned or paid',
    )
  }

  attemptsSvg(): string {
    const most = Math.max(0, ...this.attempts.keys())
    const counts = Array.from({ length: most }, (_, i) => this.attempts.get(i + 1) ?? 0)
    return renderCategoryChart(
      'attempts',
      {
        title: `Attempts per payment (${counts.reduce((a, b) => a + b, 0)} payment(s))`,
        xLabel: 'attempts (routes tried)',
        yLabel: 'payments',
        categories: counts.map((_, i) => String(i + 1)),
        series: [{ name: 'payments', values: counts }],
      },
      'no payment was made',
    )
  }

  routeMapSvg(): string {
    return renderRouteMap(busiestPaths(this.routes), this.routes.length)
  }

  html(): string {
    const i = this.plots.info
    const title = `lnsim report${i.scenario ? `: ${i.scenario}` : ''}`
    const charts = [
      ...this.stepLatencySvgs(),
      this.plots.successRateSvg(),
      this.plots.throughputSvg(),
      this.plots.balancesSvg(),
      this.feesSvg(),
      this.attemptsSvg(),
      this.routeMapSvg(),
    ]
    return [
      '<!doctype html>',
      '<html lang="en"><head><meta charset="utf-8">',
      `<title>${esc(title)}</title>`,
      `<style>${STYLE}</style>`,
      '</head><body>',
      `<h1>${esc(title)}</h1>`,
      this.metadataHtml(),
      this.summaryHtml(),
      '<h2>Charts</h2>',
      '<div class="charts">',
      ...charts,
      '</div>',
      '</body></html>',
      '',
    ].join('\n')
  }

  private metadataHtml(): string {
    const run = (this.summary?.run ?? {}) as Record<string, unknown>
    const i = this.plots.info
    const facts: [string, unknown][] = [
      ['scenario', i.scenario ?? this.summary?.scenario],
      ['seed', i.seed ?? this.summary?.seed],
      ['run', i.runId],
      ['lnsim', i.lnsimVersion],
      ['commit', run.gitCommit],
      ['nodes', run.nodes],
      ['channels', run.channels],
      ['lean nodes', run.lean],
      ['cores', run.cores],
      ['started', run.startedAt ?? this.summary?.startedAt],
    ]
    return (
      '<p class="meta">' +
      facts
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => `<span><b>${esc(k)}</b> ${esc(String(v))}</span>`)
        .join(' ') +
      '</p>'
    )
  }

  private summaryHtml(): string {
    const s = this.summary
    if (!s) return '<p id="summary">The events hold no summary (the run did not finish, or an older lnsim ran it).</p>'
    const p = (s.payments ?? {}) as Record<string, unknown>
    const lat = (p.latencyMs ?? null) as Record<string, number> | null
    const status = String(s.status)
    const rows: [string, string][] = [
      ['status', `${status} (exit ${String(s.exitCode)})`],
      ['duration', `${(Number(s.durationMs) / 1000).toFixed(1)} s`],
      ['payments', `${String(p.sent)} sent, ${String(p.succeeded)} succeeded, ${String(p.failed)} failed`],
      ['latency', lat ? `p50 ${lat.p50} ms, p95 ${lat.p95} ms, p99 ${lat.p99} ms, max ${lat.max} ms` : '—'],
      ['fees paid', `${sat(msat(p.feesMsat)).toLocaleString('en')} sat`],
    ]
    const err = s.error as { code?: string; message?: string } | null
    if (err) rows.push(['error', `${String(err.code)}: ${String(err.message)}`])
    const traffic = Array.isArray(s.traffic) ? (s.traffic as Record<string, unknown>[]) : []
    const exp = (s.expectations ?? {}) as Record<string, unknown>
    const verdicts = Array.isArray(exp.verdicts) ? (exp.verdicts as Record<string, unknown>[]) : []
    return [
      `<h2>Summary</h2><table id="summary" class="${status === 'passed' ? 'passed' : 'failed'}">`,
      ...rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`),
      '</table>',
      traffic.length
        ? '<h2>Traffic</h2><table id="traffic"><tr><th>step</th><th>sent</th><th>succeeded</th><th>failed</th>' +
          '<th>success rate</th><th>p50 ms</th><th>p95 ms</th></tr>' +
          traffic
            .map((t) => {
              const l = t.latencyMs as Record<string, number> | null
              return (
                `<tr><td>${esc(`${String(t.kind)} ${String(t.id ?? '')}`)}</td><td>${esc(String(t.sent))}</td>` +
                `<td>${esc(String(t.succeeded))}</td><td>${esc(String(t.failed))}</td>` +
                `<td>${Number(t.successRate).toFixed(1)}%</td><td>${l ? l.p50 : '—'}</td>` +
                `<td>${l ? l.p95 : '—'}</td></tr>`
              )
            })
            .join('') +
          '</table>'
        : '',
      `<h2>Expectations: ${String(exp.passed ?? 0)} of ${String(exp.total ?? 0)} held</h2>`,
      '<ul id="verdicts">',
      ...verdicts.map(
        (v) =>
          `<li class="${v.ok ? 'ok' : 'fail'}"><b>${v.ok ? '✔' : '✘'} ${esc(String(v.name))}</b> ` +
          `<span>${esc(String(v.detail))}</span> <small>${esc(String(v.source))}</small></li>`,
      ),
      '</ul>',
    ].join('\n')
  }

  /** Writes the page to `path` (its folder made if missing). */
  async write(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, this.html())
  }
}

const STYLE =
  'body{font-family:sans-serif;margin:24px;color:#222;max-width:1600px}.meta span{margin-right:16px}' +
  'table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}' +
  '#summary.passed th:first-child{border-left:4px solid #2ca02c}#summary.failed th:first-child' +
  '{border-left:4px solid #d62728}#verdicts{list-style:none;padding:0}#verdicts li{margin:4px 0}' +
  '.ok b{color:#2ca02c}.fail b{color:#d62728}.charts{display:flex;flex-wrap:wrap;gap:12px}' +
  'svg{max-width:100%;height:auto;border:1px solid #ddd}'
