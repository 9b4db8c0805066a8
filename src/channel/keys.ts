/**
 * The keys of one side of a channel. All secrets derive from a 32-byte channel
 * seed (which the node derives from its own seed), so persisted channel state
 * holds one secret, not seven.
 */
import { toHex, utf8 } from '../core/bytes.js'
import { hmacSha256 } from '../crypto/hash.js'
import { publicKeyOf } from '../crypto/secp256k1.js'
import { perCommitmentSecret, shachainIndex } from '../crypto/shachain.js'
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

/** Our own commitment number `index`: its keys, knowing its per-commitment secret. */
export function localCommitmentKeys(localParams: { seed: Uint8Array; basepoints: Basepoints }, remote: Basepoints, index: bigint): CommitmentKeys {
  return commitmentKeys(localParams.basepoints, remote, localPerCommitmentPoint(localParams.seed, index), { perCommitmentSecret: localPerCommitmentSecret(localParams.seed, index) })
}

/** The peer's commitment at `remotePoint`: its keys, knowing our revocation basepoint's secret. */
export function remoteCommitmentKeys(localParams: { seed: Uint8Array; basepoints: Basepoints }, remote: Basepoints, remotePoint: Uint8Array): CommitmentKeys {
  return commitmentKeys(remote, localParams.basepoints, remotePoint, { revocationBasepointSecret: channelSecrets(localParams.seed).revocationBasepointSecret })
}

const derivedCache = new Map<string, Uint8Array>()

/** Memoized per (basepoint, point): each key of a commitment is derived at most once per process. */
function derived(kind: 'key' | 'revocation', basepoint: Uint8Array, point: Uint8Array, known?: KnownRevocationSecret): Uint8Array {
  const key = `${kind}:${toHex(basepoint)}:${toHex(point)}`
  let k = derivedCache.get(key)
  if (!k) {
    k = kind === 'key' ? derivePublicKey(basepoint, point) : deriveRevocationPublicKey(basepoint, point, known)
    if (derivedCache.size > 16_384) derivedCache.clear()
    derivedCache.set(key, k)
  }
  return k
}

/**
 * Forgets the derived keys. Two nodes each derive the keys of every commitment
 * between them; the bench's lower bound (scripts/bench/lib/cryptoBound.ts) plays
 * both ends in one process, and calls this when the other end takes its turn so
 * that the second end's derivations count too.
 */
export function forgetDerivedKeys(): void {
  derivedCache.clear()
}

/**
 * The keys of a commitment, each derived only when an output needs it: a
 * commitment without HTLCs never pays for the two HTLC keys. `known` is the
 * secret this side holds behind the revocation key's points, which makes its
 * derivation cheaper (see deriveRevocationPublicKey).
 */
export function commitmentKeys(owner: Basepoints, other: Basepoints, perCommitmentPoint: Uint8Array, known?: KnownRevocationSecret): CommitmentKeys {
  return {
    perCommitmentPoint,
    get revocationPubkey() {
      return derived('revocation', other.revocationBasepoint, perCommitmentPoint, known)
    },
    get ownerDelayedPubkey() {
      return derived('key', owner.delayedPaymentBasepoint, perCommitmentPoint)
    },
    get ownerHtlcPubkey() {
      return derived('key', owner.htlcBasepoint, perCommitmentPoint)
    },
    get otherHtlcPubkey() {
      return derived('key', other.htlcBasepoint, perCommitmentPoint)
    },
    otherPaymentPubkey: other.paymentBasepoint,
  }
}
