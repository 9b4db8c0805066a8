/**
 * Pictures of a run, drawn from its events (live, as `lnsim run --plots DIR` sees them, or from the file
 * `--events` wrote, as `lnsim plot` reads it): how long payments took, how many succeeded and how fast they went
 * over time, and each channel's balance over time. Only what the charts need is kept, so a long run's plots cost
 * a few numbers per payment and per balance change, not its whole event stream.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { escapeSvg, renderBarChart, renderLineChart, type LineSeries } from './svgChart.js'

/** Bins of the latency histogram. */
export const LATENCY_BINS = 20
/** Time buckets the success rate and throughput are counted in, across the run. */
export const TIME_BUCKETS = 30
/** Channels drawn in the balances chart; the busiest (most balance changes) are kept. */
export const MAX_BALANCE_SERIES = 12

interface Payment {
  time: number
  ok: boolean
  latencyMs: number
}

interface ChannelName {
  name: string
  from: string
}

export interface RunInfo {
  runId: string | null
  scenario: string | null
  seed: string | null
  lnsimVersion: string | null
}

export const PLOT_FILES = ['latency.svg', 'success-rate.svg', 'throughput.svg', 'balances.svg', 'index.html'] as const

/** What a run's charts are drawn from; `add` takes events as objects, amounts as bigint or decimal strings. */
export class RunPlotData {
  private readonly payments: Payment[] = []
  /** channel id → alias → [time, local sat] */
  private readonly balances = new Map<string, Map<string, [number, number][]>>()
  private readonly names = new Map<string, ChannelName>()
  private first = Infinity
  private last = -Infinity
  info: RunInfo = { runId: null, scenario: null, seed: null, lnsimVersion: null }

  get paymentCount(): number {
    return this.payments.length
  }

  get channelCount(): number {
    return this.balances.size
  }

  add(event: unknown): void {
    if (!event || typeof event !== 'object') return
    const e = event as Record<string, unknown>
    const time = typeof e.time === 'number' ? e.time : NaN
    if (Number.isFinite(time) && e.type !== 'run_channels') {
      this.first = Math.min(this.first, time)
      this.last = Math.max(this.last, time)
    }
    switch (e.type) {
      case 'run_started':
        this.info = {
          runId: str(e.runId),
          scenario: str(e.scenario),
          seed: str(e.seed),
          lnsimVersion: str(e.lnsimVersion),
        }
        return
      case 'run_channels':
        for (const c of Array.isArray(e.channels) ? (e.channels as Record<string, unknown>[]) : []) {
          const id = str(c.channelId)
          const name = str(c.name)
          if (id && name) this.names.set(id, { name, from: str(c.from) ?? '' })
        }
        return
      case 'payment_sent':
      case 'payment_failed':
        if (Number.isFinite(time) && typeof e.latencyMs === 'number')
          this.payments.push({ time, ok: e.type === 'payment_sent', latencyMs: e.latencyMs })
        return
      case 'channel_balance': {
        const id = str(e.channelId)
        const alias = str(e.alias)
        const local = msatToSat(e.localMsat)
        if (!id || !alias || local === null || !Number.isFinite(time)) return
        let byAlias = this.balances.get(id)
        if (!byAlias) this.balances.set(id, (byAlias = new Map()))
        let points = byAlias.get(alias)
        if (!points) byAlias.set(alias, (points = []))
        points.push([time, local])
        return
      }
      default:
        return
    }
  }

  private seconds(time: number): number {
    return (time - this.first) / 1000
  }

  latencySvg(): string {
    const ok = this.payments.filter((p) => p.ok).map((p) => p.latencyMs)
    const max = ok.length ? Math.max(...ok) : 0
    const width = max > 0 ? max / LATENCY_BINS : 1
    const bins = ok.length
      ? Array.from({ length: LATENCY_BINS }, (_, i) => ({ from: i * width, to: (i + 1) * width, count: 0 }))
      : []
    for (const v of ok) bins[Math.min(LATENCY_BINS - 1, Math.floor(v / width))]!.count++
    return renderBarChart(
      'latency',
      { title: `Latency of ${ok.length} successful payment(s)`, xLabel: 'latency (ms)', yLabel: 'payments', bins },
      'no payment succeeded',
    )
  }

  /** Payments counted in TIME_BUCKETS equal spans of the run, by when their outcome was known. */
  private buckets(): { at: number; ok: number; all: number; span: number }[] {
    if (this.payments.length === 0) return []
    const start = this.first
    const end = Math.max(this.last, start + 1)
    const span = (end - start) / TIME_BUCKETS
    const out = Array.from({ length: TIME_BUCKETS }, (_, i) => ({
      at: this.seconds(start + (i + 0.5) * span),
      ok: 0,
      all: 0,
      span: span / 1000,
    }))
    for (const p of this.payments) {
      const b = out[Math.min(TIME_BUCKETS - 1, Math.floor((p.time - start) / span))]!
      b.all++
      if (p.ok) b.ok++
    }
    return out
  }

