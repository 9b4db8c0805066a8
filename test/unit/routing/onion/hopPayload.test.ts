import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, toHex } from '../../../../src/core/bytes.js'
import { shortChannelId } from '../../../../src/core/shortChannelId.js'
import { decodeBigSize } from '../../../../src/wire/bigsize.js'
import { encodeTlvStream } from '../../../../src/wire/tlv.js'
import {
  decodeHopPayload,
  encodeHopPayload,
  FAILURE,
  OnionEncodeError,
  OnionError,
  type HopPayload,
} from '../../../../src/routing/onion/index.js'
import vector from '../../../fixtures/bolt04-onion-test.json' with { type: 'json' }

const secret = fromHex('ab'.repeat(32))

function expectInvalidPayload(bytes: Uint8Array, isFinal: boolean, tlvType: string): void {
  try {
    decodeHopPayload(bytes, isFinal, secret)
  } catch (err) {
    expect(err).toBeInstanceOf(OnionError)
    const e = err as OnionError
    expect(e.code).toBe('INVALID_ONION_PAYLOAD')
    expect(e.failureCode).toBe(FAILURE.INVALID_ONION_PAYLOAD)
    expect(e.details.tlvType).toBe(tlvType)
    expect(e.sharedSecret).toEqual(secret) // authenticated: the failure goes back encrypted
    return
  }
  expect.fail('the payload was accepted')
}

const records = (entries: Array<[bigint, string]>): Uint8Array =>
  encodeTlvStream(new Map(entries.map(([t, v]) => [t, fromHex(v)])))

