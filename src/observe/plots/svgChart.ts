/**
 * Small static charts as SVG text, written by hand: a picture of a run that opens anywhere (a browser, an image
 * viewer, a pull request) without a charting library or a server. Two kinds are enough for a run: lines (series
 * over time) and bars (a histogram).
 */

/** Chart size in SVG user units (px when opened on its own). */
export const CHART_WIDTH = 760
export const CHART_HEIGHT = 340
/** Ticks an axis aims for; the real count follows from round steps. */
export const AXIS_TICKS = 5

/** Colours that stay apart for the first series, then repeat. */
export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
]

/** Category names written under a bar chart; beyond this, every k-th only. */
export const MAX_CATEGORY_LABELS = 40

const MARGIN = { left: 72, right: 170, top: 40, bottom: 48 }

export interface LineSeries {
  name: string
  /** [x, y] in data units, in increasing x */
  points: readonly (readonly [number, number])[]
}

export interface LineChart {
  title: string
  xLabel: string
  yLabel: string
  series: readonly LineSeries[]
  /** hold each value until the next point (balances), instead of a straight line between points */
  step?: boolean
  /** the y axis starts at 0 and ends at least here (e.g. 100 for a percentage) */
  yMax?: number
}

export interface BarChart {
  title: string
  xLabel: string
  yLabel: string
  /** consecutive bins [from, to) with their counts */
  bins: readonly { from: number; to: number; count: number }[]
}

export function escapeSvg(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** A round step (1, 2 or 5 times a power of ten) giving about `count` ticks from 0 to `max`. */
export function niceStep(max: number, count = AXIS_TICKS): number {
  if (!(max > 0)) return 1
  const raw = max / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const unit = raw / power
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power
}

function ticks(min: number, max: number): number[] {
  const step = niceStep(max - min)
  const out: number[] = []
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

function label(v: number): string {
  if (Math.abs(v) >= 1e6) return `${Number((v / 1e6).toPrecision(4))}M`
  if (Math.abs(v) >= 1e4) return `${Number((v / 1e3).toPrecision(4))}k`
  return String(Number(v.toPrecision(6)))
}

interface Frame {
  x: (v: number) => number
  y: (v: number) => number
  parts: string[]
}

function frame(
  title: string,
  xLabel: string,
  yLabel: string,
  xr: [number, number],
  yr: [number, number],
  xTicks = true,
): Frame {
  const w = CHART_WIDTH - MARGIN.left - MARGIN.right
  const h = CHART_HEIGHT - MARGIN.top - MARGIN.bottom
  const span = (r: [number, number]) => (r[1] - r[0] > 0 ? r[1] - r[0] : 1)
  const x = (v: number) => MARGIN.left + ((v - xr[0]) / span(xr)) * w
  const y = (v: number) => MARGIN.top + h - ((v - yr[0]) / span(yr)) * h
  const f = (n: number) => n.toFixed(1)
  const parts = [
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#fff"/>`,
    `<text x="${CHART_WIDTH / 2 - MARGIN.right / 2}" y="22" text-anchor="middle" font-size="15" ` +
      `font-weight="bold">${escapeSvg(title)}</text>`,
  ]
  for (const t of ticks(yr[0], yr[1]))
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 6}" y="${f(y(t) + 4)}" text-anchor="end" font-size="11">${label(t)}</text>`,
    )
  for (const t of xTicks ? ticks(xr[0], xr[1]) : [])
    parts.push(
      `<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${MARGIN.top + h}" y2="${MARGIN.top + h + 4}" stroke="#333"/>`,
      `<text x="${f(x(t))}" y="${MARGIN.top + h + 17}" text-anchor="middle" font-size="11">${label(t)}</text>`,
    )
  parts.push(
    `<path d="M${MARGIN.left} ${MARGIN.top}V${MARGIN.top + h}H${MARGIN.left + w}" fill="none" stroke="#333"/>`,
    `<text x="${MARGIN.left + w / 2}" y="${CHART_HEIGHT - 10}" text-anchor="middle" font-size="12">` +
      `${escapeSvg(xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">` +
      `${escapeSvg(yLabel)}</text>`,
  )
  return { x, y, parts }
}

export function svg(kind: string, parts: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="lnsim-chart" data-chart="${escapeSvg(kind)}" ` +
    `viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" ` +
    `font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`
  )
}

function empty(kind: string, title: string, why: string): string {
  return svg(kind, [
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#fff"/>`,
    `<text x="${CHART_WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">` +
      `${escapeSvg(title)}</text>`,
    `<text x="${CHART_WIDTH / 2}" y="${CHART_HEIGHT / 2}" text-anchor="middle" font-size="13" fill="#777">` +
      `${escapeSvg(why)}</text>`,
  ])
}

