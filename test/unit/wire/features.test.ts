import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../src/core/bytes.js'
import {
  combineFeatures,
  featureBits,
  FEATURE_BITS,
  hasFeature,
  hasFeatureBit,
  listFeatureBits,
  setFeatureBit,
  unknownRequiredFeatures,
  withFeature,
} from '../../../src/wire/features.js'

describe('feature bit vectors (BOLT #9)', () => {
  it('numbers bits from the least significant bit of the last byte', () => {
    expect(toHex(featureBits(0))).toBe('01')
    expect(toHex(featureBits(1))).toBe('02')
    expect(toHex(featureBits(8))).toBe('0100')
    expect(toHex(featureBits(15, 17))).toBe('028000')
    expect(hasFeatureBit(fromHex('028000'), 15)).toBe(true)
    expect(hasFeatureBit(fromHex('028000'), 17)).toBe(true)
    expect(hasFeatureBit(fromHex('028000'), 16)).toBe(false)
    expect(hasFeatureBit(fromHex('028000'), 400)).toBe(false)
    expect(hasFeatureBit(new Uint8Array(0), 0)).toBe(false)
  })

  it('sets bits without touching the input, growing to the minimum length', () => {
    const before = fromHex('02')
    const after = setFeatureBit(before, 14)
    expect(toHex(before)).toBe('02')
    expect(toHex(after)).toBe('4002')
    expect(toHex(setFeatureBit(after, 1))).toBe('4002')
    expect(() => setFeatureBit(before, -1)).toThrow(RangeError)
    expect(() => setFeatureBit(before, 1.5)).toThrow(RangeError)
  })

  it('lists and sets the same bits', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 20 }), (bits) => {
        const features = featureBits(...bits)
        expect(listFeatureBits(features)).toEqual([...bits].sort((a, b) => a - b))
        for (const bit of bits) expect(hasFeatureBit(features, bit)).toBe(true)
      }),
    )
  })

  it('knows the features lnsim uses by name', () => {
    expect(FEATURE_BITS).toMatchObject({
      option_data_loss_protect: [0, 1],
      initial_routing_sync: [3],
      gossip_queries: [6, 7],
      var_onion_optin: [8, 9],
      payment_secret: [14, 15],
      basic_mpp: [16, 17],
    })
    const features = withFeature(withFeature(new Uint8Array(0), 'var_onion_optin', 'required'), 'basic_mpp', 'optional')
    expect(listFeatureBits(features)).toEqual([8, 17])
    expect(hasFeature(features, 'var_onion_optin')).toBe(true)
    expect(hasFeature(features, 'basic_mpp')).toBe(true)
    expect(hasFeature(features, 'payment_secret')).toBe(false)
    expect(listFeatureBits(withFeature(new Uint8Array(0), 'initial_routing_sync', 'optional'))).toEqual([3])
    expect(() => withFeature(new Uint8Array(0), 'initial_routing_sync', 'required')).toThrow(RangeError)
  })

  it("it's OK to be odd: only unknown even bits are reported", () => {
    // 0, 8, 14, 16 known and required; 3, 7, 21 odd; 20 and 100 unknown and even
    const features = featureBits(0, 3, 7, 8, 14, 16, 20, 21, 100)
    expect(unknownRequiredFeatures(features)).toEqual([20, 100])
    expect(unknownRequiredFeatures(features, ['var_onion_optin'])).toEqual([0, 14, 16, 20, 100])
    expect(unknownRequiredFeatures(featureBits(1, 9, 15, 17, 33))).toEqual([])
    // bit 2 has no feature: initial_routing_sync was only ever bit 3
    expect(unknownRequiredFeatures(featureBits(2))).toEqual([2])
  })

  it('combines vectors of different lengths aligned on bit 0', () => {
    expect(toHex(combineFeatures(fromHex('22'), fromHex('0100')))).toBe('0122')
    expect(toHex(combineFeatures(fromHex('0100'), fromHex('')))).toBe('0100')
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        expect(listFeatureBits(combineFeatures(a, b))).toEqual(
          [...new Set([...listFeatureBits(a), ...listFeatureBits(b)])].sort((x, y) => x - y),
        )
      }),
    )
  })
})
