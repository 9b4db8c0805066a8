/**
 * The route map of a run: the nodes its busiest paths cross, on a circle, and each hop of those paths as a line
 * as thick as the payments that took it. A circle needs no layout search, and with the few nodes the busiest paths
 * touch it keeps every line readable; the paths themselves are listed beside it with their counts.
 */
import { CHART_HEIGHT, CHART_WIDTH, escapeSvg, PALETTE, svg } from './svgChart.js'

/** Distinct paths drawn (the ones most successful payments took). */
export const MAX_ROUTE_PATHS = 8
/** Thickest a hop is drawn, for the busiest one (px). */
const MAX_STROKE = 10

export interface RoutePath {
  /** node names, sender first */
  nodes: readonly string[]
  payments: number
}

/** The distinct paths of successful payments, busiest first (ties by name, so a run draws the same each time). */
export function busiestPaths(routes: readonly (readonly string[])[], limit = MAX_ROUTE_PATHS): RoutePath[] {
  const counts = new Map<string, { nodes: readonly string[]; payments: number }>()
  for (const r of routes) {
    if (r.length < 2) continue
    const key = r.join('\u0000')
    const c = counts.get(key)
    if (c) c.payments++
    else counts.set(key, { nodes: r, payments: 1 })
  }
  return [...counts.values()]
    .sort((a, b) => b.payments - a.payments || a.nodes.join('→').localeCompare(b.nodes.join('→')))
    .slice(0, limit)
}

export function renderRouteMap(paths: readonly RoutePath[], total: number): string {
  const title = `Route map: the ${paths.length} busiest path(s) of ${total} successful payment(s)`
  const head = `<text x="${CHART_WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">`
  if (paths.length === 0)
    return svg('route-map', [
      `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#fff"/>`,
      `${head}${escapeSvg('Route map')}</text>`,
      `<text x="${CHART_WIDTH / 2}" y="${CHART_HEIGHT / 2}" text-anchor="middle" font-size="13" fill="#777">` +
        'no payment succeeded</text>',
    ])
  const names = [...new Set(paths.flatMap((p) => p.nodes))]
  const cx = 200
  const cy = CHART_HEIGHT / 2 + 12
  const radius = Math.min(cx, cy) - 50
  const at = new Map(
    names.map((n, i) => {
      const a = (2 * Math.PI * i) / names.length - Math.PI / 2
      return [n, { x: cx + radius * Math.cos(a), y: cy + radius * Math.sin(a) }] as const
    }),
  )
  // a hop is one pair of nodes in either direction: the channel between them, however the payments crossed it
  const hops = new Map<string, { a: string; b: string; payments: number }>()
  for (const p of paths)
    for (let i = 1; i < p.nodes.length; i++) {
      const [a, b] = [p.nodes[i - 1]!, p.nodes[i]!].sort()
      const key = `${a}\u0000${b}`
      const h = hops.get(key) ?? { a: a!, b: b!, payments: 0 }
      h.payments += p.payments
      hops.set(key, h)
    }
  const busiest = Math.max(...[...hops.values()].map((h) => h.payments))
  const parts = [
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#fff"/>`,
    `${head}${escapeSvg(title)}</text>`,
  ]
  for (const h of hops.values()) {
    const a = at.get(h.a)!
    const b = at.get(h.b)!
    const width = 1 + ((MAX_STROKE - 1) * h.payments) / busiest
    parts.push(
      `<line class="route-hop" data-hop="${escapeSvg(`${h.a}–${h.b}`)}" data-payments="${h.payments}" ` +
        `x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${b.x.toFixed(1)}" y2="${b.y.toFixed(1)}" ` +
        `stroke="#1f77b4" stroke-opacity="0.6" stroke-width="${width.toFixed(1)}" stroke-linecap="round">` +
        `<title>${escapeSvg(`${h.a}–${h.b}`)}: ${h.payments} payment(s)</title></line>`,
    )
  }
  for (const [name, p] of at)
    parts.push(
      `<circle class="route-node" data-node="${escapeSvg(name)}" cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" ` +
        `r="7" fill="#fff" stroke="#333" stroke-width="2"/>`,
      `<text x="${p.x.toFixed(1)}" y="${(p.y - 12).toFixed(1)}" text-anchor="middle" font-size="12">` +
        `${escapeSvg(name)}</text>`,
    )
  paths.forEach((p, i) => {
    const y = 60 + i * 30
    const text = p.nodes.join(' → ')
    parts.push(
      `<rect x="420" y="${y - 10}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`,
      `<text class="route-path" data-payments="${p.payments}" x="440" y="${y}" font-size="12">` +
        `${p.payments}× ${escapeSvg(text.length > 48 ? `${text.slice(0, 47)}…` : text)}<title>${escapeSvg(text)}` +
        '</title></text>',
    )
  })
  return svg('route-map', parts)
}
