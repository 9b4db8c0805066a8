/**
 * A node a scenario opens many channels to at once: bring-up opens every
 * channel before it mines a block, so all of a node's incoming channels wait for
 * their funding together. A node refuses channels past its pending limits
 * (DEFAULT_NODE_LIMITS), which keep a peer from making it hold openings for
 * free; where the scenario's own topology needs more, the node is started with
 * higher limits.
 */
import { DEFAULT_NODE_LIMITS } from '../../api/node/limits.js'

/**
 * The `lnsim node start` flags that let `node` accept its incoming channels from `channels`, or none when the defaults
 * do.
 */
export function pendingChannelFlags(node: string, channels: ReadonlyArray<{ from: string; to: string }>): string[] {
  const fromEachPeer = new Map<string, number>()
  for (const c of channels) if (c.to === node) fromEachPeer.set(c.from, (fromEachPeer.get(c.from) ?? 0) + 1)
  const perPeer = Math.max(0, ...fromEachPeer.values())
  const total = [...fromEachPeer.values()].reduce((a, b) => a + b, 0)
  const flags: string[] = []
  if (perPeer > DEFAULT_NODE_LIMITS.maxPendingChannelsPerPeer)
    flags.push('--max-pending-channels-per-peer', String(perPeer))
  if (total > DEFAULT_NODE_LIMITS.maxPendingChannels) flags.push('--max-pending-channels', String(total))
  return flags
}
