import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../src/core/bytes.js'
import { sha256 } from '../../../src/crypto/hash.js'
import {
  ecdh,
  publicKeyOf,
  recoverPublicKey,
  signDigest,
  signRecoverable,
  verifyDigest,
  pointAdd,
  pointMultiply,
  privateKeyAdd,
} from '../../../src/crypto/secp256k1.js'
import { InvalidKeyError } from '../../../src/crypto/errors.js'

const a = fromHex('01'.repeat(32))
const b = fromHex('02'.repeat(32))
const digest = sha256(new TextEncoder().encode('lnsim'))

describe('secp256k1', () => {
  it('signs deterministically with low S, and verifies only the right digest and key', () => {
    const sig = signDigest(digest, a)
    expect(sig.length).toBe(64)
    expect(toHex(signDigest(digest, a))).toBe(toHex(sig))
    const s = BigInt('0x' + toHex(sig.subarray(32)))
    expect(s <= 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n).toBe(true)
    expect(verifyDigest(sig, digest, publicKeyOf(a))).toBe(true)
    expect(verifyDigest(sig, digest, publicKeyOf(b))).toBe(false)
    expect(verifyDigest(sig, sha256(digest), publicKeyOf(a))).toBe(false)
    expect(verifyDigest(new Uint8Array(64), digest, publicKeyOf(a))).toBe(false)
    expect(verifyDigest(sig.subarray(1), digest, publicKeyOf(a))).toBe(false)
  })

  it('recovers the signer from a recoverable signature', () => {
    const { signature, recoveryId } = signRecoverable(digest, b)
    expect(toHex(recoverPublicKey(signature, recoveryId, digest))).toBe(toHex(publicKeyOf(b)))
  })

  it('ECDH agrees from both sides', () => {
    expect(toHex(ecdh(a, publicKeyOf(b)))).toBe(toHex(ecdh(b, publicKeyOf(a))))
  })

  it('point arithmetic matches scalar arithmetic', () => {
    expect(toHex(pointAdd(publicKeyOf(a), publicKeyOf(b)))).toBe(toHex(publicKeyOf(privateKeyAdd(a, b))))
    expect(toHex(pointMultiply(publicKeyOf(a), b))).toBe(toHex(pointMultiply(publicKeyOf(b), a)))
  })

  it('rejects invalid keys with a typed error', () => {
    expect(() => publicKeyOf(new Uint8Array(32))).toThrow(InvalidKeyError)
    expect(() => pointAdd(fromHex('02' + '00'.repeat(32)), publicKeyOf(a))).toThrow(InvalidKeyError)
  })
})
