/**
 * gossip_queries_ex (BOLT #7): which version of each channel's two updates a node holds, told by their timestamps
 * and checksums in a range query's reply, and which of a channel's messages to ask a peer for once it told us
 * its versions. A peer that says what it has is asked only for what is newer and says something new; without it,
 * every channel we miss an update of would be asked for whole.
 * https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#query-messages
 */
import type { StoredChannel, StoredGossip } from '../../routing/gossip/store.js'
import { channelUpdateChecksum } from '../../wire/gossipDigest.js'
import { QUERY_FLAG } from '../../wire/gossipQueryTlvs.js'
import type { ChannelUpdate, PerDirection } from '../../wire/messages.js'

/** What a peer said it holds of one channel's updates: timestamps always, checksums when it sent them. */
export interface PeerVersions {
  timestamps: PerDirection
  checksums?: PerDirection
}

/** Everything a channel we do not know has: its announcement, both updates, both ends' node announcements. */
const WHOLE_CHANNEL =
  QUERY_FLAG.announcement |
  QUERY_FLAG.update1 |
  QUERY_FLAG.update2 |
  QUERY_FLAG.nodeAnnouncement1 |
  QUERY_FLAG.nodeAnnouncement2

/** The timestamps of a channel's updates as we hold them (0: none from that end), for a range reply. */
export function timestampsOf(channel: StoredChannel | undefined): PerDirection {
  const [u1, u2] = channel?.updates ?? []
  return { node1: u1?.message.timestamp ?? 0, node2: u2?.message.timestamp ?? 0 }
}

/**
 * Each stored update's checksum, computed once: a node answers every peer's range query (and each resync) with the
 * checksums of all its channels, which at 500 nodes was millions of CRCs of the same bytes. A newer update is a new
 * stored item, so its own entry.
 */
const checksums = new WeakMap<StoredGossip<ChannelUpdate>, number>()

function checksumOf(update: StoredGossip<ChannelUpdate> | undefined): number {
  if (!update) return 0
  let sum = checksums.get(update)
  if (sum === undefined) checksums.set(update, (sum = channelUpdateChecksum(update.encoded)))
  return sum
}

/** The checksums of a channel's updates as we hold them (0: none from that end), for a range reply. */
export function checksumsOf(channel: StoredChannel | undefined): PerDirection {
  const [u1, u2] = channel?.updates ?? []
  return { node1: checksumOf(u1), node2: checksumOf(u2) }
}

/**
 * The query_flags to ask a peer with, for one channel: 0n when it has nothing we want. An unknown channel is asked
 * for whole. A known one's update is asked for when the peer's is newer, not stale, and either says something
 * else (its checksum differs, or none was given) or is a keep-alive we need (ours is past half the stale window,
 * when keep-alives are made). Eclair asks under the same conditions. Without the peer's versions (no
 * gossip_queries_ex), a channel we miss an update of is asked for whole: asking is the only way to get an update
 * older than every filter we sent.
 */
export function flagsToAsk(
  ours: StoredChannel | undefined,
  theirs: PeerVersions | undefined,
  nowMs: number,
  staleChannelMs: number,
): bigint {
  if (!ours) return WHOLE_CHANNEL
  if (!theirs) return ours.updates.every((u) => u !== undefined) ? 0n : WHOLE_CHANNEL
  const nowS = nowMs / 1000
  const ourTimes = timestampsOf(ours)
  const ourSums = theirs.checksums && checksumsOf(ours)
  let flags = 0n
  for (const [end, flag] of [
    ['node1', QUERY_FLAG.update1],
    ['node2', QUERY_FLAG.update2],
  ] as const) {
    const theirTime = theirs.timestamps[end]
    if (theirTime <= ourTimes[end] || theirTime < nowS - staleChannelMs / 1000) continue
    const differs = !theirs.checksums || !ourSums || theirs.checksums[end] !== ourSums[end]
    const oursAgeing = ourTimes[end] < nowS - staleChannelMs / 2000
    if (differs || oursAgeing) flags |= flag
  }
  return flags
}
