/**
 * The hashes of gossip messages already judged (accepted, known or refused),
 * so the same bytes reaching us from several peers are checked once: a flood
 * brings each message from every neighbour, and a signature costs CPU whether
 * or not it verifies. Keyed by the hash of the whole message, not by its
 * signature: a peer cannot make us skip a valid message by first sending a
 * corrupted one under the same signature.
 */
import { createHash } from 'node:crypto'

/** Enough for every message of a 500-node, 1,500-channel graph and more (about 1 MB of keys). */
export const VERIFIED_GOSSIP_CACHE_SIZE = 10_000

export class VerifiedGossip {
  private readonly seen = new Set<string>()
  hits = 0

  constructor(private readonly capacity = VERIFIED_GOSSIP_CACHE_SIZE) {}

  static keyOf(frame: Uint8Array): string {
    return createHash('sha256').update(frame).digest('base64')
  }

  /** Whether these bytes were judged before (counts a hit). */
  has(key: string): boolean {
    const hit = this.seen.has(key)
    if (hit) this.hits++
    return hit
  }

  add(key: string): void {
    if (this.seen.has(key)) return
    // oldest first out: a message still flooding was judged recently
    if (this.seen.size >= this.capacity) this.seen.delete(this.seen.values().next().value!)
    this.seen.add(key)
  }
}
