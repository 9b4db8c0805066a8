/**
 * How a node's gossip ages and paces, with the defaults `lnsim node start` uses.
 * https://github.com/lightning/bolts/blob/master/07-routing-gossip.md
 */

export interface GossipSettings {
  /**
   * Relayed gossip is collected and flushed to peers once per interval, newest
   * message per channel direction or node only (BOLT #7's staggered broadcast:
   * "SHOULD flush outgoing gossip messages once every 60 seconds"). Core
   * Lightning flushes every 60 s, LND every 90 s (its trickle delay). The
   * default here is far shorter so that a scenario's graph settles in seconds:
   * a change crosses a 10-hop network in at most ten intervals.
   */
  broadcastIntervalMs: number
  /**
   * A channel none of whose ends sent a channel_update for this long is
   * forgotten (BOLT #7 "Recommendation on Pruning Stale Entries": two weeks).
   * A scenario's runs are minutes long, so at the default nothing ages in one.
   */
  staleChannelMs: number
  /**
   * Sync a new peer with gossip queries (BOLT #7 gossip_queries, feature bits
   * 6/7: gossip_timestamp_filter, query_channel_range, query_short_channel_ids)
   * instead of sending it the whole graph. Off, the node neither offers the
   * feature nor asks: each side dumps its graph on connection, as lnsim did
   * before (kept to compare the two).
   */
  queries: boolean
}

/**
 * 200 ms: a message waits 100 ms a hop on average, so a ten-hop line learns a
 * new policy in about a second (scenarios/line-10.yaml comes up as fast as
 * with the 50 ms batches before), and a bring-up's flood of announcements
 * leaves each node in at most five writes a second per peer instead of one per
 * message. At 100 nodes, 200 and 500 ms cost the same bring-up CPU
 * (bench/results.md); 500 ms made line-10's bring-up 2.7 s longer. The real
 * 60–90 s would make every scenario wait minutes for its graph.
 */
export const DEFAULT_BROADCAST_INTERVAL_MS = 200

/** BOLT #7: a channel whose newest channel_update is older than two weeks may be pruned. */
export const DEFAULT_STALE_CHANNEL_MS = 14 * 24 * 3600 * 1000

/**
 * BOLT #7 "Pruning the Network View": once a channel's funding output is spent
 * and the spend has 12 confirmations, it is removed from the graph (Core
 * Lightning waits the same 12 blocks, so a splice or a reorganisation has time
 * to show; LND before splicing forgot it at once). The spend's own block is the first.
 */
export const SPENT_CHANNEL_FORGET_DEPTH = 12

export const DEFAULT_GOSSIP_SETTINGS: GossipSettings = {
  broadcastIntervalMs: DEFAULT_BROADCAST_INTERVAL_MS,
  staleChannelMs: DEFAULT_STALE_CHANNEL_MS,
  queries: true,
}
