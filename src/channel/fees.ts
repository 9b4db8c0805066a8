/** BOLT #3 "Fee Calculation" and "Trimmed Outputs", without anchors. */
import type { Sat } from '../core/amount.js'
import {
  COMMITMENT_BASE_WEIGHT,
  COMMITMENT_HTLC_WEIGHT,
  HTLC_SUCCESS_WEIGHT,
  HTLC_TIMEOUT_WEIGHT,
} from './constants.js'
import type { CommitmentSpec, HtlcDirection } from './commitmentSpec.js'

export function weightToFee(feeratePerKw: number, weight: bigint): Sat {
  return (BigInt(feeratePerKw) * weight) / 1000n
}

/**
 * BOLT #3 "Trimmed Outputs": an HTLC gets no output on a commitment when its amount, less the fee of the second-stage
 * transaction that would spend it, is below the commitment owner's dust limit; its value goes to fees. `direction` is
 * from the owner's point of view: an outgoing (offered) HTLC is spent by an HTLC-timeout transaction, an incoming
 * (received) one by an HTLC-success transaction.
 */
export function isTrimmed(
  htlc: { direction: HtlcDirection; amountMsat: bigint },
  dustLimitSat: Sat,
  feeratePerKw: number,
): boolean {
  return htlc.amountMsat / 1000n < trimThresholdSat(htlc.direction, dustLimitSat, feeratePerKw)
}

/** The smallest HTLC amount, in whole sat, that keeps its output on the owner's commitment. */
export function trimThresholdSat(direction: HtlcDirection, dustLimitSat: Sat, feeratePerKw: number): Sat {
  const weight = direction === 'outgoing' ? HTLC_TIMEOUT_WEIGHT : HTLC_SUCCESS_WEIGHT
  return dustLimitSat + weightToFee(feeratePerKw, weight)
}

/** The fee the funder pays for a commitment transaction with this spec. */
export function commitTxFeeSat(spec: CommitmentSpec, dustLimitSat: Sat): Sat {
  const untrimmed = BigInt(spec.htlcs.filter((h) => !isTrimmed(h, dustLimitSat, spec.feeratePerKw)).length)
  return weightToFee(spec.feeratePerKw, COMMITMENT_BASE_WEIGHT + COMMITMENT_HTLC_WEIGHT * untrimmed)
}
