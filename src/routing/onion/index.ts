/**
 * BOLT #4 onion routing: Sphinx packets, per-hop payment payloads, replay
 * protection and the encrypted failures that travel back to the origin.
 *
 * @example
 * ```ts
 * // origin
 * const { packet, sharedSecrets } = createPaymentOnion(randomPrivateKey(), [
 *   { pubkey: bob, payload: { amtToForward: 1_000n, outgoingCltvValue: 140, shortChannelId: bobToCarol } },
 *   { pubkey: carol, payload: { amtToForward: 1_000n, outgoingCltvValue: 140, paymentData: { paymentSecret, totalMsat:
 * 1_000n } } },
 * ], paymentHash)
 * // at each hop (throws OnionError carrying the BOLT failure code)
 * const { payload, nextPacket, sharedSecret } = peelPaymentOnion(packet, nodeKey, paymentHash, { log: replayLog,
 * cltvExpiry })
 * // a hop that fails the HTLC, then every hop on the way back, then the origin
 * const reason = createFailure(sharedSecret, { code: FAILURE.UNKNOWN_NEXT_PEER })
 * const relayed = obfuscateFailure(previousHopSecret, reason)
 * const verdict = attributeFailure(sharedSecrets, relayed) // { type: 'attributed', failingHopIndex, failure }
 * ```
 */
export { FAILURE_PADDED_LENGTH, ONION_PACKET_LENGTH, HOP_PAYLOADS_LENGTH } from './constants.js'
export { OnionError, OnionEncodeError } from './errors.js'
export {
  BADONION,
  PERM,
  NODE,
  UPDATE,
  FAILURE,
  failureName,
  isBadOnion,
  isPermanent,
  isNodeFailure,
  hasChannelUpdate,
  type FailureName,
} from './failureCodes.js'
export {
  encodeFailureMessage,
  decodeFailureMessage,
  type FailureMessage,
  type FailureFields,
} from './failureMessage.js'
export { encodeHopPayload, decodeHopPayload, HOP_PAYLOAD_TLV, type HopPayload } from './hopPayload.js'
export { onionKey, type OnionKeyType } from './keys.js'
export { createPaymentOnion, peelPaymentOnion, type PaymentHop, type PeeledPayment } from './paymentOnion.js'
export { MemoryReplayLog, replayTag, type ReplayLog } from './replayLog.js'
export { createFailure, obfuscateFailure, attributeFailure, type AttributedFailure } from './returningErrors.js'
export {
  checkReplay,
  createOnion,
  peelOnion,
  type OnionHop,
  type CreatedOnion,
  type PeeledOnion,
  type ReplayCheck,
} from './sphinx.js'
