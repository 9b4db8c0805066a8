/**
 * The onion operations the payment code needs, as one narrow interface over
 * src/routing/onion, so relaying and sending read in the protocol's terms.
 */
import type { ShortChannelId } from '../../core/shortChannelId.js'

export interface HopPayload {
  amtToForward: bigint
  outgoingCltvValue: number
  /** intermediate hops: the channel to forward on */
  shortChannelId?: ShortChannelId
  /** the final hop: the invoice's payment secret and the payment's total */
  paymentData?: { paymentSecret: Uint8Array; totalMsat: bigint }
}

export type PeelResult =
  | { ok: true; payload: HopPayload; next: Uint8Array | null; sharedSecret: Uint8Array }
  /** the onion cannot be read: answer with update_fail_malformed_htlc and this BADONION code */
  | { ok: false; failureCode: number; message: string }

export interface AttributedFailure {
  hopIndex: number
  failureCode: number
  /** the failure's data fields (e.g. the channel_update of fee_insufficient) */
  data: Uint8Array
}

export interface OnionOps {
  build(sessionKey: Uint8Array, hops: Array<{ nodeId: Uint8Array; payload: HopPayload }>, associatedData: Uint8Array): { packet: Uint8Array; sharedSecrets: Uint8Array[] }
  peel(packet: Uint8Array, nodePrivateKey: Uint8Array, associatedData: Uint8Array): PeelResult
  /** at the failing hop */
  createFailure(sharedSecret: Uint8Array, failureCode: number, data: Uint8Array): Uint8Array
  /** at every hop on the way back */
  obfuscate(sharedSecret: Uint8Array, reason: Uint8Array): Uint8Array
  /** at the sender: which hop failed, and how */
  attribute(sharedSecrets: Uint8Array[], reason: Uint8Array): AttributedFailure | undefined
}

/** BOLT #4 failure codes the node produces or reacts to. */
export const BADONION = 0x8000
export const PERM = 0x4000
export const NODE = 0x2000
export const UPDATE = 0x1000
export const FAILURE = {
  INVALID_ONION_VERSION: BADONION | PERM | 4,
  INVALID_ONION_HMAC: BADONION | PERM | 5,
  INVALID_ONION_KEY: BADONION | PERM | 6,
  TEMPORARY_CHANNEL_FAILURE: UPDATE | 7,
  PERMANENT_CHANNEL_FAILURE: PERM | 8,
  UNKNOWN_NEXT_PEER: PERM | 10,
  AMOUNT_BELOW_MINIMUM: UPDATE | 11,
  FEE_INSUFFICIENT: UPDATE | 12,
  INCORRECT_CLTV_EXPIRY: UPDATE | 13,
  EXPIRY_TOO_SOON: UPDATE | 14,
  INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS: PERM | 15,
  FINAL_INCORRECT_CLTV_EXPIRY: 18,
  FINAL_INCORRECT_HTLC_AMOUNT: 19,
  CHANNEL_DISABLED: UPDATE | 20,
  TEMPORARY_NODE_FAILURE: NODE | 2,
  INVALID_ONION_PAYLOAD: PERM | 22,
} as const

export function failureName(code: number): string {
  for (const [name, c] of Object.entries(FAILURE)) if (c === code) return name.toLowerCase()
  return `failure_0x${code.toString(16)}`
}
