/**
 * BOLT #4 "Packet Forwarding": a node MUST refuse a packet it has already
 * forwarded or redeemed, or a hop could replay an onion to trace a payment.
 * The log keeps a hash of each onion's shared secret (unique per onion and
 * hop) until the incoming HTLC's CLTV expiry, after which no HTLC carrying that
 * onion would be accepted anyway.
 */
import { toHex } from '../../core/bytes.js'
import { sha256 } from '../../crypto/hash.js'

export interface ReplayLog {
  /** Records the onion's shared secret until `cltvExpiry`; false when it was already there (a replay). */
  add(sharedSecret: Uint8Array, cltvExpiry: number): boolean
  has(sharedSecret: Uint8Array): boolean
  /** Forgets every entry whose expiry is at or below `blockHeight`; returns how many. */
  expire(blockHeight: number): number
  readonly size: number
}

/** A ReplayLog in memory: lost on restart, so a node that must survive restarts persists its own. */
export class MemoryReplayLog implements ReplayLog {
  private readonly entries = new Map<string, number>()

  add(sharedSecret: Uint8Array, cltvExpiry: number): boolean {
    const tag = replayTag(sharedSecret)
    if (this.entries.has(tag)) return false
    this.entries.set(tag, cltvExpiry)
    return true
  }

  has(sharedSecret: Uint8Array): boolean {
    return this.entries.has(replayTag(sharedSecret))
  }

  expire(blockHeight: number): number {
    let removed = 0
    for (const [tag, expiry] of this.entries) {
      if (expiry <= blockHeight) {
        this.entries.delete(tag)
        removed++
      }
    }
    return removed
  }

  get size(): number {
    return this.entries.size
  }
}

/** What a log stores: the hash, never the secret itself, which would decrypt this hop's layer. */
export function replayTag(sharedSecret: Uint8Array): string {
  return toHex(sha256(sharedSecret))
}
