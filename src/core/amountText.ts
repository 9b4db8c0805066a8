/**
 * Amounts as people type them: `100sat`, `0.001btc`, `5000msat`, or a bare
 * number in the unit the field has always had (msat off chain, sat on chain).
 * The text is read as decimal digits, never through a float, so `0.1btc` is
 * exactly 10,000,000 sat.
 */
import { InvalidInputError } from './errors.js'
import { MAX_MONEY_SAT } from './amount.js'

export type AmountUnit = 'msat' | 'sat'

/** How many msat one of each unit a person may type is worth. */
const MSAT_PER: Readonly<Record<string, bigint>> = {
  msat: 1n,
  sat: 1000n,
  sats: 1000n,
  btc: 100_000_000_000n,
}

const AMOUNT_TEXT = /^([0-9]+)(?:\.([0-9]+))?\s*([a-z]*)$/

export class InvalidAmountError extends InvalidInputError {
  constructor(message: string) {
    super(message, {}, 'INVALID_AMOUNT')
    this.name = 'InvalidAmountError'
  }
}

/**
 * The amount `text` stands for, in `unit`. A bare number is taken in `unit`; with a unit it is converted, and it must
 * come out whole (1.5sat is 1500 msat, but not an on-chain amount). Nothing above 21 million BTC is accepted.
 */
export function parseAmountText(text: string, unit: AmountUnit, what = 'amount'): bigint {
  const m = AMOUNT_TEXT.exec(text.trim().toLowerCase())
  const example = unit === 'msat' ? '5000, 5000msat, 5sat or 0.00005btc' : '100000, 100000sat or 0.001btc'
  if (!m) throw new InvalidAmountError(`${what} must be an amount like ${example}, got ${JSON.stringify(text)}`)
  const [, whole, fraction = '', suffix = ''] = m
  const typedUnit = suffix === '' ? unit : suffix
  const perUnit = MSAT_PER[typedUnit]
  if (perUnit === undefined)
    throw new InvalidAmountError(
      `${what}: unknown unit "${suffix}" (use msat, sat or btc), got ${JSON.stringify(text)}`,
    )
  const scale = 10n ** BigInt(fraction.length)
  const scaled = (BigInt(whole!) * scale + BigInt(fraction === '' ? '0' : fraction)) * perUnit
  if (scaled % scale !== 0n)
    throw new InvalidAmountError(`${what}: ${text} is a fraction of a millisatoshi, the smallest amount there is`)
  const msat = scaled / scale
  if (msat > MAX_MONEY_SAT * 1000n) throw new InvalidAmountError(`${what}: ${text} is more than 21,000,000 BTC`)
  if (unit === 'msat') return msat
  if (msat % 1000n !== 0n)
    throw new InvalidAmountError(`${what}: ${text} is not a whole number of satoshi, the unit on chain`)
  return msat / 1000n
}
