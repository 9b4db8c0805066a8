import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatInvoiceAmount, InvoiceError, parseInvoiceAmount } from '../../../src/invoice/index.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    if (err instanceof InvoiceError) return err.code
    throw err
  }
  return undefined
}

describe('invoice amounts (BOLT #11 human-readable part)', () => {
  it('reads every multiplier as a whole number of msat', () => {
    expect(parseInvoiceAmount('1')).toBe(100_000_000_000n) // 1 BTC
    expect(parseInvoiceAmount('20m')).toBe(2_000_000_000n)
    expect(parseInvoiceAmount('2500u')).toBe(250_000_000n)
    expect(parseInvoiceAmount('7n')).toBe(700n)
    expect(parseInvoiceAmount('10p')).toBe(1n)
    expect(parseInvoiceAmount('9678785340p')).toBe(967_878_534n)
    expect(parseInvoiceAmount('')).toBeNull()
  })

  it('reads amounts written with a smaller multiplier than needed', () => {
    expect(parseInvoiceAmount('1000u')).toBe(100_000_000n)
    expect(parseInvoiceAmount('1000000n')).toBe(100_000_000n)
    expect(parseInvoiceAmount('1000000000p')).toBe(100_000_000n)
  })

  it('rejects fractions of a millisatoshi, zero, leading zeros, unknown multipliers and non-digits', () => {
    for (const bad of ['1p', '2500000001p', '0', '0m', '01m', '007', '2500x', 'm', '1.5m', '-1', '1mm', ' 1m', '1M']) {
      expect(
        codeOf(() => parseInvoiceAmount(bad)),
        bad,
      ).toBe('INVALID_AMOUNT')
    }
  })

  it('rejects more than 21 million bitcoin', () => {
    expect(parseInvoiceAmount('21000000')).toBe(2_100_000_000_000_000_000n)
    expect(codeOf(() => parseInvoiceAmount('21000001'))).toBe('INVALID_AMOUNT')
    expect(codeOf(() => parseInvoiceAmount('9'.repeat(200)))).toBe('INVALID_AMOUNT')
  })

  it('writes the shortest form: the largest multiplier that keeps the number whole', () => {
    expect(formatInvoiceAmount(100_000_000_000n)).toBe('1')
    expect(formatInvoiceAmount(250_000_000n)).toBe('2500u')
    expect(formatInvoiceAmount(2_000_000_000n)).toBe('20m')
    expect(formatInvoiceAmount(110_000_000_000n)).toBe('1100m')
    expect(formatInvoiceAmount(100n)).toBe('1n')
    expect(formatInvoiceAmount(1000n)).toBe('10n')
    expect(formatInvoiceAmount(1n)).toBe('10p')
    expect(formatInvoiceAmount(101n)).toBe('1010p')
    expect(formatInvoiceAmount(967_878_534n)).toBe('9678785340p')
  })

  it('refuses to write zero, negative or impossible amounts', () => {
    expect(codeOf(() => formatInvoiceAmount(0n))).toBe('INVALID_AMOUNT')
    expect(codeOf(() => formatInvoiceAmount(-5n))).toBe('INVALID_AMOUNT')
    expect(codeOf(() => formatInvoiceAmount(2_100_000_000_000_000_001n))).toBe('INVALID_AMOUNT')
  })

  it('reads back whatever it writes', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2_100_000_000_000_000_000n }), (msat) => {
        expect(parseInvoiceAmount(formatInvoiceAmount(msat))).toBe(msat)
      }),
      { numRuns: 500 },
    )
  })
})
