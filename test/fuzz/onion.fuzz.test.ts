/**
 * Fuzzing what a node reads from onions: peeling a packet gives this hop's
 * layer or an OnionError; a hop payload decodes or is an OnionError; a failure
 * message decodes (and writes back byte for byte) or is a WireDecodeError; and
 * attributing a returned failure never throws. A mutated packet fails its HMAC
 * almost always, so the hop's layer is also mutated under its encryption and
 * authenticated again (the fuzzer holds the hop's key), which takes it into the
 * payload and the packet for the next hop.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { concatBytes } from '../../src/core/bytes.js'
import { ecdh, isValidPrivateKey, publicKeyOf } from '../../src/crypto/secp256k1.js'
import { chacha20Stream } from '../../src/crypto/chacha20.js'
import { hmacSha256 } from '../../src/crypto/hash.js'
import { WireDecodeError } from '../../src/wire/errors.js'
import {
  attributeFailure,
  createFailure,
  createOnion,
  createPaymentOnion,
  decodeFailureMessage,
  decodeHopPayload,
  encodeFailureMessage,
  encodeHopPayload,
  FAILURE,
  HOP_PAYLOADS_LENGTH,
  obfuscateFailure,
  onionKey,
  OnionError,
  ONION_PACKET_LENGTH,
  peelOnion,
  peelPaymentOnion,
  type HopPayload,
} from '../../src/routing/onion/index.js'
import { check, outcome, timeoutFor } from './fuzz.js'
import { byteMutation, mutateBytes, mutatedBytes, type ByteMutation } from './mutate.js'

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })
const privateKey = bytes(32).filter(isValidPrivateKey)
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })

const hopPayload: fc.Arbitrary<HopPayload> = fc.record(
  {
    amtToForward: u64,
    outgoingCltvValue: fc.integer({ min: 0, max: 0xffff_ffff }),
    shortChannelId: u64,
    paymentData: fc.record({ paymentSecret: bytes(32), totalMsat: u64 }),
  },
  { requiredKeys: ['amtToForward', 'outgoingCltvValue'] },
)
/** A payload as the rules for its place in the route have it. */
const placedPayload = fc.tuple(hopPayload, fc.boolean()).map(([p, isFinal]) => {
  const { shortChannelId, paymentData, ...rest } = p
  return {
    payload: isFinal
      ? { ...rest, ...(paymentData ? { paymentData } : {}) }
      : { ...rest, shortChannelId: shortChannelId ?? 0n },
    isFinal,
  }
})

/** A payment onion for a route of one to five hops, with the hops' keys. */
const route = fc
  .record({
    sessionKey: privateKey,
    keys: fc.array(privateKey, { minLength: 1, maxLength: 5 }),
    associatedData: bytes(32),
    payloads: fc.array(hopPayload, { minLength: 5, maxLength: 5 }),
  })
  .map(({ sessionKey, keys, associatedData, payloads }) => {
    const hops = keys.map((key, i) => {
      const isFinal = i === keys.length - 1
      const { shortChannelId, paymentData, ...rest } = payloads[i]!
      return {
        pubkey: publicKeyOf(key),
        payload: isFinal
          ? { ...rest, ...(paymentData ? { paymentData } : {}) }
          : { ...rest, shortChannelId: shortChannelId ?? 1n },
      }
    })
    return { keys, associatedData, packet: createPaymentOnion(sessionKey, hops, associatedData).packet }
  })

const HOP_PAYLOADS_OFFSET = 34

/** Bytes at the start of the hop payloads that the layer mutations change: this hop's payload and the next HMAC. */
const LAYER_PREFIX = 160

/**
 * The packet as its first hop would see it had the origin written another
 * payload: the start of the hop's layer decrypted, mutated, encrypted again, and
 * the HMAC made anew with the hop's shared secret (the fuzzer holds its key).
 */
function withMutatedLayer(
  packet: Uint8Array,
  key: Uint8Array,
  associatedData: Uint8Array,
  mutations: ByteMutation[],
): Uint8Array {
  const shared = ecdh(key, packet.subarray(1, HOP_PAYLOADS_OFFSET))
  const hopPayloads = packet.slice(HOP_PAYLOADS_OFFSET, HOP_PAYLOADS_OFFSET + HOP_PAYLOADS_LENGTH)
  const stream = chacha20Stream(onionKey('rho', shared), LAYER_PREFIX)
  const plain = hopPayloads.subarray(0, LAYER_PREFIX).map((b, i) => b ^ stream[i]!)
  const mutated = mutations.reduce<Uint8Array>((acc, m) => mutateBytes(acc, m, LAYER_PREFIX), plain)
  const prefix = new Uint8Array(LAYER_PREFIX)
  prefix.set(mutated.subarray(0, LAYER_PREFIX))
  hopPayloads.set(prefix.map((b, i) => b ^ stream[i]!))
  return concatBytes(
    packet.subarray(0, HOP_PAYLOADS_OFFSET),
    hopPayloads,
    hmacSha256(onionKey('mu', shared), hopPayloads, associatedData),
  )
}

/** Peels at each hop in turn while the packet goes on; every layer is a value or an OnionError. */
function peelAll(packet: Uint8Array, keys: Uint8Array[], associatedData: Uint8Array): void {
  let next: Uint8Array | null = packet
  for (const key of keys) {
    if (next === null) return
    const r = outcome(() => peelPaymentOnion(next!, key, associatedData), OnionError)
    if (!r.ok) return
    expect(r.value.nextPacket === null || r.value.nextPacket.length === ONION_PACKET_LENGTH).toBe(true)
    next = r.value.nextPacket
  }
}

