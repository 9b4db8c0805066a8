/**
 * Each peer's gossip passes a token bucket before anything is checked (a
 * signature costs CPU whether or not it verifies): a burst large enough for a
 * whole graph, then a steady rate. What is over the rate is dropped and counted,
 * with one log line per peer a minute at most. Buckets are kept across
 * reconnections, so a peer does not get a new burst by reconnecting.
 */
import type { NodeLimits } from '../../api/node/limits.js'
import type { Logger } from '../logger.js'
import { TokenBucket } from '../transport/tokenBucket.js'

/** Dropped gossip is reported at most this often per peer. */
export const DROP_REPORT_MS = 60_000
/** Past this many peers with a bucket, those whose bucket is full again (no different from a new one) are let go. */
const RATE_ENTRIES_BEFORE_SWEEP = 1000

/** The gossip rate of one peer: its bucket, and what was dropped since it was last reported. */
interface PeerGossipRate {
  bucket: TokenBucket
  dropped: number
  /** set from the first drop until the count is reported */
  reporting?: NodeJS.Timeout | undefined
}

export class PeerGossipRates {
  private readonly rates = new Map<string, PeerGossipRate>()

  constructor(
    private readonly log: Logger,
    private readonly limits: Pick<NodeLimits, 'gossipBurst' | 'gossipPerSecond'>,
  ) {}

  /** Whether this peer's message is within its rate; counts and reports what is not. */
  admit(peer: string, now: number): boolean {
    const rate = this.rateOf(peer, now)
    if (rate.bucket.take(now)) return true
    rate.dropped++
    if (!rate.reporting) {
      this.log.warn('peer sends gossip over its rate: dropping the excess', {
        peer,
        burst: this.limits.gossipBurst,
        perSecond: this.limits.gossipPerSecond,
      })
      rate.reporting = setTimeout(() => this.reportDropped(peer, rate), DROP_REPORT_MS)
      rate.reporting.unref()
    }
    return false
  }

  /** Reports what was dropped and not yet reported, now. */
  stop(): void {
    for (const [peer, rate] of this.rates) {
      if (!rate.reporting) continue
      clearTimeout(rate.reporting)
      this.reportDropped(peer, rate)
    }
  }

  private rateOf(peer: string, now: number): PeerGossipRate {
    const known = this.rates.get(peer)
    if (known) return known
    if (this.rates.size >= RATE_ENTRIES_BEFORE_SWEEP) {
      for (const [p, r] of this.rates) if (!r.reporting && r.bucket.isFull(now)) this.rates.delete(p)
    }
    const rate: PeerGossipRate = {
      bucket: new TokenBucket(this.limits.gossipBurst, this.limits.gossipPerSecond, now),
      dropped: 0,
    }
    this.rates.set(peer, rate)
    return rate
  }

  private reportDropped(peer: string, rate: PeerGossipRate): void {
    rate.reporting = undefined
    this.log.warn('gossip over the peer’s rate dropped', {
      peer,
      dropped: rate.dropped,
      seconds: DROP_REPORT_MS / 1000,
    })
    rate.dropped = 0
  }
}
