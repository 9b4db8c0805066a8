import { describe, expect, it } from 'vitest'
import { fromHex } from '../../../../src/core/bytes.js'
import { publicKeyOf } from '../../../../src/crypto/secp256k1.js'
import {
  createPaymentOnion,
  FAILURE,
  MemoryReplayLog,
  OnionError,
  peelPaymentOnion,
  type HopPayload,
} from '../../../../src/routing/onion/index.js'

const keys = [0x21, 0x22, 0x23].map((b) => fromHex(b.toString(16).repeat(32)))
const paymentHash = fromHex('5a'.repeat(32))
const payloads: HopPayload[] = [
  { amtToForward: 2_002n, outgoingCltvValue: 640, shortChannelId: 0x0c3500000a0001n },
  { amtToForward: 2_000n, outgoingCltvValue: 600, shortChannelId: 0x0c3500000b0000n },
  {
    amtToForward: 2_000n,
    outgoingCltvValue: 600,
    paymentData: { paymentSecret: fromHex('3c'.repeat(32)), totalMsat: 2_000n },
  },
]
const build = (sessionByte = 0x44) =>
  createPaymentOnion(
    fromHex(sessionByte.toString(16).repeat(32)),
    keys.map((k, i) => ({ pubkey: publicKeyOf(k), payload: payloads[i]! })),
    paymentHash,
  )

function rejection(fn: () => unknown): OnionError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(OnionError)
    return err as OnionError
  }
  return expect.fail('the onion was accepted')
}

describe('payment onions', () => {
  it('each hop reads its forwarding instructions; the payee reads the payment secret and knows it is last', () => {
    let packet: Uint8Array | null = build().packet
    for (const [i, key] of keys.entries()) {
      const peeled = peelPaymentOnion(packet!, key, paymentHash)
      expect(peeled.payload).toEqual(payloads[i])
      packet = peeled.nextPacket
    }
    expect(packet).toBeNull()
  })

  it('two onions for the same route share nothing a hop could link', () => {
    const a = build(0x44).packet
    const b = build(0x45).packet
    let same = 0
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++
    expect(same).toBeLessThan(30) // the version byte and chance matches only
  })
})

describe('replay protection', () => {
  it('refuses the same packet twice, with the shared secret so the refusal can go back encrypted', () => {
    const log = new MemoryReplayLog()
    const { packet } = build()
    const first = peelPaymentOnion(packet, keys[0]!, paymentHash, { log, cltvExpiry: 700 })
    const e = rejection(() => peelPaymentOnion(packet, keys[0]!, paymentHash, { log, cltvExpiry: 700 }))
    expect(e.code).toBe('ONION_REPLAYED')
    expect(e.failureCode).toBe(FAILURE.TEMPORARY_NODE_FAILURE)
    expect(e.sharedSecret).toEqual(first.sharedSecret)
  })

  it('a fresh onion for the same payment is not a replay', () => {
    const log = new MemoryReplayLog()
    peelPaymentOnion(build(0x44).packet, keys[0]!, paymentHash, { log, cltvExpiry: 700 })
    expect(() => peelPaymentOnion(build(0x46).packet, keys[0]!, paymentHash, { log, cltvExpiry: 700 })).not.toThrow()
    expect(log.size).toBe(2)
  })

  it('a tampered packet is refused before it can fill the log', () => {
    const log = new MemoryReplayLog()
    const tampered = build().packet.slice()
    tampered[500]! ^= 1
    expect(rejection(() => peelPaymentOnion(tampered, keys[0]!, paymentHash, { log, cltvExpiry: 700 })).code).toBe(
      'INVALID_ONION_HMAC',
    )
    expect(log.size).toBe(0)
  })

  it('forgets entries once their CLTV expiry has passed', () => {
    const log = new MemoryReplayLog()
    const a = fromHex('01'.repeat(32))
    const b = fromHex('02'.repeat(32))
    expect(log.add(a, 100)).toBe(true)
    expect(log.add(b, 200)).toBe(true)
    expect(log.add(a, 300)).toBe(false)
    expect(log.expire(99)).toBe(0)
    expect(log.expire(100)).toBe(1)
    expect(log.has(a)).toBe(false)
    expect(log.has(b)).toBe(true)
    expect(log.add(a, 300)).toBe(true)
  })
})
