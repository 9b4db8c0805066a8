/**
 * BOLT #4 "Failure Messages": failure codes, whose top byte is a set of flags.
 */

/** unparsable onion encrypted by the sending peer: answer with update_fail_malformed_htlc */
export const BADONION = 0x8000
/** permanent failure (otherwise transient) */
export const PERM = 0x4000
/** node failure (otherwise channel) */
export const NODE = 0x2000
/** a channel_update is enclosed */
export const UPDATE = 0x1000

export const FAILURE = {
  INVALID_REALM: PERM | 1,
  TEMPORARY_NODE_FAILURE: NODE | 2,
  PERMANENT_NODE_FAILURE: PERM | NODE | 2,
  REQUIRED_NODE_FEATURE_MISSING: PERM | NODE | 3,
  INVALID_ONION_VERSION: BADONION | PERM | 4,
  INVALID_ONION_HMAC: BADONION | PERM | 5,
  INVALID_ONION_KEY: BADONION | PERM | 6,
  TEMPORARY_CHANNEL_FAILURE: UPDATE | 7,
  PERMANENT_CHANNEL_FAILURE: PERM | 8,
  REQUIRED_CHANNEL_FEATURE_MISSING: PERM | 9,
  UNKNOWN_NEXT_PEER: PERM | 10,
  AMOUNT_BELOW_MINIMUM: UPDATE | 11,
  FEE_INSUFFICIENT: UPDATE | 12,
  INCORRECT_CLTV_EXPIRY: UPDATE | 13,
  EXPIRY_TOO_SOON: UPDATE | 14,
  INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS: PERM | 15,
  FINAL_INCORRECT_CLTV_EXPIRY: 18,
  FINAL_INCORRECT_HTLC_AMOUNT: 19,
  CHANNEL_DISABLED: UPDATE | 20,
  EXPIRY_TOO_FAR: 21,
  INVALID_ONION_PAYLOAD: PERM | 22,
  MPP_TIMEOUT: 23,
  INVALID_ONION_BLINDING: BADONION | PERM | 24,
} as const

export type FailureName = keyof typeof FAILURE

const NAMES = new Map<number, string>(Object.entries(FAILURE).map(([name, code]) => [code, name.toLowerCase()]))

/** The spec's name (`fee_insufficient`), or `failure_0x…` for a code lnsim does not know. */
export function failureName(code: number): string {
  return NAMES.get(code) ?? `failure_0x${code.toString(16).padStart(4, '0')}`
}

export function isBadOnion(code: number): boolean {
  return (code & BADONION) !== 0
}

export function isPermanent(code: number): boolean {
  return (code & PERM) !== 0
}

export function isNodeFailure(code: number): boolean {
  return (code & NODE) !== 0
}

export function hasChannelUpdate(code: number): boolean {
  return (code & UPDATE) !== 0
}