describe('hop payloads', () => {
  it('read the BOLT #4 vector payloads: four forwarding hops, a payee with payment_data and an odd unknown TLV', () => {
    const payloads = vector.generate.hops.map((h) => {
      const framed = fromHex(h.payload)
      return framed.slice(decodeBigSize(framed).length)
    })
    expect(decodeHopPayload(payloads[0]!, false)).toEqual({
      amtToForward: 15000n,
      outgoingCltvValue: 1500,
      shortChannelId: 1n,
    })
    expect(decodeHopPayload(payloads[1]!, false)).toEqual({
      amtToForward: 14000n,
      outgoingCltvValue: 1400,
      shortChannelId: 2n,
    }) // skips odd type 513
    const last = decodeHopPayload(payloads[4]!, true)
    expect(last.amtToForward).toBe(10000n)
    expect(last.outgoingCltvValue).toBe(1000)
    expect(last.paymentData?.paymentSecret.length).toBe(32)
    expect(last.paymentData?.totalMsat).toBe(10000n)
  })

  it('carry a keysend preimage as TLV 5482373484 for the final hop only (bLIP-3)', () => {
    const preimage = fromHex('5e'.repeat(32))
    const bytes = encodeHopPayload({ amtToForward: 1000n, outgoingCltvValue: 144, keysendPreimage: preimage }, true)
    // bLIP-3: type 5482373484 = 0x0000000146c6616c, a BigSize of nine bytes, then length 32 and the preimage
    expect(toHex(bytes)).toContain('ff0000000146c6616c20' + '5e'.repeat(32))
    expect(decodeHopPayload(bytes, true).keysendPreimage).toEqual(preimage)
    expect(() =>
      encodeHopPayload(
        { amtToForward: 1n, outgoingCltvValue: 1, shortChannelId: 1n, keysendPreimage: preimage },
        false,
      ),
    ).toThrow(OnionEncodeError)
    const forwarding = records([
      [2n, '01'],
      [4n, '01'],
      [6n, '0000000000000001'],
      [5_482_373_484n, '5e'.repeat(32)],
    ])
    expectInvalidPayload(forwarding, false, '5482373484')
    expectInvalidPayload(
      records([
        [2n, '01'],
        [4n, '01'],
        [5_482_373_484n, '5e'.repeat(31)],
      ]),
      true,
      '5482373484',
    )
  })

  it("carry lightning/bolts#1280's upgrade_accountability as type 19 with no data, refusing data in it", () => {
    const hop: HopPayload = {
      amtToForward: 1000n,
      outgoingCltvValue: 500,
      shortChannelId: shortChannelId(1, 2, 3),
      upgradeAccountability: true,
    }
    const bytes = encodeHopPayload(hop, false)
    // after short_channel_id (type 6, 8 bytes): type 19, length 0
    expect(toHex(bytes.subarray(bytes.length - 2))).toBe('1300')
    expect(decodeHopPayload(bytes, false)).toEqual(hop)
    const without = encodeHopPayload({ ...hop, upgradeAccountability: false }, false)
    expect(decodeHopPayload(without, false).upgradeAccountability).toBeUndefined()
    expectInvalidPayload(concatBytes(without, fromHex('1301ff')), false, '19')
  })

  it('round-trip for intermediate and final hops', () => {
    const forward: HopPayload = {
      amtToForward: 1_000_500n,
      outgoingCltvValue: 700_123,
      shortChannelId: shortChannelId(800_000, 12, 1),
    }
    expect(decodeHopPayload(encodeHopPayload(forward, false), false)).toEqual(forward)
    const final: HopPayload = {
      amtToForward: 42n,
      outgoingCltvValue: 0,
      paymentData: { paymentSecret: secret, totalMsat: 84n },
    }
    expect(decodeHopPayload(encodeHopPayload(final, true), true)).toEqual(final)
  })

  it('round-trip for any values in range (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.boolean(),
        (amt, cltv, scidOrTotal, isFinal) => {
          const payload: HopPayload = isFinal
            ? {
                amtToForward: amt,
                outgoingCltvValue: cltv,
                paymentData: { paymentSecret: secret, totalMsat: scidOrTotal },
              }
            : { amtToForward: amt, outgoingCltvValue: cltv, shortChannelId: scidOrTotal }
          expect(decodeHopPayload(encodeHopPayload(payload, isFinal), isFinal)).toEqual(payload)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('refuse to encode what BOLT #4 forbids', () => {
    expect(() => encodeHopPayload({ amtToForward: 1n, outgoingCltvValue: 1 }, false)).toThrow(OnionEncodeError)
    expect(() => encodeHopPayload({ amtToForward: 1n, outgoingCltvValue: 1, shortChannelId: 1n }, true)).toThrow(
      OnionEncodeError,
    )
    expect(() =>
      encodeHopPayload(
        {
          amtToForward: 1n,
          outgoingCltvValue: 1,
          shortChannelId: 1n,
          paymentData: { paymentSecret: secret, totalMsat: 1n },
        },
        false,
      ),
    ).toThrow(OnionEncodeError)
    expect(() => encodeHopPayload({ amtToForward: -1n, outgoingCltvValue: 1 }, true)).toThrow(OnionEncodeError)
    expect(() => encodeHopPayload({ amtToForward: 1n, outgoingCltvValue: 2 ** 32 }, true)).toThrow(OnionEncodeError)
    expect(() =>
      encodeHopPayload(
        { amtToForward: 1n, outgoingCltvValue: 1, paymentData: { paymentSecret: new Uint8Array(31), totalMsat: 1n } },
        true,
      ),
    ).toThrow(OnionEncodeError)
  })

  describe('reject, naming the TLV type at fault', () => {
    it('a missing amt_to_forward or outgoing_cltv_value', () => {
      expectInvalidPayload(
        records([
          [4n, '05dc'],
          [6n, '0000000000000001'],
        ]),
        false,
        '2',
      )
      expectInvalidPayload(
        records([
          [2n, '3a98'],
          [6n, '0000000000000001'],
        ]),
        false,
        '4',
      )
    })

    it('a forwarding hop without short_channel_id, or with payment_data', () => {
      expectInvalidPayload(
        records([
          [2n, '3a98'],
          [4n, '05dc'],
        ]),
        false,
        '6',
      )
      expectInvalidPayload(
        records([
          [2n, '3a98'],
          [4n, '05dc'],
          [6n, '0000000000000001'],
          [8n, 'ab'.repeat(32) + '01'],
        ]),
        false,
        '8',
      )
    })

    it('a final hop that names a channel', () => {
      expectInvalidPayload(
        records([
          [2n, '3a98'],
          [4n, '05dc'],
          [6n, '0000000000000001'],
        ]),
        true,
        '6',
      )
    })

    it('an unknown even type, while an unknown odd one is skipped', () => {
      expectInvalidPayload(
        records([
          [2n, '3a98'],
          [4n, '05dc'],
          [6n, '0000000000000001'],
          [10n, '00'],
        ]),
        false,
        '10',
      )
      expect(
        decodeHopPayload(
          records([
            [2n, '3a98'],
            [4n, '05dc'],
            [6n, '0000000000000001'],
            [11n, '00'],
          ]),
          false,
        ).amtToForward,
      ).toBe(15000n)
    })

    it('non-minimal integers, wrong sizes, truncation and disorder', () => {
      expectInvalidPayload(
        records([
          [2n, '003a98'],
          [4n, '05dc'],
        ]),
        true,
        '2',
      )
      expectInvalidPayload(
        records([
          [2n, '010203040506070809'],
          [4n, '05dc'],
        ]),
        true,
        '2',
      )
      expectInvalidPayload(
        records([
          [2n, '3a98'],
          [4n, '0102030405'],
        ]),
        true,
        '4',
      )
      expectInvalidPayload(
        records([
          [2n, '3a98'],
          [4n, '05dc'],
          [6n, '00000001'],
        ]),
        false,
        '6',
      )
      expectInvalidPayload(
        records([
          [2n, '3a98'],
          [4n, '05dc'],
          [8n, 'ab'.repeat(31)],
        ]),
        true,
        '8',
      )
      expectInvalidPayload(concatBytes(records([[2n, '3a98']]), fromHex('0405')), true, '0')
      expectInvalidPayload(concatBytes(records([[4n, '05dc']]), records([[2n, '3a98']])), true, '0')
    })
  })
})
