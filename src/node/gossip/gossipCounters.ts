/**
 * How much gossip a node took in and sent out, and what came of it: the figures that say whether a big network's
 * gossip is spent on news or on copies of what the node already had (served at GET /metrics).
 */
import type { SignedGossip } from '../../routing/gossip/store.js'

/**
 * What became of a gossip message from a peer: `duplicate` was checked before (from another peer, or earlier),
 * `known` is not newer than what the store has, `new` was stored and relayed, `held` waits for its channel,
 * `invalid` was refused, `over_rate` was dropped by the peer's token bucket before anything was checked.
 */
export type GossipOutcome = 'duplicate' | 'known' | 'new' | 'held' | 'invalid' | 'over_rate'

/** Why a gossip message went to a peer: relayed news, an answer to its query, or what its timestamp filter asked. */
export type GossipSendReason = 'relay' | 'query_reply' | 'filter' | 'whole_graph'

export class GossipCounters {
  private readonly received = new Map<string, number>()
  private readonly sent = new Map<string, number>()

  onReceived(type: SignedGossip['type'], outcome: GossipOutcome): void {
    const key = `${type} ${outcome}`
    this.received.set(key, (this.received.get(key) ?? 0) + 1)
  }

  onSent(reason: GossipSendReason): void {
    this.sent.set(reason, (this.sent.get(reason) ?? 0) + 1)
  }

  receivedCounts(): Array<{ type: string; outcome: string; count: number }> {
    return [...this.received].map(([key, count]) => {
      const [type, outcome] = key.split(' ') as [string, string]
      return { type, outcome, count }
    })
  }

  sentCounts(): Array<{ reason: string; count: number }> {
    return [...this.sent].map(([reason, count]) => ({ reason, count }))
  }
}
