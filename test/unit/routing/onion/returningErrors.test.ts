import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, toHex } from '../../../../src/core/bytes.js'
import { hmacSha256 } from '../../../../src/crypto/hash.js'
import { publicKeyOf } from '../../../../src/crypto/secp256k1.js'
import {
  attributeFailure,
  createFailure,
  createPaymentOnion,
  decodeFailureMessage,
  encodeFailureMessage,
  FAILURE,
  failureName,
  isBadOnion,
  isPermanent,
  obfuscateFailure,
  OnionEncodeError,
  onionKey,
  peelPaymentOnion,
  type FailureMessage,
} from '../../../../src/routing/onion/index.js'
import simple from '../../../fixtures/bolt04-onion-error-test.json' with { type: 'json' }
import traced from '../../../fixtures/bolt04-returning-errors.json' with { type: 'json' }

// Sources: BOLT #4 bolt04/onion-error-test.json and the "Returning Errors" test vector of 04-onion-routing.md
// (copied into test/fixtures with their source lines).

describe('BOLT #4 returning-errors vectors', () => {
  it('onion-error-test.json: temporary_node_failure from the fifth hop, padded to 256, wrapped back to origin', () => {
    const hops = simple.generate.hops
    const secrets = hops.map((h) => fromHex(h.hop_shared_secret))
    for (const h of hops) expect(toHex(onionKey('ammag', fromHex(h.hop_shared_secret)))).toBe(h.ammag_key)
    expect(toHex(onionKey('um', secrets[4]!))).toBe(hops[4]!.um_key)

    let packet = createFailure(secrets[4]!, decodeFailureMessage(fromHex(simple.generate.failure_message)))
    // the unencrypted payload (after the HMAC) is what the vector lists
    expect(toHex(obfuscateFailure(secrets[4]!, packet).subarray(32))).toBe(hops[4]!.payload)
    for (let i = 3; i >= 0; i--) packet = obfuscateFailure(secrets[i]!, packet)
    expect(toHex(packet)).toBe(simple.errorpacket)

    expect(attributeFailure(secrets, fromHex(simple.errorpacket))).toEqual({
      type: 'attributed',
      failingHopIndex: 4,
      failure: { code: FAILURE.TEMPORARY_NODE_FAILURE },
    })
  })

  it('the spec trace: incorrect_or_unknown_payment_details with a TLV, padded to 1024, matches each hop back', () => {
    const failure = decodeFailureMessage(fromHex(traced.failuremsg))
    expect(failure).toMatchObject({
      code: FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS,
      htlcMsat: 100n,
      height: 800000,
    })
    expect(failure.extra?.length).toBe(306) // type 34001, length 300, 300 bytes of 0x80
    expect(encodeFailureMessage(failure)).toEqual(fromHex(traced.failuremsg))

    const source = traced.forwarding[0]!
    expect(toHex(onionKey('um', fromHex(source.shared_secret)))).toBe(traced.um_key)
    let packet = createFailure(fromHex(source.shared_secret), failure, traced.padded_length)
    expect(toHex(obfuscateFailure(fromHex(source.shared_secret), packet))).toBe(traced.raw_error_packet)
    expect(toHex(packet)).toBe(source.error_packet)
    for (const step of traced.forwarding.slice(1)) {
      expect(toHex(onionKey('ammag', fromHex(step.shared_secret)))).toBe(step.ammag_key)
      packet = obfuscateFailure(fromHex(step.shared_secret), packet)
      expect(toHex(packet), `error packet for node ${step.node}`).toBe(step.error_packet)
    }

    const routeSecrets = [...traced.forwarding].reverse().map((s) => fromHex(s.shared_secret))
    const verdict = attributeFailure(routeSecrets, packet)
    expect(verdict).toEqual({ type: 'attributed', failingHopIndex: traced.failure_source, failure })
  })
})

