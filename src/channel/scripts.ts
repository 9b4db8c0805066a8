/**
 * The spending conditions of a channel's outputs: BOLT #3's scripts, written in
 * the mock chain's policy language. HTLCs lock to sha256(preimage) = payment_hash
 * directly (Bitcoin scripts use RIPEMD160 of it only to save bytes), and there
 * are no second-stage HTLC transactions: each HTLC path is spent directly.
 */
import { compareBytes } from '../core/bytes.js'
import { after, all, any, older, sha256Lock, sig, type Condition } from '../chain/condition.js'
import type { CommitmentKeys } from './keys.js'

/** BOLT #3 funding output: 2-of-2 with the lexicographically lesser key first. */
export function fundingCondition(a: Uint8Array, b: Uint8Array): Condition {
  const [k1, k2] = compareBytes(a, b) <= 0 ? [a, b] : [b, a]
  return all(sig(k1), sig(k2))
}

/** to_local: the owner after its delay, or the other side at once with the revocation key. */
export function toLocalCondition(keys: CommitmentKeys, toSelfDelay: number): Condition {
  return any(sig(keys.revocationPubkey), all(sig(keys.ownerDelayedPubkey), older(toSelfDelay)))
}

/** to_remote: the other side at once (option_static_remotekey). */
export function toRemoteCondition(keys: CommitmentKeys): Condition {
  return sig(keys.otherPaymentPubkey)
}

/** An HTLC the owner offered: revocation, or the other side with the preimage, or the owner after cltv_expiry. */
export function offeredHtlcCondition(keys: CommitmentKeys, paymentHash: Uint8Array, cltvExpiry: number): Condition {
  return any(
    sig(keys.revocationPubkey),
    all(sig(keys.otherHtlcPubkey), sha256Lock(paymentHash)),
    all(sig(keys.ownerHtlcPubkey), after(cltvExpiry)),
  )
}

/** An HTLC the owner received: revocation, or the owner with the preimage, or the other side after cltv_expiry. */
export function receivedHtlcCondition(keys: CommitmentKeys, paymentHash: Uint8Array, cltvExpiry: number): Condition {
  return any(
    sig(keys.revocationPubkey),
    all(sig(keys.ownerHtlcPubkey), sha256Lock(paymentHash)),
    all(sig(keys.otherHtlcPubkey), after(cltvExpiry)),
  )
}
