import * as secp from '@noble/secp256k1'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { bigintToBytes32, bytesToBigint } from '../core/bytes.js'
import { InvalidKeyError } from './errors.js'
import type { Secp256k1Backend } from './backend.js'

// noble's synchronous sign needs these (RFC6979 nonces are HMAC-SHA256 based).
secp.hashes.sha256 = nobleSha256
secp.hashes.hmacSha256 = (key: Uint8Array, msg: Uint8Array) => hmac(nobleSha256, key, msg)

const N = secp.Point.CURVE().n

function point(bytes: Uint8Array, what: string): secp.Point {
  if (bytes.length !== 33)
    throw new InvalidKeyError(`${what} must be a 33-byte compressed point, got ${bytes.length} bytes`)
  try {
    return secp.Point.fromBytes(bytes)
  } catch {
    throw new InvalidKeyError(`${what} is not a point on secp256k1`)
  }
}

function scalar(bytes: Uint8Array, what: string): bigint {
  if (bytes.length !== 32) throw new InvalidKeyError(`${what} must be 32 bytes, got ${bytes.length}`)
  const n = bytesToBigint(bytes)
  if (n === 0n || n >= N) throw new InvalidKeyError(`${what} is out of range for secp256k1`)
  return n
}

function nonZero(p: secp.Point, what: string): Uint8Array {
  if (p.is0()) throw new InvalidKeyError(`${what} is the point at infinity`)
  return p.toBytes(true)
}

/** The reference backend: @noble/secp256k1, pure JS, audited, deterministic. */
export const nobleBackend: Secp256k1Backend = {
  name: 'noble',
  publicKeyCreate(privateKey) {
    scalar(privateKey, 'private key')
    return secp.getPublicKey(privateKey, true)
  },
  isValidPublicKey(publicKey) {
    return publicKey.length === 33 && secp.utils.isValidPublicKey(publicKey, true)
  },
  isValidPrivateKey(privateKey) {
    return privateKey.length === 32 && secp.utils.isValidSecretKey(privateKey)
  },
  sign(digest, privateKey) {
    if (digest.length !== 32) throw new InvalidKeyError('can only sign a 32-byte digest')
    return secp.sign(digest, privateKey, { prehash: false, lowS: true })
  },
  verify(signature, digest, publicKey) {
    if (signature.length !== 64 || digest.length !== 32 || publicKey.length !== 33) return false
    try {
      return secp.verify(signature, digest, publicKey, { prehash: false, lowS: true })
    } catch {
      return false
    }
  },
  signRecoverable(digest, privateKey) {
    if (digest.length !== 32) throw new InvalidKeyError('can only sign a 32-byte digest')
    // 'recovered' format is recovery id || r || s
    const rec = secp.sign(digest, privateKey, { prehash: false, lowS: true, format: 'recovered' })
    return { signature: rec.slice(1), recoveryId: rec[0]! }
  },
  recover(signature, recoveryId, digest) {
    if (signature.length !== 64) throw new InvalidKeyError('a recoverable signature is 64 bytes plus a recovery id')
    if (!Number.isInteger(recoveryId) || recoveryId < 0 || recoveryId > 3)
      throw new InvalidKeyError(`bad recovery id ${recoveryId}`)
    const rec = new Uint8Array(65)
    rec[0] = recoveryId
    rec.set(signature, 1)
    try {
      return secp.recoverPublicKey(rec, digest, { prehash: false })
    } catch {
      throw new InvalidKeyError('no public key can be recovered from this signature')
    }
  },
  sharedPoint(privateKey, publicKey) {
    return nonZero(point(publicKey, 'public key').multiply(scalar(privateKey, 'private key')), 'shared point')
  },
  pointAdd(a, b) {
    return nonZero(point(a, 'point').add(point(b, 'point')), 'sum of points')
  },
  pointAddTweak(p, tweak) {
    return nonZero(point(p, 'point').add(secp.Point.BASE.multiply(scalar(tweak, 'tweak'))), 'tweaked point')
  },
  pointMultiply(p, s) {
    return nonZero(point(p, 'point').multiply(scalar(s, 'scalar')), 'product')
  },
  privateKeyAdd(privateKey, tweak) {
    const t = bytesToBigint(tweak)
    if (tweak.length !== 32 || t >= N) throw new InvalidKeyError('tweak out of range')
    const r = (scalar(privateKey, 'private key') + t) % N
    if (r === 0n) throw new InvalidKeyError('tweaked key is zero')
    return bigintToBytes32(r)
  },
  privateKeyMultiply(privateKey, tweak) {
    const r = (scalar(privateKey, 'private key') * scalar(tweak, 'tweak')) % N
    return bigintToBytes32(r)
  },
}
