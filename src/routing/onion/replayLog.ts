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

/** Where a log keeps its entries across restarts (a node's state log): tag → CLTV expiry. */
export interface ReplayLogStore {
  keys(): Iterable<string>
  get(tag: string): unknown
  set(tag: string, cltvExpiry: number): void
  delete(tag: string): void
}

/**
 * At most this many onions are remembered by default (about 100 bytes each): past it the oldest is forgotten
 * first, as it expires soonest. A node forwarding 100 HTLCs a second for a quarter of an hour reaches it.
 */
export const MAX_REPLAY_LOG_ENTRIES = 100_000

/**
 * A ReplayLog checked in memory, and kept in `store` when one is given: an onion refused before a restart is
 * refused after it (LND keeps its "decayed log" on disk for the same reason).
 */
export class MemoryReplayLog implements ReplayLog {
  /** tag → CLTV expiry, oldest first */
  private readonly entries = new Map<string, number>()

  constructor(
    private readonly store?: ReplayLogStore,
    private readonly maxEntries = MAX_REPLAY_LOG_ENTRIES,
  ) {
    for (const tag of store?.keys() ?? []) {
      const expiry = store!.get(tag)
      if (typeof expiry === 'number') this.entries.set(tag, expiry)
      else store!.delete(tag)
    }
    this.bound()
  }

  add(sharedSecret: Uint8Array, cltvExpiry: number): boolean {
    const tag = replayTag(sharedSecret)
    if (this.entries.has(tag)) return false
    this.entries.set(tag, cltvExpiry)
    this.store?.set(tag, cltvExpiry)
    this.bound()
    return true
  }

  has(sharedSecret: Uint8Array): boolean {
    return this.entries.has(replayTag(sharedSecret))
  }

  expire(blockHeight: number): number {
    let removed = 0
    for (const [tag, expiry] of this.entries) {
      if (expiry > blockHeight) continue
      this.forget(tag)
      removed++
    }
    return removed
  }

  get size(): number {
    return this.entries.size
  }

  private forget(tag: string): void {
    this.entries.delete(tag)
    this.store?.delete(tag)
  }

  private bound(): void {
    for (const tag of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) return
      this.forget(tag)
    }
  }
}

/** What a log stores: the hash, never the secret itself, which would decrypt this hop's layer. */
export function replayTag(sharedSecret: Uint8Array): string {
  return toHex(sha256(sharedSecret))
}
