/**
 * The bundle gives libp2p's secp256k1 keys lnsim's crypto layer (native
 * libsecp256k1) in place of @noble/curves. Here @libp2p/crypto is bundled with
 * that replacement, as dist/lnsim.mjs is, and compared with the original
 * module: the same public keys and peer ids, the same signatures (RFC6979 is
 * deterministic) verifying both ways, and the same keys and signatures refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as original from '@libp2p/crypto/keys'
import { libp2pSecp256k1OnOurCrypto } from '../../../scripts/bundle.js'
import { bundleForTest, removeTestBundles } from '../../helpers/bundle.js'
import { hmacSha256 } from '../../../src/crypto/hash.js'
import { utf8 } from '../../../src/core/bytes.js'
import { compactToDer, derToCompact } from '../../../src/node/transport/tuning/libp2pKeys/derSignature.js'

type Keys = typeof original
let replaced: Keys
let bundleText: string

beforeAll(async () => {
  const secp256k1 = libp2pSecp256k1OnOurCrypto()
  const bundled = await bundleForTest<Keys>('keys', { contents: "export * from '@libp2p/crypto/keys'" }, [
    secp256k1.plugin,
  ])
  expect(secp256k1.replaced()).toBe(2) // keys/secp256k1/index.js and utils.js
  replaced = bundled.module
  bundleText = bundled.text
})

afterAll(removeTestBundles)

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const bytes32 = (n: bigint): Uint8Array => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'))
const secrets = Array.from({ length: 16 }, (_, i) => hmacSha256(utf8('libp2p-keys'), utf8(`key ${i}`)))
const messages = [new Uint8Array(0), utf8('noise-libp2p-static-key:'), new Uint8Array(1000).fill(7)]

/** What a call gave: its value, or the class of what it threw. */
async function outcome<T>(call: () => T | Promise<T>): Promise<{ value: unknown } | { threw: string }> {
  try {
    const value = await call()
    return { value: value instanceof Uint8Array ? hex(value) : value }
  } catch (err) {
    return { threw: (err as Error).name }
  }
}

/** A protobuf PublicKey { Type: secp256k1, Data: data }, so keys of any length reach libp2p's checks. */
function secp256k1Protobuf(data: Uint8Array): Uint8Array {
  return Uint8Array.from([0x08, 0x02, 0x12, data.length, ...data])
}

describe('libp2p secp256k1 keys on the lnsim crypto layer', () => {
  it('the bundle no longer carries @noble/curves secp256k1', () => {
    expect(bundleText).not.toMatch(/@noble\/curves\/secp256k1\.js/)
    expect(bundleText).toMatch(/libp2pKeys\/secp256k1Curve\.ts/)
  })

  it('gives the same public keys and peer ids', async () => {
    for (const secret of secrets) {
      const a = original.privateKeyFromRaw(secret)
      const b = replaced.privateKeyFromRaw(secret)
      expect(b.type).toBe('secp256k1')
      expect(hex(b.publicKey.raw)).toBe(hex(a.publicKey.raw))
      expect(b.publicKey.toString()).toBe(a.publicKey.toString())
      expect(hex(replaced.publicKeyToProtobuf(b.publicKey))).toBe(hex(original.publicKeyToProtobuf(a.publicKey)))
    }
  })

  it('signs the same bytes, and each verifies the other', async () => {
    for (const secret of secrets.slice(0, 6)) {
      const a = original.privateKeyFromRaw(secret)
      const b = replaced.privateKeyFromRaw(secret)
      for (const message of messages) {
        const sigA = await a.sign(message)
        const sigB = await b.sign(message)
        expect(hex(sigB)).toBe(hex(sigA))
        expect(await b.publicKey.verify(message, sigA)).toBe(true)
        expect(await a.publicKey.verify(message, sigB)).toBe(true)
      }
    }
  })

  it('refuses the same private keys', async () => {
    const bad = [new Uint8Array(32), bytes32(N), bytes32(N + 1n), new Uint8Array(32).fill(0xff)]
    for (const key of bad) {
      const a = await outcome(() => hex(original.privateKeyFromRaw(key).publicKey.raw))
      expect(a).toHaveProperty('threw')
      expect(await outcome(() => hex(replaced.privateKeyFromRaw(key).publicKey.raw))).toEqual(a)
    }
    expect(await outcome(() => hex(replaced.privateKeyFromRaw(bytes32(N - 1n)).publicKey.raw))).toEqual(
      await outcome(() => hex(original.privateKeyFromRaw(bytes32(N - 1n)).publicKey.raw)),
    )
  })

  it('accepts and refuses the same public keys, compressed or not', async () => {
    const good = original.privateKeyFromRaw(secrets[0]!).publicKey.raw
    const uncompressed = Uint8Array.from(
      Buffer.from(
        '04' +
          '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' +
          '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8',
        'hex',
      ),
    )
    const notOnCurve = Uint8Array.from(good)
    notOnCurve[32] ^= 1
    const badUncompressed = Uint8Array.from(uncompressed)
    badUncompressed[64] ^= 1
    const candidates = [
      good,
      uncompressed,
      notOnCurve,
      badUncompressed,
      Uint8Array.from([0x05, ...good.subarray(1)]),
      good.subarray(0, 32),
      new Uint8Array(33),
      new Uint8Array(0),
      Uint8Array.from([0]),
    ]
    const seen = new Set<string>()
    for (const data of candidates) {
      const a = await outcome(() => hex(original.publicKeyFromProtobuf(secp256k1Protobuf(data)).raw))
      expect(await outcome(() => hex(replaced.publicKeyFromProtobuf(secp256k1Protobuf(data)).raw))).toEqual(a)
      seen.add('threw' in a ? 'refused' : 'accepted')
    }
    expect(seen).toEqual(new Set(['refused', 'accepted']))
  })

  it('refuses the same signatures', async () => {
    const message = utf8('handshake payload')
    const a = original.privateKeyFromRaw(secrets[1]!)
    const b = replaced.privateKeyFromRaw(secrets[1]!)
    const good = await a.sign(message)
    const compact = derToCompact(good)!
    const highS = Uint8Array.from(compact)
    highS.set(bytes32(N - BigInt('0x' + hex(compact.subarray(32)))), 32)
    const flipped = Uint8Array.from(good)
    flipped[flipped.length - 1] ^= 1
    const nonMinimal = Uint8Array.from([0x30, good[1]! + 1, 0x02, good[3]! + 1, 0x00, ...good.subarray(4)])
    const candidates = [
      good,
      compactToDer(highS),
      flipped,
      good.subarray(0, good.length - 1),
      Uint8Array.from([...good, 0]),
      nonMinimal,
      compact,
      new Uint8Array(0),
      compactToDer(new Uint8Array(64)),
    ]
    const results: unknown[] = []
    for (const sig of candidates) {
      for (const msg of [message, utf8('another payload')]) {
        const expected = await outcome(() => a.publicKey.verify(msg, sig))
        expect(await outcome(() => b.publicKey.verify(msg, sig))).toEqual(expected)
        results.push(expected)
      }
    }
    expect(results[0]).toEqual({ value: true })
    expect(results.filter((r) => JSON.stringify(r) === JSON.stringify({ value: true }))).toHaveLength(1)
  })
})
