/**
 * Which channels a jam's HTLCs take: from the attacker to the near end of each
 * target channel, across it, and on to the colluder, each leg the fewest hops
 * over the scenario's channels and no node twice. The attacker's node is told
 * to use exactly these channels, so the HTLCs cannot go round the target.
 */
import { StepError } from '../errors.js'
import type { JamTarget } from './jamStep.js'

export interface JamChannel {
  name: string
  from: string
  to: string
}

/** One target channel in the direction the HTLCs cross it, and the whole path they take. */
export interface JamPath {
  target: string
  /** the channels of the path, attacker first: names, in order */
  channels: string[]
}

export interface JamPlan {
  colluder: string
  paths: JamPath[]
}

interface Hop {
  channel: JamChannel
  peer: string
}

function neighbours(channels: readonly JamChannel[], node: string): Hop[] {
  const out: Hop[] = []
  for (const c of channels) {
    if (c.from === node) out.push({ channel: c, peer: c.to })
    else if (c.to === node) out.push({ channel: c, peer: c.from })
  }
  return out.sort((a, b) => a.channel.name.localeCompare(b.channel.name))
}

/** The fewest-hop path from `from` to `to` avoiding the nodes and channels given; undefined when there is none. */
export function shortestPath(
  channels: readonly JamChannel[],
  from: string,
  to: string,
  avoid: { nodes?: ReadonlySet<string>; channels?: ReadonlySet<string> } = {},
): JamChannel[] | undefined {
  if (from === to) return []
  const via = new Map<string, { prev: string; channel: JamChannel }>()
  const seen = new Set([from])
  let frontier = [from]
  while (frontier.length > 0) {
    const next: string[] = []
    for (const node of frontier)
      for (const { channel, peer } of neighbours(channels, node)) {
        if (seen.has(peer) || avoid.nodes?.has(peer) || avoid.channels?.has(channel.name)) continue
        seen.add(peer)
        via.set(peer, { prev: node, channel })
        if (peer === to) {
          const path: JamChannel[] = []
          for (let at = to; at !== from; at = via.get(at)!.prev) path.unshift(via.get(at)!.channel)
          return path
        }
        next.push(peer)
      }
    frontier = next
  }
  return undefined
}

/**
 * Who receives the jam when the step names no colluder: the node beyond the most target channels' far ends (a peer
 * of theirs, not the attacker, not the target's near end, not a far end), ties by name; else the first far end.
 */
function defaultColluder(
  channels: readonly JamChannel[],
  attacker: string,
  targets: ReadonlyArray<{ near: string; far: string }>,
): string {
  const fars = new Set(targets.map((t) => t.far))
  const count = new Map<string, number>()
  for (const t of targets)
    for (const { peer } of neighbours(channels, t.far))
      if (peer !== attacker && peer !== t.near && !fars.has(peer)) count.set(peer, (count.get(peer) ?? 0) + 1)
  const best = [...count].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]
  return best ? best[0] : targets[0]!.far
}

/** The target channels, each in the direction the HTLCs cross it. */
function directedTargets(
  channels: readonly JamChannel[],
  attacker: string,
  target: JamTarget,
  from: string | undefined,
  colluder: string | undefined,
): Array<{ channel: JamChannel; near: string; far: string }> {
  const hub = target.node
  if (hub !== undefined) {
    const list = neighbours(channels, hub)
      .filter((h) => h.peer !== attacker && h.peer !== colluder)
      .map((h) => ({ channel: h.channel, near: hub, far: h.peer }))
    if (list.length === 0)
      throw new StepError(`${hub} has no channel to jam but the attacker's and the colluder's`, 'JAM_NO_TARGET')
    return list
  }
  const channel = channels.find((c) => c.name === target.channel)
  if (!channel) throw new StepError(`no channel named "${target.channel}"`, 'UNKNOWN_CHANNEL')
  if (from !== undefined) return [{ channel, near: from, far: from === channel.from ? channel.to : channel.from }]
  if (channel.from === attacker || channel.to === attacker)
    return [{ channel, near: attacker, far: channel.from === attacker ? channel.to : channel.from }]
  const avoid = { channels: new Set([channel.name]) }
  const toFrom = shortestPath(channels, attacker, channel.from, avoid)?.length ?? Infinity
  const toTo = shortestPath(channels, attacker, channel.to, avoid)?.length ?? Infinity
  const near = toFrom <= toTo ? channel.from : channel.to
  return [{ channel, near, far: near === channel.from ? channel.to : channel.from }]
}

/** The colluder and every path; StepError JAM_NO_PATH when a target cannot be reached or left. */
export function planJam(
  channels: readonly JamChannel[],
  spec: { attacker: string; target: JamTarget; from?: string | undefined; colluder?: string | undefined },
): JamPlan {
  const targets = directedTargets(channels, spec.attacker, spec.target, spec.from, spec.colluder)
  const colluder = spec.colluder ?? defaultColluder(channels, spec.attacker, targets)
  if (colluder === spec.attacker)
    throw new StepError(
      `no node beyond ${targets[0]!.channel.name} can receive the jam: name a colluder`,
      'JAM_NO_PATH',
    )
  const paths: JamPath[] = []
  const unreachable: string[] = []
  for (const { channel, near, far } of targets) {
    const usedTarget = new Set([channel.name])
    const inbound = shortestPath(channels, spec.attacker, near, { channels: usedTarget, nodes: new Set([far]) })
    const onward =
      far === colluder
        ? []
        : shortestPath(channels, far, colluder, {
            channels: usedTarget,
            nodes: new Set([near, spec.attacker, ...(inbound ?? []).flatMap((c) => [c.from, c.to])]),
          })
    if (!inbound || !onward) {
      unreachable.push(
        `${spec.attacker} → ${near} → ${far} → ${colluder}: ` +
          `${!inbound ? `${spec.attacker} cannot reach ${near}` : `${far} cannot reach ${colluder}`} ` +
          `other than through ${channel.name}`,
      )
      continue
    }
    paths.push({ target: channel.name, channels: [...inbound, channel, ...onward].map((c) => c.name) })
  }
  // a hub's channels that lead nowhere but back are not the attack's: it jams those it can cross
  if (paths.length === 0 || (spec.target.node === undefined && unreachable.length > 0))
    throw new StepError(`no path without a node twice: ${unreachable.join('; ')}`, 'JAM_NO_PATH')
  return { colluder, paths }
}
