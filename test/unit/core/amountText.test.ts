import { describe, expect, it } from 'vitest'
import { InvalidAmountError, parseAmountText } from '../../../src/core/amountText.js'

describe('amounts as people type them', () => {
  it.each([
    ['5000', 'msat', 5000n],
    ['5000msat', 'msat', 5000n],
    ['5sat', 'msat', 5000n],
    ['1.5sat', 'msat', 1500n],
    ['0.00005btc', 'msat', 5_000_000n],
    ['100000', 'sat', 100_000n],
    ['100000sat', 'sat', 100_000n],
    ['100000 sats', 'sat', 100_000n],
    ['0.001btc', 'sat', 100_000n],
    ['0.1BTC', 'sat', 10_000_000n],
    ['21000000btc', 'sat', 2_100_000_000_000_000n],
    ['2000msat', 'sat', 2n],
  ] as const)('%s in %s is %s', (text, unit, want) => {
    expect(parseAmountText(text, unit)).toBe(want)
  })

  it.each([
    ['1.5sat', 'sat', 'not a whole number of satoshi'],
    ['1500msat', 'sat', 'not a whole number of satoshi'],
    ['1.5', 'msat', 'fraction of a millisatoshi'],
    ['0.0000000000001btc', 'msat', 'fraction of a millisatoshi'],
    ['10eur', 'sat', 'unknown unit "eur"'],
    ['-5sat', 'sat', 'must be an amount like'],
    ['', 'sat', 'must be an amount like'],
    ['1e6', 'sat', 'must be an amount like'],
    ['21000001btc', 'sat', 'more than 21,000,000 BTC'],
  ] as const)('%s in %s is refused: %s', (text, unit, why) => {
    expect(() => parseAmountText(text, unit)).toThrow(InvalidAmountError)
    expect(() => parseAmountText(text, unit)).toThrow(why)
  })
})
