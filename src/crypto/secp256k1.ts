/**
 * The curve operations of lnsim, through whichever backend is selected. This is
 * the only module callers import for keys, signatures and ECDH.
 */
import { randomBytes } from 'node:crypto'
import { sha256 } from './hash.js'
import { nobleBackend } from './nobleBackend.js'
import { loadNativeBackend } from './nativeBackend.js'
import type { Secp256k1Backend } from './backend.js'

/**
 * The native backend when it loads (it is many times faster at verifying), noble otherwise.
 * LNSIM_CRYPTO=noble forces the pure-JS reference, e.g. to compare the two.
 */
function defaultBackend(): Secp256k1Backend {
  if (process.env.LNSIM_CRYPTO === 'noble') return nobleBackend
  return loadNativeBackend() ?? nobleBackend
}

let backend: Secp256k1Backend = defaultBackend()

/** Selects the implementation used from now on (the reference one is noble). */
export function useBackend(next: Secp256k1Backend): void {
  backend = next
}

export function currentBackend(): Secp256k1Backend {
  return backend
}

export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  return backend.publicKeyCreate(privateKey)
}

export function isValidPublicKey(publicKey: Uint8Array): boolean {
  return backend.isValidPublicKey(publicKey)
}

export function isValidPrivateKey(privateKey: Uint8Array): boolean {
  return backend.isValidPrivateKey(privateKey)
}

export function randomPrivateKey(): Uint8Array {
  for (;;) {
    const k = new Uint8Array(randomBytes(32))
    if (backend.isValidPrivateKey(k)) return k
  }
}

/** Deterministic ECDSA (RFC6979) with low S over a 32-byte digest: 64 bytes r || s. */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return backend.sign(digest, privateKey)
}

/** False (never a throw) for any malformed signature, digest or key. */
export function verifyDigest(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean {
  return backend.verify(signature, digest, publicKey)
}

export function signRecoverable(
  digest: Uint8Array,
  privateKey: Uint8Array,
): { signature: Uint8Array; recoveryId: number } {
  return backend.signRecoverable(digest, privateKey)
}

export function recoverPublicKey(signature: Uint8Array, recoveryId: number, digest: Uint8Array): Uint8Array {
  return backend.recover(signature, recoveryId, digest)
}

/** BOLT #4/#8 ECDH: sha256 of the compressed shared point. */
export function ecdh(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return sha256(backend.sharedPoint(privateKey, publicKey))
}

export function pointAdd(a: Uint8Array, b: Uint8Array): Uint8Array {
  return backend.pointAdd(a, b)
}

/** point + tweak·G */
export function pointAddTweak(point: Uint8Array, tweak: Uint8Array): Uint8Array {
  return backend.pointAddTweak(point, tweak)
}

export function pointMultiply(point: Uint8Array, scalar: Uint8Array): Uint8Array {
  return backend.pointMultiply(point, scalar)
}

export function privateKeyAdd(privateKey: Uint8Array, tweak: Uint8Array): Uint8Array {
  return backend.privateKeyAdd(privateKey, tweak)
}

export function privateKeyMultiply(privateKey: Uint8Array, tweak: Uint8Array): Uint8Array {
  return backend.privateKeyMultiply(privateKey, tweak)
}
