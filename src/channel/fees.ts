/** BOLT #3 "Fee Calculation", without anchors and without second-stage HTLC transactions. */
import type { Sat } from '../core/amount.js'
import { COMMITMENT_BASE_WEIGHT, COMMITMENT_HTLC_WEIGHT } from './constants.js'
import type { CommitmentSpec } from './commitmentSpec.js'

/** An HTLC whose amount is below the commitment owner's dust limit gets no output; its value goes to fees. */
export function isTrimmed(amountMsat: bigint, dustLimitSat: Sat): boolean {
  return amountMsat / 1000n < dustLimitSat
}

export function weightToFee(feeratePerKw: number, weight: bigint): Sat {
  return (BigInt(feeratePerKw) * weight) / 1000n
}

/** The fee the funder pays for a commitment transaction with this spec. */
export function commitTxFeeSat(spec: CommitmentSpec, dustLimitSat: Sat): Sat {
  const untrimmed = BigInt(spec.htlcs.filter((h) => !isTrimmed(h.amountMsat, dustLimitSat)).length)
  return weightToFee(spec.feeratePerKw, COMMITMENT_BASE_WEIGHT + COMMITMENT_HTLC_WEIGHT * untrimmed)
}
