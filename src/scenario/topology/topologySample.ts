/**
 * Cutting a large channel graph down to a network small enough to run, while
 * keeping what makes it Lightning-like: a few well-connected hubs, many nodes
 * with a handful of channels, and no islands.
 *
 * The method, step by step:
 * 1. Keep the largest connected component (channels that cannot be reached
 *    from the rest take no part in routing).
 * 2. Start from the node with the most channels (the biggest hub; ties go to
 *    the smaller node id).
 * 3. Snowball: take sampled nodes in the order they joined; each recruits up
 *    to `recruits` of its neighbours not yet in the sample, drawn at random
 *    from the seed. A neighbour of many sampled nodes has many chances to be
 *    recruited, so hubs join early, as in the real graph. When every sampled
 *    node has had its turn and the sample is still short, they recruit again.
 * 4. Keep every channel between two sampled nodes (the induced subgraph), so
 *    the hubs keep their links to each other and to their leaves.
 *
 * The sample is connected by construction (each node joined through a
 * channel to one already in), and the same seed gives the same sample.
 */
import type { SeededRng } from '../../core/rng.js'

/** How many new neighbours each sampled node brings in per round. */
export const DEFAULT_RECRUITS = 3

export interface GraphShape {
  /** node ids, in a fixed order (ties are broken by it) */
  nodes: readonly string[]
  /** channels as pairs of node ids; parallel channels repeat a pair */
  edges: readonly (readonly [string, string])[]
}

/** Each node's neighbours, without repeats, in the order the channels list them. */
export function neighbours(g: GraphShape): Map<string, string[]> {
  const adj = new Map<string, Set<string>>(g.nodes.map((n) => [n, new Set()]))
  for (const [a, b] of g.edges) {
    adj.get(a)?.add(b)
    adj.get(b)?.add(a)
  }
  return new Map([...adj].map(([n, s]) => [n, [...s]]))
}

/** Channels per node (parallel channels count each). */
export function degrees(g: GraphShape): Map<string, number> {
  const d = new Map<string, number>(g.nodes.map((n) => [n, 0]))
  for (const [a, b] of g.edges) {
    d.set(a, (d.get(a) ?? 0) + 1)
    d.set(b, (d.get(b) ?? 0) + 1)
  }
  return d
}

/** The biggest hub: most channels, ties to the smaller id. */
export function highestDegreeNode(g: GraphShape): string | undefined {
  const d = degrees(g)
  let best: string | undefined
  for (const n of g.nodes)
    if (best === undefined || d.get(n)! > d.get(best)! || (d.get(n) === d.get(best) && n < best)) best = n
  return best
}

/** The connected components, largest first (ties: the one holding the smaller id first). */
export function components(g: GraphShape): string[][] {
  const adj = neighbours(g)
  const seen = new Set<string>()
  const out: string[][] = []
  for (const start of g.nodes) {
    if (seen.has(start)) continue
    const component: string[] = []
    const queue = [start]
    seen.add(start)
    while (queue.length > 0) {
      const n = queue.shift()!
      component.push(n)
      for (const m of adj.get(n) ?? []) {
        if (!seen.has(m)) {
          seen.add(m)
          queue.push(m)
        }
      }
    }
    out.push(component)
  }
  const smallest = (c: string[]): string => c.reduce((a, b) => (b < a ? b : a))
  return out.sort((a, b) => b.length - a.length || (smallest(a) < smallest(b) ? -1 : 1))
}

/** The subgraph of the given nodes: those nodes (in the graph's order) and every channel between two of them. */
export function induced(g: GraphShape, keep: ReadonlySet<string>): GraphShape {
  return { nodes: g.nodes.filter((n) => keep.has(n)), edges: g.edges.filter(([a, b]) => keep.has(a) && keep.has(b)) }
}

/**
 * A connected sample of `size` nodes by snowball from the biggest hub (see
 * the top of this file). The graph must be connected; a graph of `size`
 * nodes or fewer is returned whole.
 */
export function snowballSample(g: GraphShape, size: number, rng: SeededRng, recruits = DEFAULT_RECRUITS): Set<string> {
  if (g.nodes.length <= size) return new Set(g.nodes)
  const adj = neighbours(g)
  const start = highestDegreeNode(g)!
  const sample = new Set<string>([start])
  const order = [start]
  for (;;) {
    let grew = false
    // one round: every sampled node, in the order it joined (including those joining during the round)
    for (let i = 0; i < order.length && sample.size < size; i++) {
      const fresh = (adj.get(order[i]!) ?? []).filter((m) => !sample.has(m))
      for (let k = 0; k < recruits && fresh.length > 0 && sample.size < size; k++) {
        const [m] = fresh.splice(rng.int(fresh.length), 1)
        sample.add(m!)
        order.push(m!)
        grew = true
      }
    }
    if (sample.size >= size || !grew) return sample
  }
}
