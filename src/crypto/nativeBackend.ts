/**
 * libsecp256k1 through the `secp256k1` package's prebuilt native binding:
 * verification is many times faster than pure JS (platform-notes §6; the crypto
 * section of `npm run bench`, scripts/bench/01-crypto.ts, measures both backends).
 * Both backends sign with RFC6979 and low S, so they produce identical bytes;
 * test/unit/crypto/backends.test.ts checks that.
 */
import { createRequire } from 'node:module'
import { InvalidKeyError } from './errors.js'
import type { Secp256k1Backend } from './backend.js'

interface NativeSecp256k1 {
  privateKeyVerify(k: Uint8Array): boolean
  publicKeyVerify(p: Uint8Array): boolean
  publicKeyCreate(k: Uint8Array, compressed: boolean): Uint8Array
  publicKeyCombine(points: Uint8Array[], compressed: boolean): Uint8Array
  publicKeyTweakMul(p: Uint8Array, tweak: Uint8Array, compressed: boolean): Uint8Array
  publicKeyTweakAdd(p: Uint8Array, tweak: Uint8Array, compressed: boolean): Uint8Array
  privateKeyTweakAdd(k: Uint8Array, tweak: Uint8Array): Uint8Array
  privateKeyTweakMul(k: Uint8Array, tweak: Uint8Array): Uint8Array
  ecdsaSign(digest: Uint8Array, k: Uint8Array): { signature: Uint8Array; recid: number }
  ecdsaVerify(sig: Uint8Array, digest: Uint8Array, p: Uint8Array): boolean
  ecdsaRecover(sig: Uint8Array, recid: number, digest: Uint8Array, compressed: boolean): Uint8Array
}

function guard<T>(what: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    throw new InvalidKeyError(`${what}: ${(err as Error).message}`)
  }
}

function copy(bytes: Uint8Array): Uint8Array {
  // the binding mutates and returns the input buffer for tweaks; never hand callers an alias
  return new Uint8Array(bytes)
}

/** The native backend, or undefined when the binding cannot load on this machine. */
export function loadNativeBackend(): Secp256k1Backend | undefined {
  let lib: NativeSecp256k1
  try {
    // the bindings entry point, not the package's index, which silently falls back to a slow pure-JS copy
    lib = createRequire(import.meta.url)('secp256k1/bindings') as NativeSecp256k1
  } catch {
    return undefined
  }
  // the library parses (and so validates) every point it is given; only the length is checked here
  const point = (p: Uint8Array, what: string): Uint8Array => {
    if (p.length !== 33) throw new InvalidKeyError(`${what} is not a 33-byte compressed point`)
    return p
  }
  const scalar = (k: Uint8Array, what: string): Uint8Array => {
    if (k.length !== 32 || !lib.privateKeyVerify(k)) throw new InvalidKeyError(`${what} is out of range for secp256k1`)
    return k
  }
  return {
    name: 'libsecp256k1',
    publicKeyCreate: (k) => guard('public key', () => lib.publicKeyCreate(scalar(k, 'private key'), true)),
    isValidPublicKey: (p) => p.length === 33 && lib.publicKeyVerify(p),
    isValidPrivateKey: (k) => k.length === 32 && lib.privateKeyVerify(k),
    sign(digest, k) {
      if (digest.length !== 32) throw new InvalidKeyError('can only sign a 32-byte digest')
      return guard('sign', () => lib.ecdsaSign(digest, scalar(k, 'private key')).signature)
    },
    verify(sig, digest, p) {
      if (sig.length !== 64 || digest.length !== 32 || p.length !== 33) return false
      try {
        return lib.ecdsaVerify(sig, digest, p)
      } catch {
        return false
      }
    },
    signRecoverable(digest, k) {
      if (digest.length !== 32) throw new InvalidKeyError('can only sign a 32-byte digest')
      const r = guard('sign', () => lib.ecdsaSign(digest, scalar(k, 'private key')))
      return { signature: r.signature, recoveryId: r.recid }
    },
    recover(sig, recoveryId, digest) {
      if (sig.length !== 64) throw new InvalidKeyError('a recoverable signature is 64 bytes plus a recovery id')
      if (!Number.isInteger(recoveryId) || recoveryId < 0 || recoveryId > 3)
        throw new InvalidKeyError(`bad recovery id ${recoveryId}`)
      return guard('no public key can be recovered from this signature', () =>
        lib.ecdsaRecover(sig, recoveryId, digest, true),
      )
    },
    // k·P: libsecp256k1's own ECDH would hash the point through a JS callback, which makes it
    // slower than the multiplication alone; BOLT #4 and #8 hash it with sha256 above this layer
    sharedPoint: (k, p) =>
      guard('ECDH', () => lib.publicKeyTweakMul(copy(point(p, 'public key')), scalar(k, 'private key'), true)),
    pointAdd: (a, b) =>
      guard('sum of points', () => lib.publicKeyCombine([point(a, 'point'), point(b, 'point')], true)),
    pointAddTweak: (p, tweak) =>
      guard('tweaked point', () => lib.publicKeyTweakAdd(copy(point(p, 'point')), scalar(tweak, 'tweak'), true)),
    pointMultiply: (p, s) =>
      guard('product', () => lib.publicKeyTweakMul(copy(point(p, 'point')), scalar(s, 'scalar'), true)),
    privateKeyAdd(k, tweak) {
      if (tweak.length !== 32) throw new InvalidKeyError('tweak must be 32 bytes')
      return guard('tweaked key', () => lib.privateKeyTweakAdd(copy(scalar(k, 'private key')), tweak))
    },
    privateKeyMultiply: (k, tweak) =>
      guard('tweaked key', () => lib.privateKeyTweakMul(copy(scalar(k, 'private key')), scalar(tweak, 'tweak'))),
  }
}
