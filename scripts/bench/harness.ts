/**
 * The benchmark harness: each file in scripts/bench/ exports `run(bench)` and
 * records figures through it. `npm run bench` runs them all in one process tree
 * and writes bench/results.json and bench/results.md.
 */
export interface Figure {
  section: string
  name: string
  value: number
  unit: string
  note?: string
  /** the lower bound this machine allows for the same work, measured in the same run */
  bound?: number
  /** how far the figure is from its bound: figure / bound, or bound / figure where more is better (≥ 1) */
  ratio?: number
}

export interface FigureOptions {
  note?: string
  bound?: number
  /** throughput-like figures: the ratio is bound / figure */
  moreIsBetter?: boolean
}

export interface Bench {
  figure(name: string, value: number, unit: string, options?: string | FigureOptions): void
  /** Runs fn repeatedly for about `ms` milliseconds (after a warm-up) and returns operations per second. */
  opsPerSecond(fn: () => void, ms?: number): number
  log(line: string): void
}

export interface BenchModule {
  title: string
  run(bench: Bench): Promise<void>
}

export function createBench(section: string, figures: Figure[]): Bench {
  return {
    figure(name, value, unit, options) {
      const { note, bound, moreIsBetter } = typeof options === 'string' ? { note: options } : (options ?? {})
      const f: Figure = { section, name, value, unit }
      if (note !== undefined) f.note = note
      if (bound !== undefined) {
        f.bound = bound
        f.ratio = moreIsBetter ? bound / value : value / bound
      }
      figures.push(f)
      const vs = f.ratio === undefined ? '' : `, bound ${formatValue(bound!)} ${unit}, ratio ${f.ratio.toFixed(1)}`
      process.stderr.write(`  ${name}: ${formatValue(value)} ${unit}${vs}${note ? ` (${note})` : ''}\n`)
    },
    opsPerSecond(fn, ms = 1000) {
      const warm = Date.now() + Math.min(200, ms / 5)
      while (Date.now() < warm) fn()
      let n = 0
      const start = process.hrtime.bigint()
      const end = start + BigInt(ms) * 1_000_000n
      let now = start
      while (now < end) {
        for (let i = 0; i < 10; i++) fn()
        n += 10
        now = process.hrtime.bigint()
      }
      return (n * 1e9) / Number(now - start)
    },
    log(line) {
      process.stderr.write(`  ${line}\n`)
    },
  }
}

/**
 * How fast this machine runs plain JavaScript right now: a fixed workload (a
 * channel-like record written as JSON and read back) in operations per second.
 * The machine is shared, and its speed moves 10 to 25% within an hour; measured
 * at the start and the end of a run, it tells whether figures of that run, and
 * of two runs, can be compared.
 */
export function machineSpeed(ms = 500): number {
  const record = {
    state: 'NORMAL',
    htlcs: Array.from({ length: 20 }, (_, i) => ({
      id: i,
      amountMsat: String(1_000_000 + i),
      paymentHash: 'ab'.repeat(32),
      cltvExpiry: 500 + i,
    })),
    balances: { localMsat: '5000000000', remoteMsat: '5000000000' },
  }
  return createBench('', []).opsPerSecond(() => {
    if (JSON.parse(JSON.stringify(record)).htlcs.length !== 20) throw new Error('unreachable')
  }, ms)
}

export function formatValue(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US')
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US')
  return v.toPrecision(3)
}

/** p-th percentile (0..100) of samples, nearest-rank. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

export function median(samples: number[]): number {
  return percentile(samples, 50)
}
