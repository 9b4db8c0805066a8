/**
 * The keys of one side of a channel. All secrets derive from a 32-byte channel
 * seed (which the node derives from its own seed), so persisted channel state
 * holds one secret, not seven.
 */
import { concatBytes, toHex, utf8 } from '../core/bytes.js'
import { hmacSha256 } from '../crypto/hash.js'
import { publicKeyOf } from '../crypto/secp256k1.js'
import { perCommitmentSecret, shachainIndex } from '../crypto/shachain.js'
import { deriveRevocationPublicKey, derivePublicKey } from '../crypto/keyDerivation.js'

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

const secretsCache = new Map<string, ChannelSecrets>()

function child(seed: Uint8Array, label: string): Uint8Array {
  return hmacSha256(seed, utf8(`lnsim/channel/${label}`))
}

/** Deterministic: the same seed always gives the same keys (memoized, the public keys cost curve operations). */
export function channelSecrets(seed: Uint8Array): ChannelSecrets {
  const key = toHex(seed)
  const cached = secretsCache.get(key)
  if (cached) return cached
  const fundingPrivkey = child(seed, 'funding')
  const revocationBasepointSecret = child(seed, 'revocation')
  const paymentBasepointSecret = child(seed, 'payment')
  const delayedPaymentBasepointSecret = child(seed, 'delayed')
  const htlcBasepointSecret = child(seed, 'htlc')
  const secrets: ChannelSecrets = {
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
  if (secretsCache.size > 4096) secretsCache.clear()
  secretsCache.set(key, secrets)
  return secrets
}

const secretCache = new Map<string, Uint8Array>()

/** Memoized: deriving one costs up to 48 sha256, and each is needed for the point, the revocation and reestablish. */
export function localPerCommitmentSecret(seed: Uint8Array, commitmentNumber: bigint): Uint8Array {
  const key = `${toHex(seed)}:${commitmentNumber}`
  let secret = secretCache.get(key)
  if (!secret) {
    secret = perCommitmentSecret(channelSecrets(seed).shachainSeed, shachainIndex(commitmentNumber))
    if (secretCache.size > 8192) secretCache.clear()
    secretCache.set(key, secret)
  }
  return secret
}

const pointCache = new Map<string, Uint8Array>()

/** Memoized: each point is needed several times (signing, verifying, revoking, reestablishing). */
export function localPerCommitmentPoint(seed: Uint8Array, commitmentNumber: bigint): Uint8Array {
  const key = `${toHex(seed)}:${commitmentNumber}`
  let point = pointCache.get(key)
  if (!point) {
    point = publicKeyOf(localPerCommitmentSecret(seed, commitmentNumber))
    if (pointCache.size > 8192) pointCache.clear()
    pointCache.set(key, point)
  }
  return point
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

const commitmentKeysCache = new Map<string, CommitmentKeys>()

export function commitmentKeys(owner: Basepoints, other: Basepoints, perCommitmentPoint: Uint8Array): CommitmentKeys {
  const key = toHex(concatBytes(perCommitmentPoint, owner.delayedPaymentBasepoint, other.revocationBasepoint, owner.htlcBasepoint, other.htlcBasepoint))
  const cached = commitmentKeysCache.get(key)
  if (cached) return { ...cached, otherPaymentPubkey: other.paymentBasepoint }
  const keys: CommitmentKeys = {
    perCommitmentPoint,
    revocationPubkey: deriveRevocationPublicKey(other.revocationBasepoint, perCommitmentPoint),
    ownerDelayedPubkey: derivePublicKey(owner.delayedPaymentBasepoint, perCommitmentPoint),
    ownerHtlcPubkey: derivePublicKey(owner.htlcBasepoint, perCommitmentPoint),
    otherHtlcPubkey: derivePublicKey(other.htlcBasepoint, perCommitmentPoint),
    otherPaymentPubkey: other.paymentBasepoint,
  }
  if (commitmentKeysCache.size > 4096) commitmentKeysCache.clear()
  commitmentKeysCache.set(key, keys)
  return keys
}
