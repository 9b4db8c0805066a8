/**
 * lightning/bolts#1280, recommendations/local-resource-conservation.md, "General Bucket": "To protect the general
 * bucket from trivial denial of service, each forwarding pair of channels is restricted to a subset of slots and
 * liquidity." Each (incoming, outgoing) channel pair is given `general_bucket_slot_allocation` of the general bucket's
 * slots, chosen by a salted hash the attacker cannot predict, and the matching share of its liquidity:
 * `general_bucket_liquidity_allocation = general bucket capacity * allocation / general bucket slot total`.
 * One peer then fills only its own few slots; an attacker needs many channels to reach all of them.
 */
import { sha256 } from '../../../crypto/hash.js'

/**
 * The proposal's `general_bucket_slot_allocation`: 20 for a channel that allows 483 HTLCs, 5 for one that allows 114.
 * Other sizes get the same proportion of the general bucket (20 of its 193 slots), rounded, at least 1 and at most
 * the whole bucket: 114 gives round(45 * 20 / 193) = 5, as the proposal says.
 */
export function generalSlotAllocation(generalSlots: number): number {
  if (generalSlots <= 0) return 0
  return Math.min(generalSlots, Math.max(1, Math.round((generalSlots * 20) / 193)))
}

/**
 * The general slots (indices below `total`) the pair may occupy: `slot = sha256(salt, incoming, outgoing, i) % total`
 * for i = 0, 1, …, skipping a slot already drawn so that the pair gets `count` distinct ones (the proposal's loop draws
 * `count` times and may repeat a slot; distinct slots keep the allocation the size it names).
 */
export function assignedGeneralSlots(
  salt: Uint8Array,
  incomingChannel: string,
  outgoingChannel: string,
  count: number,
  total: number,
): number[] {
  const wanted = Math.min(count, total)
  const slots = new Set<number>()
  const encoder = new TextEncoder()
  const pair = encoder.encode(`${incomingChannel}/${outgoingChannel}`)
  for (let i = 0; slots.size < wanted; i++) {
    const index = new Uint8Array(4)
    new DataView(index.buffer).setUint32(0, i)
    const digest = sha256(salt, pair, index)
    const value = new DataView(digest.buffer, digest.byteOffset, 8).getBigUint64(0)
    slots.add(Number(value % BigInt(total)))
  }
  return [...slots].sort((a, b) => a - b)
}