describe('failure attribution along a real route', () => {
  const keys = [1, 2, 3, 4, 5].map((n) => fromHex(n.toString(16).padStart(2, '0').repeat(32)))
  const paymentHash = fromHex('77'.repeat(32))
  const onion = createPaymentOnion(
    fromHex('88'.repeat(32)),
    keys.map((k, i) => ({
      pubkey: publicKeyOf(k),
      payload:
        i < keys.length - 1
          ? { amtToForward: 1000n, outgoingCltvValue: 500, shortChannelId: BigInt(i + 1) }
          : {
              amtToForward: 1000n,
              outgoingCltvValue: 500,
              paymentData: { paymentSecret: fromHex('99'.repeat(32)), totalMsat: 1000n },
            },
    })),
    paymentHash,
  )
  // what each hop keeps with the HTLC: the shared secret of its own layer
  const hopSecrets: Uint8Array[] = []
  let packet: Uint8Array | null = onion.packet
  for (const key of keys) {
    const peeled = peelPaymentOnion(packet!, key, paymentHash)
    hopSecrets.push(peeled.sharedSecret)
    packet = peeled.nextPacket
  }

  /** the failure leaves hop `failing` and each earlier hop wraps it on the way back */
  function returnFrom(failing: number, failure: FailureMessage): Uint8Array {
    let reason = createFailure(hopSecrets[failing]!, failure)
    for (let i = failing - 1; i >= 0; i--) reason = obfuscateFailure(hopSecrets[i]!, reason)
    return reason
  }

  it('finds the failing hop at every position of a 5-hop route', () => {
    const channelUpdate = fromHex('0102' + 'cd'.repeat(130))
    for (let failing = 0; failing < keys.length; failing++) {
      const failure: FailureMessage = {
        code: FAILURE.FEE_INSUFFICIENT,
        htlcMsat: 1000n + BigInt(failing),
        channelUpdate,
      }
      const reason = returnFrom(failing, failure)
      expect(reason.length).toBe(32 + 2 + 256 + 2) // every failure looks alike on the wire
      expect(attributeFailure(onion.sharedSecrets, reason)).toEqual({
        type: 'attributed',
        failingHopIndex: failing,
        failure,
      })
    }
  })

  it('a packet altered on the way back is unattributable', () => {
    const reason = returnFrom(3, { code: FAILURE.UNKNOWN_NEXT_PEER })
    const altered = reason.slice()
    altered[100]! ^= 1
    expect(attributeFailure(onion.sharedSecrets, altered)).toEqual({ type: 'unattributable' })
    expect(attributeFailure(onion.sharedSecrets, new Uint8Array(10))).toEqual({ type: 'unattributable' })
  })

  it('a hop that authenticates nonsense is still blamed', () => {
    // hop 2 authenticates, with its genuine `um` key, a failure_len that runs past the packet
    const body = new Uint8Array(260)
    body[0] = 0xff
    const forged = obfuscateFailure(hopSecrets[2]!, concatBytes(hmacSha256(onionKey('um', hopSecrets[2]!), body), body))
    let reason = forged
    for (let i = 1; i >= 0; i--) reason = obfuscateFailure(hopSecrets[i]!, reason)
    expect(attributeFailure(onion.sharedSecrets, reason)).toMatchObject({ type: 'malformed', failingHopIndex: 2 })
  })
})