const failureMessage = fc
  .record(
    {
      code: fc.constantFrom(...Object.values(FAILURE)),
      htlcMsat: u64,
      cltvExpiry: fc.nat(),
      height: fc.nat(),
      incomingHtlcAmt: u64,
      disabledFlags: fc.integer({ min: 0, max: 0xffff }),
      channelUpdate: fc.uint8Array({ maxLength: 200 }),
      sha256OfOnion: bytes(32),
      tlvType: u64,
      offset: fc.integer({ min: 0, max: 0xffff }),
      extra: fc.uint8Array({ maxLength: 20 }),
    },
    {
      requiredKeys: [
        'code',
        'htlcMsat',
        'cltvExpiry',
        'height',
        'incomingHtlcAmt',
        'disabledFlags',
        'channelUpdate',
        'sha256OfOnion',
        'tlvType',
        'offset',
      ],
    },
  )
  .map(encodeFailureMessage)

describe('fuzzing the onion decoders', () => {
  it(
    'peelOnion: random packets of any length',
    () => {
      check(
        fc.property(
          fc.oneof(bytes(ONION_PACKET_LENGTH), fc.uint8Array({ maxLength: 2000 })),
          privateKey,
          bytes(32),
          (packet, key, associatedData) => {
            outcome(() => peelOnion(packet, key, associatedData), OnionError)
          },
        ),
        500,
      )
    },
    timeoutFor(500),
  )

  it(
    'peelPaymentOnion: valid onions, mutated',
    () => {
      check(
        fc.property(
          route.chain((r) => mutatedBytes(fc.constant(r.packet), 3000).map((packet) => ({ ...r, packet }))),
          ({ packet, keys, associatedData }) => {
            peelAll(packet, keys, associatedData)
          },
        ),
        300,
      )
    },
    timeoutFor(300),
  )

  it(
    "peelPaymentOnion: valid onions with the first hop's layer mutated and authenticated again",
    () => {
      check(
        fc.property(
          route,
          fc.array(byteMutation, { minLength: 1, maxLength: 4 }),
          ({ packet, keys, associatedData }, mutations) => {
            peelAll(withMutatedLayer(packet, keys[0]!, associatedData, mutations), keys, associatedData)
          },
        ),
        500,
      )
    },
    timeoutFor(500),
  )

  it(
    'peelPaymentOnion: onions carrying any payload bytes',
    () => {
      const payload = fc.oneof(
        fc.uint8Array({ minLength: 2, maxLength: 400 }),
        mutatedBytes(
          placedPayload.map((p) => encodeHopPayload(p.payload, p.isFinal)),
          1200,
        ),
      )
      check(
        fc.property(
          privateKey,
          fc.array(fc.tuple(privateKey, payload), { minLength: 1, maxLength: 3 }),
          bytes(32),
          (sessionKey, hops, associatedData) => {
            const framed = hops.filter(([, p]) => p.length >= 2)
            if (framed.length === 0 || framed.reduce((n, [, p]) => n + p.length + 3 + 32, 0) > HOP_PAYLOADS_LENGTH)
              return
            const { packet } = createOnion(
              sessionKey,
              framed.map(([key, p]) => ({ pubkey: publicKeyOf(key), payload: p })),
              associatedData,
            )
            peelAll(
              packet,
              framed.map(([key]) => key),
              associatedData,
            )
          },
        ),
        300,
      )
    },
    timeoutFor(300),
  )

  it(
    'decodeHopPayload: random and mutated payloads; what decodes encodes to the same payload',
    () => {
      const payload = fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        mutatedBytes(placedPayload.map((p) => encodeHopPayload(p.payload, p.isFinal))),
      )
      check(
        fc.property(payload, fc.boolean(), (bytes, isFinal) => {
          const r = outcome(() => decodeHopPayload(bytes, isFinal), OnionError)
          if (r.ok) expect(decodeHopPayload(encodeHopPayload(r.value, isFinal), isFinal)).toEqual(r.value)
          else expect(r.error.failureCode).toBe(FAILURE.INVALID_ONION_PAYLOAD)
        }),
        3000,
      )
    },
    timeoutFor(3000),
  )

  it(
    'decodeFailureMessage: random and mutated failures; what decodes writes back byte for byte',
    () => {
      check(
        fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutatedBytes(failureMessage)), (bytes) => {
          const r = outcome(() => decodeFailureMessage(bytes), WireDecodeError)
          if (r.ok) expect(encodeFailureMessage(r.value)).toEqual(bytes)
        }),
        3000,
      )
    },
    timeoutFor(3000),
  )

  it(
    'attributeFailure: random and mutated returned failures never throw',
    () => {
      const returned = fc
        .record({
          secrets: fc.array(bytes(32), { minLength: 1, maxLength: 5 }),
          failingHop: fc.nat(),
          failure: failureMessage,
        })
        .map(({ secrets, failingHop, failure }) => {
          const at = failingHop % secrets.length
          let packet = createFailure(secrets[at]!, decodeFailureMessage(failure))
          for (let i = at - 1; i >= 0; i--) packet = obfuscateFailure(secrets[i]!, packet)
          return { secrets, packet }
        })
      check(
        fc.property(
          returned.chain((r) =>
            fc
              .oneof(fc.constant(r.packet), mutatedBytes(fc.constant(r.packet)), fc.uint8Array({ maxLength: 400 }))
              .map((packet) => ({ ...r, packet })),
          ),
          ({ secrets, packet }) => {
            const verdict = outcome(() => attributeFailure(secrets, packet))
            expect(verdict.ok).toBe(true)
          },
        ),
        1000,
      )
    },
    timeoutFor(1000),
  )
})
