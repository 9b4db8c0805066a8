/**
 * Onions for payments: Sphinx packets whose hop payloads are the BOLT #4
 * payment TLVs, read back with the rules for intermediate and final hops.
 */
import { encodeHopPayload, decodeHopPayload, type HopPayload } from './hopPayload.js'
import { createOnion, peelOnion, type CreatedOnion, type ReplayCheck } from './sphinx.js'

export interface PaymentHop {
  /** the hop's node id */
  pubkey: Uint8Array
  payload: HopPayload
}

export interface PeeledPayment {
  payload: HopPayload
  /** the packet to forward on payload.shortChannelId, or null at the final node */
  nextPacket: Uint8Array | null
  sharedSecret: Uint8Array
}

/** The onion for a payment route; the last hop is the payee. `associatedData` is the payment hash. */
export function createPaymentOnion(
  sessionKey: Uint8Array,
  hops: PaymentHop[],
  associatedData: Uint8Array,
): CreatedOnion {
  return createOnion(
    sessionKey,
    hops.map((hop, i) => ({ pubkey: hop.pubkey, payload: encodeHopPayload(hop.payload, i === hops.length - 1) })),
    associatedData,
  )
}

/**
 * Peels an incoming HTLC's onion and reads this hop's payment instructions; throws OnionError with the failure to
 * return.
 */
export function peelPaymentOnion(
  packet: Uint8Array,
  nodePrivateKey: Uint8Array,
  associatedData: Uint8Array,
  replay?: ReplayCheck,
): PeeledPayment {
  const peeled = peelOnion(packet, nodePrivateKey, associatedData, replay)
  return {
    payload: decodeHopPayload(peeled.payload, peeled.nextPacket === null, peeled.sharedSecret),
    nextPacket: peeled.nextPacket,
    sharedSecret: peeled.sharedSecret,
  }
}
