/**
 * The onion replay log (routing's ReplayLog) in the node's state: an onion
 * refused as a replay before a restart is refused after it (BOLT #4: a node
 * MUST refuse a packet it has already forwarded or redeemed; LND keeps its
 * "decayed log" on disk for the same reason). Each onion's entry is written in
 * the same flush as the decision its HTLC caused, and lives until the HTLC's
 * CLTV expiry.
 */
import { replayTag, type ReplayLog } from '../../../routing/onion/replayLog.js'
import type { KvLog } from '../../store/durableStore.js'

/**
 * At most this many onions are remembered (about 100 bytes of state each): past
 * it the oldest is forgotten first, as it expires soonest. A node forwarding 100
 * HTLCs a second for a quarter of an hour reaches it.
 */
export const MAX_REPLAY_LOG_ENTRIES = 100_000

export class StoredReplayLog implements ReplayLog {
  /** tag → CLTV expiry, oldest first: what the store holds, kept in memory to check each HTLC without parsing */
  private readonly entries = new Map<string, number>()

  constructor(
    private readonly store: KvLog<number>,
    private readonly maxEntries = MAX_REPLAY_LOG_ENTRIES,
  ) {
    for (const tag of store.keys()) {
      const expiry = store.get(tag)
      if (typeof expiry === 'number') this.entries.set(tag, expiry)
      else store.delete(tag)
    }
    this.bound()
  }

  add(sharedSecret: Uint8Array, cltvExpiry: number): boolean {
    const tag = replayTag(sharedSecret)
    if (this.entries.has(tag)) return false
    this.entries.set(tag, cltvExpiry)
    this.store.set(tag, cltvExpiry)
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
      this.entries.delete(tag)
      this.store.delete(tag)
      removed++
    }
    return removed
  }

  get size(): number {
    return this.entries.size
  }

  private bound(): void {
    for (const tag of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) return
      this.entries.delete(tag)
      this.store.delete(tag)
    }
  }
}