describe('failure messages', () => {
  const update = fromHex('0102' + 'ef'.repeat(40))
  const samples: FailureMessage[] = [
    { code: FAILURE.INVALID_REALM },
    { code: FAILURE.TEMPORARY_NODE_FAILURE },
    { code: FAILURE.PERMANENT_NODE_FAILURE },
    { code: FAILURE.REQUIRED_NODE_FEATURE_MISSING },
    { code: FAILURE.INVALID_ONION_VERSION, sha256OfOnion: fromHex('01'.repeat(32)) },
    { code: FAILURE.INVALID_ONION_HMAC, sha256OfOnion: fromHex('02'.repeat(32)) },
    { code: FAILURE.INVALID_ONION_KEY, sha256OfOnion: fromHex('03'.repeat(32)) },
    { code: FAILURE.TEMPORARY_CHANNEL_FAILURE, channelUpdate: update },
    { code: FAILURE.PERMANENT_CHANNEL_FAILURE },
    { code: FAILURE.REQUIRED_CHANNEL_FEATURE_MISSING },
    { code: FAILURE.UNKNOWN_NEXT_PEER },
    { code: FAILURE.AMOUNT_BELOW_MINIMUM, htlcMsat: 999n, channelUpdate: update },
    { code: FAILURE.FEE_INSUFFICIENT, htlcMsat: 1_000_000n, channelUpdate: update },
    { code: FAILURE.INCORRECT_CLTV_EXPIRY, cltvExpiry: 812_000, channelUpdate: update },
    { code: FAILURE.EXPIRY_TOO_SOON, channelUpdate: new Uint8Array(0) },
    { code: FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS, htlcMsat: 5000n, height: 800_001 },
    { code: FAILURE.FINAL_INCORRECT_CLTV_EXPIRY, cltvExpiry: 800_040 },
    { code: FAILURE.FINAL_INCORRECT_HTLC_AMOUNT, incomingHtlcAmt: 4999n },
    { code: FAILURE.CHANNEL_DISABLED, disabledFlags: 0, channelUpdate: update },
    { code: FAILURE.EXPIRY_TOO_FAR },
    { code: FAILURE.INVALID_ONION_PAYLOAD, tlvType: 8n, offset: 12 },
    { code: FAILURE.MPP_TIMEOUT },
    { code: FAILURE.INVALID_ONION_BLINDING, sha256OfOnion: fromHex('04'.repeat(32)) },
    { code: 0x5555, extra: fromHex('c0ffee') }, // a code lnsim does not know keeps its data as bytes
  ]

  it('every code round-trips with its data fields', () => {
    for (const failure of samples)
      expect(decodeFailureMessage(encodeFailureMessage(failure)), failureName(failure.code)).toEqual(failure)
  })

  it('lay out their fields as BOLT #4 writes them', () => {
    expect(
      toHex(encodeFailureMessage({ code: FAILURE.FEE_INSUFFICIENT, htlcMsat: 1n, channelUpdate: fromHex('0102aa') })),
    ).toBe('100c' + '0000000000000001' + '0003' + '0102aa')
    expect(
      toHex(
        encodeFailureMessage({ code: FAILURE.CHANNEL_DISABLED, disabledFlags: 0, channelUpdate: new Uint8Array(0) }),
      ),
    ).toBe('1014' + '0000' + '0000')
    expect(toHex(encodeFailureMessage({ code: FAILURE.INVALID_ONION_PAYLOAD, tlvType: 300n, offset: 7 }))).toBe(
      '4016' + 'fd012c' + '0007',
    )
  })

  it('refuse to encode a failure without the fields its code requires', () => {
    expect(() => encodeFailureMessage({ code: FAILURE.FEE_INSUFFICIENT, htlcMsat: 1n })).toThrow(OnionEncodeError)
    expect(() => encodeFailureMessage({ code: FAILURE.INVALID_ONION_HMAC, sha256OfOnion: new Uint8Array(31) })).toThrow(
      OnionEncodeError,
    )
    expect(() =>
      encodeFailureMessage({ code: FAILURE.INCORRECT_CLTV_EXPIRY, cltvExpiry: -1, channelUpdate: update }),
    ).toThrow(OnionEncodeError)
  })

  it('a truncated message does not decode', () => {
    expect(() => decodeFailureMessage(fromHex('10'))).toThrow()
    expect(() => decodeFailureMessage(fromHex('100c0000000000000001000a0102'))).toThrow()
  })

  it('names and flags', () => {
    expect(failureName(FAILURE.MPP_TIMEOUT)).toBe('mpp_timeout')
    expect(failureName(0x5555)).toBe('failure_0x5555')
    expect(isBadOnion(FAILURE.INVALID_ONION_HMAC)).toBe(true)
    expect(isBadOnion(FAILURE.FEE_INSUFFICIENT)).toBe(false)
    expect(isPermanent(FAILURE.UNKNOWN_NEXT_PEER)).toBe(true)
    expect(isPermanent(FAILURE.TEMPORARY_CHANNEL_FAILURE)).toBe(false)
  })
})
