/**
 * The amount in an invoice's human-readable part: a decimal number of bitcoin
 * with an optional multiplier letter, e.g. `2500u` = 2500 µBTC = 250,000,000 msat.
 */
import { MAX_MONEY_SAT, satToMsat, type Msat } from '../core/amount.js'
import { InvoiceError } from './errors.js'

const MAX_MONEY_MSAT = satToMsat(MAX_MONEY_SAT)

/** msat per unit for each multiplier, largest unit first; `p` (0.1 msat) is handled apart. */
const MSAT_PER_UNIT: ReadonlyArray<readonly [multiplier: string, msat: bigint]> = [
  ['', 100_000_000_000n],
  ['m', 100_000_000n],
  ['u', 100_000n],
  ['n', 100n],
]

/** The amount in msat, or null when `text` is empty (the payer chooses). */
export function parseInvoiceAmount(text: string): Msat | null {
  if (text === '') return null
  const m = /^([0-9]+)([munp]?)$/.exec(text)
  if (!m)
    throw new InvoiceError(
      'INVALID_AMOUNT',
      `invoice amount "${text}" is not digits followed by an optional multiplier m, u, n or p`,
      { amount: text },
    )
  const [, digits, multiplier] = m as unknown as [string, string, string]
  if (digits.startsWith('0'))
    throw new InvoiceError(
      'INVALID_AMOUNT',
      `invoice amount "${text}" must be a positive number without leading zeros`,
      { amount: text },
    )
  const value = BigInt(digits)
  let msat: bigint
  if (multiplier === 'p') {
    // BOLT #11: a pico-bitcoin amount must end in 0, or it is a fraction of a millisatoshi
    if (value % 10n !== 0n)
      throw new InvoiceError(
        'INVALID_AMOUNT',
        `invoice amount "${text}" is not a whole number of millisatoshi (a p amount must end in 0)`,
        { amount: text },
      )
    msat = value / 10n
  } else {
    msat = value * MSAT_PER_UNIT.find(([letter]) => letter === multiplier)![1]
  }
  if (msat > MAX_MONEY_MSAT)
    throw new InvoiceError('INVALID_AMOUNT', `invoice amount "${text}" is more than 21 million bitcoin`, {
      amount: text,
    })
  return msat
}

/** The shortest text for `msat`: the largest multiplier that keeps the number whole (BOLT #11 writer rule). */
export function formatInvoiceAmount(msat: Msat): string {
  if (msat <= 0n || msat > MAX_MONEY_MSAT)
    throw new InvoiceError(
      'INVALID_AMOUNT',
      `invoice amount must be from 1 msat to 21 million bitcoin, got ${msat} msat`,
      { amountMsat: msat.toString() },
    )
  for (const [multiplier, unit] of MSAT_PER_UNIT) {
    if (msat % unit === 0n) return `${msat / unit}${multiplier}`
  }
  return `${msat * 10n}p`
}
