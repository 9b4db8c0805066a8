import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../../src/core/bytes.js'
import { concatBytes } from '../../../../src/core/bytes.js'
import { chacha20Xor } from '../../../../src/crypto/chacha20.js'
import { hmacSha256 } from '../../../../src/crypto/hash.js'
import { ecdh, publicKeyOf } from '../../../../src/crypto/secp256k1.js'
import { decodeBigSize } from '../../../../src/wire/bigsize.js'
import {
  createOnion,
  FAILURE,
  onionKey,
  HOP_PAYLOADS_LENGTH,
  ONION_PACKET_LENGTH,
  OnionEncodeError,
  OnionError,
  peelOnion,
  type OnionHop,
} from '../../../../src/routing/onion/index.js'
import vector from '../../../fixtures/bolt04-onion-test.json' with { type: 'json' }
import errorVector from '../../../fixtures/bolt04-onion-error-test.json' with { type: 'json' }

// Sources: BOLT #4 bolt04/onion-test.json and bolt04/onion-error-test.json (copied into test/fixtures with their source
// lines).

const sessionKey = fromHex(vector.generate.session_key)
const associatedData = fromHex(vector.generate.associated_data)
const nodeKeys = vector.decode.map((k) => fromHex(k))
// the vector's payloads carry their BigSize length prefix; createOnion adds it itself
const vectorHops: OnionHop[] = vector.generate.hops.map((h) => {
  const framed = fromHex(h.payload)
  return { pubkey: fromHex(h.pubkey), payload: framed.slice(decodeBigSize(framed).length) }
})

function peelAll(packet: Uint8Array, keys: Uint8Array[], ad = associatedData): Uint8Array[] {
  const payloads: Uint8Array[] = []
  let next: Uint8Array | null = packet
  for (const [i, key] of keys.entries()) {
    expect(next, `hop ${i} received a packet`).not.toBeNull()
    const peeled = peelOnion(next!, key, ad)
    payloads.push(peeled.payload)
    next = peeled.nextPacket
  }
  expect(next).toBeNull()
  return payloads
}

function expectOnionError(fn: () => unknown, code: string, failureCode: number): void {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(OnionError)
    expect((err as OnionError).code).toBe(code)
    expect((err as OnionError).failureCode).toBe(failureCode)
    return
  }
  expect.fail(`expected ${code}`)
}

describe('BOLT #4 onion test vector', () => {
  it('the generate section produces exactly the given onion', () => {
    const { packet } = createOnion(sessionKey, vectorHops, associatedData)
    expect(packet.length).toBe(ONION_PACKET_LENGTH)
    expect(toHex(packet)).toBe(vector.onion)
  })

  it('the shared secrets are the ones the spec lists for this route', () => {
    const { sharedSecrets } = createOnion(sessionKey, vectorHops, associatedData)
    expect(sharedSecrets.map(toHex)).toEqual(errorVector.generate.hops.map((h) => h.hop_shared_secret))
  })

  it('the decode keys peel it hop by hop, each hop reading its own payload, the last seeing an all-zero HMAC', () => {
    expect(peelAll(fromHex(vector.onion), nodeKeys)).toEqual(vectorHops.map((h) => h.payload))
  })

  it('a hop learns the shared secret the origin computed for it', () => {
    const { packet, sharedSecrets } = createOnion(sessionKey, vectorHops, associatedData)
    expect(peelOnion(packet, nodeKeys[0]!, associatedData).sharedSecret).toEqual(sharedSecrets[0])
  })
})

describe('who can peel an onion', () => {
  const packet = fromHex(vector.onion)

  it('only the hop it is meant for: every other node key fails the HMAC check', () => {
    for (const key of [...nodeKeys.slice(1), fromHex('99'.repeat(32))]) {
      expectOnionError(() => peelOnion(packet, key, associatedData), 'INVALID_ONION_HMAC', FAILURE.INVALID_ONION_HMAC)
    }
    // the second layer, likewise, opens only for the second hop
    const second = peelOnion(packet, nodeKeys[0]!, associatedData).nextPacket!
    expectOnionError(
      () => peelOnion(second, nodeKeys[0]!, associatedData),
      'INVALID_ONION_HMAC',
      FAILURE.INVALID_ONION_HMAC,
    )
  })

  it('only with the associated data (payment hash) it was built for', () => {
    expectOnionError(
      () => peelOnion(packet, nodeKeys[0]!, fromHex('43'.repeat(32))),
      'INVALID_ONION_HMAC',
      FAILURE.INVALID_ONION_HMAC,
    )
  })
})

describe('a modified packet', () => {
  const packet = fromHex(vector.onion)

  it('is rejected whichever byte was changed, with the BADONION code for that part', () => {
    const codes = new Set<string>()
    for (let i = 0; i < packet.length; i++) {
      const tampered = packet.slice()
      tampered[i]! ^= 0x01
      try {
        peelOnion(tampered, nodeKeys[0]!, associatedData)
        expect.fail(`a change at byte ${i} went unnoticed`)
      } catch (err) {
        expect(err).toBeInstanceOf(OnionError)
        const e = err as OnionError
        codes.add(e.code)
        expect(e.failureCode & 0x8000).toBe(0x8000)
        expect(e.sharedSecret).toBeUndefined()
        if (i === 0) expect(e.code).toBe('INVALID_ONION_VERSION')
        if (i >= 34) expect(e.code).toBe('INVALID_ONION_HMAC')
      }
    }
    expect(codes).toEqual(new Set(['INVALID_ONION_VERSION', 'INVALID_ONION_KEY', 'INVALID_ONION_HMAC']))
  })

  it('an ephemeral key off the curve is invalid_onion_key', () => {
    const tampered = packet.slice()
    tampered[1] = 0x05 // no compressed point starts with 0x05
    expectOnionError(
      () => peelOnion(tampered, nodeKeys[0]!, associatedData),
      'INVALID_ONION_KEY',
      FAILURE.INVALID_ONION_KEY,
    )
  })

  it('a packet of the wrong length cannot be authenticated', () => {
    expectOnionError(
      () => peelOnion(packet.subarray(0, 1000), nodeKeys[0]!, associatedData),
      'INVALID_ONION_HMAC',
      FAILURE.INVALID_ONION_HMAC,
    )
  })
})