  successRateSvg(): string {
    const points = this.buckets()
      .filter((b) => b.all > 0)
      .map((b) => [b.at, (100 * b.ok) / b.all] as const)
    const ok = this.payments.filter((p) => p.ok).length
    const overall = this.payments.length ? ((100 * ok) / this.payments.length).toFixed(1) : '0'
    return renderLineChart(
      'success-rate',
      {
        title: `Success rate over time (${ok}/${this.payments.length}, ${overall}%)`,
        xLabel: 'time since the run started (s)',
        yLabel: 'payments that succeeded (%)',
        series: [{ name: 'success rate', points }],
        yMax: 100,
      },
      'no payment was made',
    )
  }

  throughputSvg(): string {
    const b = this.buckets()
    return renderLineChart(
      'throughput',
      {
        title: 'Payments per second',
        xLabel: 'time since the run started (s)',
        yLabel: 'payments / s',
        series: [
          { name: 'all', points: b.map((x) => [x.at, x.all / x.span] as const) },
          { name: 'succeeded', points: b.map((x) => [x.at, x.ok / x.span] as const) },
        ],
      },
      'no payment was made',
    )
  }

  /** Each channel's balance on its funder's side (as the funder reported it; else as its first reporter did). */
  balancesSvg(): string {
    const series: (LineSeries & { changes: number })[] = []
    for (const [id, byAlias] of this.balances) {
      const known = this.names.get(id)
      const alias = known && byAlias.has(known.from) ? known.from : [...byAlias.keys()][0]!
      const points = byAlias.get(alias)!.map(([t, sat]) => [this.seconds(t), sat] as const)
      const name = `${known?.name ?? id.slice(0, 12)} (${alias})`
      series.push({ name, points, changes: points.length })
    }
    series.sort((a, b) => b.changes - a.changes || a.name.localeCompare(b.name))
    const shown = series.slice(0, MAX_BALANCE_SERIES)
    const more = series.length - shown.length
    return renderLineChart(
      'balances',
      {
        title: `Channel balances over time${more > 0 ? ` (the ${shown.length} busiest of ${series.length})` : ''}`,
        xLabel: 'time since the run started (s)',
        yLabel: 'local balance (sat)',
        series: shown,
        step: true,
      },
      'no channel balance changed',
    )
  }

  /** One page holding every chart inline: opens offline, from a file, with nothing else beside it. */
  html(charts: { latency: string; successRate: string; throughput: string; balances: string }): string {
    const i = this.info
    const facts = [
      ['scenario', i.scenario],
      ['seed', i.seed],
      ['run', i.runId],
      ['lnsim', i.lnsimVersion],
      ['payments', String(this.payments.length)],
    ]
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `<span><b>${escapeSvg(k!)}</b> ${escapeSvg(v!)}</span>`)
      .join(' ')
    return [
      '<!doctype html>',
      '<html lang="en"><head><meta charset="utf-8">',
      `<title>lnsim run${i.scenario ? ` ${escapeSvg(i.scenario)}` : ''}</title>`,
      '<style>body{font-family:sans-serif;margin:24px;color:#222}p span{margin-right:16px}' +
        'svg{display:block;margin:12px 0;max-width:100%;height:auto;border:1px solid #ddd}</style>',
      '</head><body>',
      `<h1>lnsim run${i.scenario ? `: ${escapeSvg(i.scenario)}` : ''}</h1>`,
      `<p>${facts}</p>`,
      charts.latency,
      charts.successRate,
      charts.throughput,
      charts.balances,
      '</body></html>',
      '',
    ].join('\n')
  }

  /** Writes the charts as SVG files and the page holding them all into `dir` (made if missing); their paths. */
  async write(dir: string): Promise<string[]> {
    await mkdir(dir, { recursive: true })
    const charts = {
      latency: this.latencySvg(),
      successRate: this.successRateSvg(),
      throughput: this.throughputSvg(),
      balances: this.balancesSvg(),
    }
    const contents = [charts.latency, charts.successRate, charts.throughput, charts.balances, this.html(charts)]
    const paths = PLOT_FILES.map((f) => join(dir, f))
    await Promise.all(paths.map((p, k) => writeFile(p, contents[k]!)))
    return paths
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null
}

function msatToSat(v: unknown): number | null {
  if (typeof v === 'bigint') return Number(v / 1000n)
  if (typeof v === 'string' && /^[0-9]+$/.test(v)) return Number(BigInt(v) / 1000n)
  if (typeof v === 'number' && Number.isFinite(v)) return Math.floor(v / 1000)
  return null
}