export function renderLineChart(kind: string, chart: LineChart, whenEmpty: string): string {
  const all = chart.series.flatMap((s) => s.points)
  if (all.length === 0) return empty(kind, chart.title, whenEmpty)
  const xs = all.map((p) => p[0])
  const ys = all.map((p) => p[1])
  const xMin = Math.min(...xs)
  const xMax = Math.max(...xs)
  const yTop = Math.max(chart.yMax ?? 0, ...ys)
  // time starts at 0: the run's start, not the first point drawn
  const x0 = Math.min(0, xMin)
  const fr = frame(chart.title, chart.xLabel, chart.yLabel, [x0, xMax > x0 ? xMax : x0 + 1], [0, yTop || 1])
  chart.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!
    const points = s.points
    if (points.length === 0) return
    let d = ''
    points.forEach(([px, py], j) => {
      const X = fr.x(px).toFixed(1)
      const Y = fr.y(py).toFixed(1)
      d += j === 0 ? `M${X} ${Y}` : chart.step ? `H${X}V${Y}` : `L${X} ${Y}`
    })
    if (chart.step) d += `H${fr.x(xMax).toFixed(1)}`
    fr.parts.push(
      `<path class="series" data-series="${escapeSvg(s.name)}" d="${d}" fill="none" stroke="${colour}" ` +
        `stroke-width="2"/>`,
    )
    if (points.length === 1)
      fr.parts.push(
        `<circle cx="${fr.x(points[0]![0]).toFixed(1)}" cy="${fr.y(points[0]![1]).toFixed(1)}" r="3" ` +
          `fill="${colour}"/>`,
      )
    const ly = MARGIN.top + 8 + i * 18
    if (ly < CHART_HEIGHT - MARGIN.bottom)
      fr.parts.push(
        `<rect x="${CHART_WIDTH - MARGIN.right + 14}" y="${ly - 8}" width="12" height="4" fill="${colour}"/>`,
        `<text x="${CHART_WIDTH - MARGIN.right + 32}" y="${ly - 3}" font-size="11">${escapeSvg(s.name)}</text>`,
      )
  })
  return svg(kind, fr.parts)
}

export function renderBarChart(kind: string, chart: BarChart, whenEmpty: string): string {
  if (chart.bins.length === 0) return empty(kind, chart.title, whenEmpty)
  const from = chart.bins[0]!.from
  const to = chart.bins[chart.bins.length - 1]!.to
  const top = Math.max(...chart.bins.map((b) => b.count))
  const fr = frame(chart.title, chart.xLabel, chart.yLabel, [from, to], [0, top || 1])
  for (const b of chart.bins) {
    if (b.count === 0) continue
    const x0 = fr.x(b.from) + 1
    const x1 = fr.x(b.to) - 1
    fr.parts.push(
      `<rect class="bar" data-count="${b.count}" x="${x0.toFixed(1)}" y="${fr.y(b.count).toFixed(1)}" ` +
        `width="${Math.max(1, x1 - x0).toFixed(1)}" height="${(fr.y(0) - fr.y(b.count)).toFixed(1)}" ` +
        `fill="${PALETTE[0]}"><title>${label(b.from)}–${label(b.to)}: ${b.count}</title></rect>`,
    )
  }
  return svg(kind, fr.parts)
}

export interface CategoryChart {
  title: string
  xLabel: string
  yLabel: string
  categories: readonly string[]
  /** one value per category for each series; series of a category are drawn side by side */
  series: readonly { name: string; values: readonly number[] }[]
}

/** Bars by name (a node, a number of attempts) rather than over a numeric range. */
export function renderCategoryChart(kind: string, chart: CategoryChart, whenEmpty: string): string {
  if (chart.categories.length === 0 || chart.series.length === 0) return empty(kind, chart.title, whenEmpty)
  const top = Math.max(...chart.series.flatMap((s) => s.values))
  const n = chart.categories.length
  const fr = frame(chart.title, chart.xLabel, chart.yLabel, [0, 1], [0, top || 1], false)
  const w = CHART_WIDTH - MARGIN.left - MARGIN.right
  const slot = w / n
  const bar = Math.max(1, (slot * 0.8) / chart.series.length)
  chart.categories.forEach((c, i) => {
    const x = MARGIN.left + i * slot
    if (n <= MAX_CATEGORY_LABELS || i % Math.ceil(n / MAX_CATEGORY_LABELS) === 0)
      fr.parts.push(
        `<text x="${(x + slot / 2).toFixed(1)}" y="${CHART_HEIGHT - MARGIN.bottom + 15}" text-anchor="middle" ` +
          `font-size="11">${escapeSvg(c.length > 12 ? `${c.slice(0, 11)}…` : c)}</text>`,
      )
    chart.series.forEach((s, k) => {
      const v = s.values[i] ?? 0
      if (v <= 0) return
      const bx = x + slot * 0.1 + k * bar
      fr.parts.push(
        `<rect class="bar" data-category="${escapeSvg(c)}" data-series="${escapeSvg(s.name)}" data-value="${v}" ` +
          `x="${bx.toFixed(1)}" y="${fr.y(v).toFixed(1)}" width="${bar.toFixed(1)}" ` +
          `height="${(fr.y(0) - fr.y(v)).toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}">` +
          `<title>${escapeSvg(c)} ${escapeSvg(s.name)}: ${label(v)}</title></rect>`,
      )
    })
  })
  if (chart.series.length > 1)
    chart.series.forEach((s, k) => {
      const ly = MARGIN.top + 8 + k * 18
      fr.parts.push(
        `<rect x="${CHART_WIDTH - MARGIN.right + 14}" y="${ly - 8}" width="12" height="8" ` +
          `fill="${PALETTE[k % PALETTE.length]}"/>`,
        `<text x="${CHART_WIDTH - MARGIN.right + 32}" y="${ly}" font-size="11">${escapeSvg(s.name)}</text>`,
      )
    })
  return svg(kind, fr.parts)
}
