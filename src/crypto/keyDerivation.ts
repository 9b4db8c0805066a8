/**
 * BOLT #3 "Key Derivation": the per-commitment keys of a channel.
 * https://github.com/lightning/bolts/blob/master/03-transactions.md#key-derivation
 */
import { sha256 } from './hash.js'
import { pointAdd, pointAddTweak, pointMultiply, privateKeyAdd, privateKeyMultiply, publicKeyOf } from './secp256k1.js'

/**
 * localpubkey, remotepubkey, local_htlcpubkey, remote_htlcpubkey, local_delayedpubkey: basepoint +
 * SHA256(per_commitment_point || basepoint)·G
 */
export function derivePublicKey(basepoint: Uint8Array, perCommitmentPoint: Uint8Array): Uint8Array {
  return pointAddTweak(basepoint, sha256(perCommitmentPoint, basepoint))
}

/**
 * The secret matching derivePublicKey: basepoint_secret + SHA256(per_commitment_point || basepoint). A caller that
 * knows the basepoint passes it, saving a multiplication (one per commitment_signed with HTLCs).
 */
export function derivePrivateKey(
  basepointSecret: Uint8Array,
  perCommitmentPoint: Uint8Array,
  basepoint: Uint8Array = publicKeyOf(basepointSecret),
): Uint8Array {
  return privateKeyAdd(basepointSecret, sha256(perCommitmentPoint, basepoint))
}

/**
 * revocationpubkey = revocation_basepoint·SHA256(revocation_basepoint || per_commitment_point)
 *                  + per_commitment_point·SHA256(per_commitment_point || revocation_basepoint)
 */
export function deriveRevocationPublicKey(
  revocationBasepoint: Uint8Array,
  perCommitmentPoint: Uint8Array,
  known: KnownRevocationSecret = {},
): Uint8Array {
  const h1 = sha256(revocationBasepoint, perCommitmentPoint)
  const h2 = sha256(perCommitmentPoint, revocationBasepoint)
  // P·h with P = k·G is (k·h)·G: a multiplication of the generator, which libsecp256k1
  // does faster, with precomputed tables (scripts/bench/01-crypto.ts: "public key from
  // private key" against "point multiply")
  const a = known.revocationBasepointSecret
    ? publicKeyOf(privateKeyMultiply(known.revocationBasepointSecret, h1))
    : pointMultiply(revocationBasepoint, h1)
  const b = known.perCommitmentSecret
    ? publicKeyOf(privateKeyMultiply(known.perCommitmentSecret, h2))
    : pointMultiply(perCommitmentPoint, h2)
  return pointAdd(a, b)
}

/**
 * The secret behind one of the two points, when this side has it: its own
 * revocation basepoint's (on the peer's commitments) or its own per-commitment
 * secret (on its own commitments). The key is the same; only the work differs.
 */
export interface KnownRevocationSecret {
  revocationBasepointSecret?: Uint8Array
  perCommitmentSecret?: Uint8Array
}

/** The secret for revocationpubkey, computable only once the per-commitment secret is revealed. */
export function deriveRevocationPrivateKey(
  revocationBasepointSecret: Uint8Array,
  perCommitmentSecret: Uint8Array,
): Uint8Array {
  const revocationBasepoint = publicKeyOf(revocationBasepointSecret)
  const perCommitmentPoint = publicKeyOf(perCommitmentSecret)
  const a = privateKeyMultiply(revocationBasepointSecret, sha256(revocationBasepoint, perCommitmentPoint))
  const b = privateKeyMultiply(perCommitmentSecret, sha256(perCommitmentPoint, revocationBasepoint))
  return privateKeyAdd(a, b)
}
