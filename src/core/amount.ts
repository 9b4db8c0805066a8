/**
 * Money is always an integer: millisatoshi off-chain, satoshi on-chain.
 * Both are bigint so that no amount ever passes through a float.
 */
export type Msat = bigint
export type Sat = bigint

/** 21 million bitcoin in satoshi: no single amount can exceed it. */
export const MAX_MONEY_SAT: Sat = 21_000_000n * 100_000_000n

export function satToMsat(sat: Sat): Msat {
  return sat * 1000n
}

/** Rounds down, as BOLT #3 does when an msat balance becomes an on-chain output. */
export function msatToSatFloor(msat: Msat): Sat {
  if (msat < 0n) throw new RangeError(`negative amount: ${msat} msat`)
  return msat / 1000n
}

/** Parses a non-negative decimal integer (as a string, number or bigint) into a bigint, or throws. */
export function parseAmount(value: unknown, what = 'amount'): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n) throw new RangeError(`${what} must not be negative, got ${value}`)
    return value
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`${what} must be a non-negative integer, got ${value}`)
    return BigInt(value)
  }
  if (typeof value === 'string' && /^(0|[1-9][0-9]*)$/.test(value.trim())) return BigInt(value.trim())
  throw new RangeError(`${what} must be a non-negative integer, got ${JSON.stringify(value)}`)
}

/** For people: 1_050n → "1.050 sat", every msat shown. */
export function formatMsatInSat(msat: Msat): string {
  const sat = msat / 1000n
  const rest = msat % 1000n
  return `${sat.toLocaleString('en-US')}${rest ? '.' + rest.toString().padStart(3, '0') : ''} sat`
}