describe('what a hop sees', () => {
  it('its own payload and an opaque next packet: no other hop payload appears in the clear', () => {
    const keys = [1, 2, 3, 4].map((n) => fromHex(n.toString(16).padStart(2, '0').repeat(32)))
    // distinctive payloads, easy to spot if they leaked
    const hops = keys.map((k, i) => ({
      pubkey: publicKeyOf(k),
      payload: new TextEncoder().encode(`secret instructions for hop number ${i} only`),
    }))
    const { packet } = createOnion(fromHex('55'.repeat(32)), hops, associatedData)
    const seen = [packet]
    let next: Uint8Array | null = packet
    for (const [i, key] of keys.entries()) {
      const peeled = peelOnion(next!, key, associatedData)
      expect(peeled.payload).toEqual(hops[i]!.payload)
      next = peeled.nextPacket
      if (next) {
        expect(next.length).toBe(ONION_PACKET_LENGTH)
        seen.push(next)
      }
    }
    const contains = (hay: Uint8Array, needle: Uint8Array): boolean => Buffer.from(hay).includes(Buffer.from(needle))
    for (const [i, view] of seen.entries()) {
      for (const hop of hops) expect(contains(view, hop.payload), `packet ${i} shows a payload`).toBe(false)
    }
    // and no two hops see the same ephemeral key, so they cannot tell they carry the same onion
    expect(new Set(seen.map((p) => toHex(p.subarray(1, 34)))).size).toBe(seen.length)
  })

  it('every onion is the same size, whatever the route length', () => {
    for (const n of [1, 2, 10, 20]) {
      const keys = Array.from({ length: n }, (_, i) => fromHex((i + 1).toString(16).padStart(2, '0').repeat(32)))
      const hops = keys.map((k) => ({ pubkey: publicKeyOf(k), payload: new Uint8Array(20).fill(7) }))
      const { packet } = createOnion(fromHex('66'.repeat(32)), hops, associatedData)
      expect(packet.length).toBe(ONION_PACKET_LENGTH)
      expect(peelAll(packet, keys)).toEqual(hops.map((h) => h.payload))
    }
  })
})

describe('building an onion', () => {
  const key = fromHex('11'.repeat(32))

  it('fills the 1300 bytes exactly with one large payload, and refuses one byte more', () => {
    const max = HOP_PAYLOADS_LENGTH - 3 - 32 // a 3-byte BigSize length, then the HMAC
    const fits = { pubkey: publicKeyOf(key), payload: new Uint8Array(max).fill(9) }
    expect(peelAll(createOnion(sessionKey, [fits], associatedData).packet, [key])).toEqual([fits.payload])
    const tooLarge = { pubkey: publicKeyOf(key), payload: new Uint8Array(max + 1) }
    expect(() => createOnion(sessionKey, [tooLarge], associatedData)).toThrow(
      expect.objectContaining({ code: 'ONION_TOO_LARGE' }),
    )
  })

  it('refuses no hops, reserved payload lengths and a node id that is not a key', () => {
    expect(() => createOnion(sessionKey, [], associatedData)).toThrow(OnionEncodeError)
    expect(() =>
      createOnion(sessionKey, [{ pubkey: publicKeyOf(key), payload: new Uint8Array(1) }], associatedData),
    ).toThrow(OnionEncodeError)
    expect(() =>
      createOnion(sessionKey, [{ pubkey: new Uint8Array(33), payload: new Uint8Array(2) }], associatedData),
    ).toThrow(OnionEncodeError)
  })
})

describe('an authenticated onion whose payload length cannot be right', () => {
  // built by hand: a genuine HMAC over hop_payloads that decrypt to the given plaintext
  function craft(plain: Uint8Array, nodeKey: Uint8Array): Uint8Array {
    const session = fromHex('31'.repeat(32))
    const ss = ecdh(session, publicKeyOf(nodeKey))
    const hopPayloads = chacha20Xor(
      onionKey('rho', ss),
      concatBytes(plain, new Uint8Array(HOP_PAYLOADS_LENGTH - plain.length)),
    )
    return concatBytes(
      Uint8Array.of(0),
      publicKeyOf(session),
      hopPayloads,
      hmacSha256(onionKey('mu', ss), hopPayloads, associatedData),
    )
  }

  it('is invalid_onion_payload, carrying the shared secret to encrypt the failure with', () => {
    const key = nodeKeys[0]!
    for (const plain of [fromHex('00'), fromHex('01ff'), fromHex('fd0514'), fromHex('fd00fc')]) {
      try {
        peelOnion(craft(plain, key), key, associatedData)
        expect.fail(`length prefix ${toHex(plain)} was accepted`)
      } catch (err) {
        expect(err).toBeInstanceOf(OnionError)
        expect((err as OnionError).failureCode).toBe(FAILURE.INVALID_ONION_PAYLOAD)
        expect((err as OnionError).sharedSecret).toEqual(ecdh(key, publicKeyOf(fromHex('31'.repeat(32)))))
      }
    }
  })
})
