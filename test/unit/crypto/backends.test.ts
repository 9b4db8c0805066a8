import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { toHex } from '../../../src/core/bytes.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { nobleBackend } from '../../../src/crypto/nobleBackend.js'
import { loadNativeBackend } from '../../../src/crypto/nativeBackend.js'

// noble is the reference; the native backend must give byte-identical results.
const native = loadNativeBackend()

const validKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => nobleBackend.isValidPrivateKey(k))

describe('native libsecp256k1 backend', () => {
  it('loads on this machine (the prebuilt binary ships in the npm package)', () => {
    expect(native?.name).toBe('libsecp256k1')
  })

  it('agrees with noble on keys, signatures, recovery, ECDH and tweaks', () => {
    const n = native!
    fc.assert(
      fc.property(validKey, validKey, fc.uint8Array({ minLength: 1, maxLength: 64 }), (a, b, msg) => {
        const digest = sha256(msg)
        const pa = nobleBackend.publicKeyCreate(a)
        const pb = nobleBackend.publicKeyCreate(b)
        expect(toHex(n.publicKeyCreate(a))).toBe(toHex(pa))
        const sig = nobleBackend.sign(digest, a)
        expect(toHex(n.sign(digest, a))).toBe(toHex(sig))
        expect(n.verify(sig, digest, pa)).toBe(true)
        expect(n.verify(sig, digest, pb)).toBe(false)
        const rec = nobleBackend.signRecoverable(digest, a)
        const recN = n.signRecoverable(digest, a)
        expect(recN.recoveryId).toBe(rec.recoveryId)
        expect(toHex(n.recover(rec.signature, rec.recoveryId, digest))).toBe(toHex(pa))
        expect(toHex(n.sharedPoint(a, pb))).toBe(toHex(nobleBackend.sharedPoint(a, pb)))
        expect(toHex(n.pointAdd(pa, pb))).toBe(toHex(nobleBackend.pointAdd(pa, pb)))
        expect(toHex(n.pointMultiply(pa, b))).toBe(toHex(nobleBackend.pointMultiply(pa, b)))
        expect(toHex(n.pointAddTweak(pa, b))).toBe(toHex(nobleBackend.pointAddTweak(pa, b)))
        expect(toHex(n.privateKeyAdd(a, b))).toBe(toHex(nobleBackend.privateKeyAdd(a, b)))
        expect(toHex(n.privateKeyMultiply(a, b))).toBe(toHex(nobleBackend.privateKeyMultiply(a, b)))
      }),
      { numRuns: 50 },
    )
  })

  it('never aliases its inputs', () => {
    const n = native!
    const k = new Uint8Array(32).fill(7)
    const before = toHex(k)
    n.privateKeyAdd(k, new Uint8Array(32).fill(1))
    n.privateKeyMultiply(k, new Uint8Array(32).fill(2))
    expect(toHex(k)).toBe(before)
  })
})
