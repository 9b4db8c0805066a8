/**
 * The keys of one side of a channel. All secrets derive from a 32-byte channel
 * seed, which only the signer knows (see signer.ts): channel state keeps the id
 * of its keys, never a secret.
 */
import { utf8 } from '../core/bytes.js'
import { hmacSha256 } from '../crypto/hash.js'
import { publicKeyOf } from '../crypto/secp256k1.js'
import { deriveRevocationPublicKey, derivePublicKey, type KnownRevocationSecret } from '../crypto/keyDerivation.js'

export interface Basepoints {
  fundingPubkey: Uint8Array
  revocationBasepoint: Uint8Array
  paymentBasepoint: Uint8Array
  delayedPaymentBasepoint: Uint8Array
  htlcBasepoint: Uint8Array
}

export interface ChannelSecrets {
  fundingPrivkey: Uint8Array
  revocationBasepointSecret: Uint8Array
  paymentBasepointSecret: Uint8Array
  delayedPaymentBasepointSecret: Uint8Array
  htlcBasepointSecret: Uint8Array
  shachainSeed: Uint8Array
  basepoints: Basepoints
}

function child(seed: Uint8Array, label: string): Uint8Array {
  return hmacSha256(seed, utf8(`lnsim/channel/${label}`))
}

/** Deterministic: the same seed always gives the same keys. */
export function channelSecrets(seed: Uint8Array): ChannelSecrets {
  const fundingPrivkey = child(seed, 'funding')
  const revocationBasepointSecret = child(seed, 'revocation')
  const paymentBasepointSecret = child(seed, 'payment')
  const delayedPaymentBasepointSecret = child(seed, 'delayed')
  const htlcBasepointSecret = child(seed, 'htlc')
  return {
    fundingPrivkey,
    revocationBasepointSecret,
    paymentBasepointSecret,
    delayedPaymentBasepointSecret,
    htlcBasepointSecret,
    shachainSeed: child(seed, 'shachain'),
    basepoints: {
      fundingPubkey: publicKeyOf(fundingPrivkey),
      revocationBasepoint: publicKeyOf(revocationBasepointSecret),
      paymentBasepoint: publicKeyOf(paymentBasepointSecret),
      delayedPaymentBasepoint: publicKeyOf(delayedPaymentBasepointSecret),
      htlcBasepoint: publicKeyOf(htlcBasepointSecret),
    },
  }
}

/**
 * The keys of one commitment transaction, named from the point of view of its
 * owner (the side that can broadcast it): BOLT #3 "Key Derivation".
 */
export interface CommitmentKeys {
  perCommitmentPoint: Uint8Array
  /** spendable by the other side once the owner reveals this commitment's secret */
  revocationPubkey: Uint8Array
  /** the owner's to_local key, after the delay */
  ownerDelayedPubkey: Uint8Array
  ownerHtlcPubkey: Uint8Array
  otherHtlcPubkey: Uint8Array
  /** to_remote pays the other side's payment basepoint directly (option_static_remotekey) */
  otherPaymentPubkey: Uint8Array
}

/** One BOLT #3 derivation of a public key, for commitmentKeys; a signer may remember them. */
export type DeriveKey = (
  kind: 'key' | 'revocation',
  basepoint: Uint8Array,
  point: Uint8Array,
  known?: KnownRevocationSecret,
) => Uint8Array

export const deriveKey: DeriveKey = (kind, basepoint, point, known) =>
  kind === 'key' ? derivePublicKey(basepoint, point) : deriveRevocationPublicKey(basepoint, point, known)

/**
 * The keys of a commitment, each derived only when an output needs it: a
 * commitment without HTLCs never pays for the two HTLC keys. `known` is the
 * secret this side holds behind the revocation key's points, which makes its
 * derivation cheaper (see deriveRevocationPublicKey).
 */
export function commitmentKeys(
  owner: Basepoints,
  other: Basepoints,
  perCommitmentPoint: Uint8Array,
  known: KnownRevocationSecret | undefined,
  derive: DeriveKey,
): CommitmentKeys {
  return {
    perCommitmentPoint,
    get revocationPubkey() {
      return derive('revocation', other.revocationBasepoint, perCommitmentPoint, known)
    },
    get ownerDelayedPubkey() {
      return derive('key', owner.delayedPaymentBasepoint, perCommitmentPoint)
    },
    get ownerHtlcPubkey() {
      return derive('key', owner.htlcBasepoint, perCommitmentPoint)
    },
    get otherHtlcPubkey() {
      return derive('key', other.htlcBasepoint, perCommitmentPoint)
    },
    otherPaymentPubkey: other.paymentBasepoint,
  }
}
