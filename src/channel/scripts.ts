/**
 * The spending conditions of a channel's outputs: BOLT #3's scripts, written in
 * the mock chain's policy language. HTLCs lock to sha256(preimage) = payment_hash
 * directly (Bitcoin scripts use RIPEMD160 of it only to save bytes).
 *
 * As in BOLT #3, the owner of a commitment can take an HTLC output only through a
 * second-stage HTLC-timeout or HTLC-success transaction (htlcTx.ts): its branch
 * needs both sides' HTLC keys, and the other side signs that transaction only
 * with an output that makes the owner wait `to_self_delay` (or lets the
 * revocation key take it). The other side takes its branch directly.
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

/**
 * An HTLC the owner offered: revocation, or the other side with the preimage, or both HTLC keys after cltv_expiry
 * (the owner's HTLC-timeout transaction, whose nLockTime is cltv_expiry).
 */
export function offeredHtlcCondition(keys: CommitmentKeys, paymentHash: Uint8Array, cltvExpiry: number): Condition {
  return any(
    sig(keys.revocationPubkey),
    all(sig(keys.otherHtlcPubkey), sha256Lock(paymentHash)),
    all(sig(keys.ownerHtlcPubkey), sig(keys.otherHtlcPubkey), after(cltvExpiry)),
  )
}

/**
 * An HTLC the owner received: revocation, or both HTLC keys with the preimage (the owner's HTLC-success
 * transaction), or the other side after cltv_expiry.
 */
export function receivedHtlcCondition(keys: CommitmentKeys, paymentHash: Uint8Array, cltvExpiry: number): Condition {
  return any(
    sig(keys.revocationPubkey),
    all(sig(keys.ownerHtlcPubkey), sig(keys.otherHtlcPubkey), sha256Lock(paymentHash)),
    all(sig(keys.otherHtlcPubkey), after(cltvExpiry)),
  )
}

/**
 * The one output of an HTLC-timeout or HTLC-success transaction (BOLT #3): the same condition as to_local, so the
 * owner waits `to_self_delay` after it, and a revoked one is the other side's at once.
 */
export function htlcTxOutputCondition(keys: CommitmentKeys, toSelfDelay: number): Condition {
  return toLocalCondition(keys, toSelfDelay)
}
