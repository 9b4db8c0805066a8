/**
 * What a node lets one peer (and all its peers together) cost it, with the
 * defaults `lnsim node start` uses. A peer is never trusted: each resource it
 * can make a node spend (memory for messages waiting to go out, state for
 * channels it asks for, CPU for gossip it sends, lines in node.log) has a bound,
 * and going over it costs the peer (its message dropped or refused, or its
 * connection), never the node. The defaults leave generous room for what a
 * scenario does on purpose: 64 payments in flight over one channel queue tens of
 * kilobytes, a whole graph for a new peer a few megabytes at most.
 *
 * These are part of the contract between processes: the scenario runner raises
 * the pending-channel limits of a node that its topology opens many channels to
 * at once (see src/scenario/network/pendingChannelLimits.ts).
 */

export interface NodeLimits {
  /**
   * Bytes of messages to one peer waiting to be taken by its stream (what the
   * peer has not read yet). Over it the peer is disconnected, as LND and Core
   * Lightning drop a peer that does not read.
   */
  maxOutgoingQueueBytes: number
  /** Pings answered at once before the rate below applies (token bucket). */
  pingBurst: number
  /** Pings answered per second after the burst; BOLT #1 expects about one per 30 s. */
  pingsPerSecond: number
  /**
   * Pings beyond the rate a connection may send before it is closed (BOLT #1 lets a node fail channels over far fewer).
   */
  maxExcessPings: number
  /**
   * Channels one peer may have opened to us that are not confirmed yet (from open_channel until funding is deep enough,
   * or aborted).
   */
  maxPendingChannelsPerPeer: number
  /** The same, over all peers together. */
  maxPendingChannels: number
  /** An opening that waits for the peer (accept_channel, funding_created, funding_signed) this long is aborted. */
  openingTimeoutMs: number
  /**
   * Gossip messages taken from one peer at once before the rate below applies (token bucket); a whole graph for a new
   * peer must fit.
   */
  gossipBurst: number
  /** Gossip messages per second taken from one peer after the burst; the rest are dropped and counted. */
  gossipPerSecond: number
  /** Log lines about one peer's bad input per minute; past it, one line per minute says how many were left out. */
  logLinesPerPeerPerMinute: number
  /** node.log is rotated when it reaches this size. */
  logMaxBytes: number
  /** How many log files are kept, node.log included (node.log, node.log.1, …). */
  logFiles: number
}

export const DEFAULT_NODE_LIMITS: NodeLimits = {
  maxOutgoingQueueBytes: 8 * 1024 * 1024,
  pingBurst: 10,
  pingsPerSecond: 0.1,
  maxExcessPings: 100,
  // a scenario may open several parallel channels between one pair before any confirms
  maxPendingChannelsPerPeer: 10,
  maxPendingChannels: 100,
  // LND holds a reservation 10 minutes; two leave a funder on a busy machine time to build its funding transaction
  openingTimeoutMs: 120_000,
  // a new peer sends its whole graph at once: 500 nodes and 1,500 channels are about 5,000 messages
  gossipBurst: 20_000,
  gossipPerSecond: 200,
  logLinesPerPeerPerMinute: 10,
  logMaxBytes: 10 * 1024 * 1024,
  logFiles: 3,
}
