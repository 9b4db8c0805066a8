/**
 * Two limits on what an HTLC may cost when fees rise (BOLT #2 "Bounding exposure to trimmed in-flight HTLCs" and the
 * fee-spike buffer of "Adding an HTLC"): the value of HTLCs that would go to miners as dust, and the funder's margin
 * for the commitment fee at twice the feerate. Both are checked on the commitments as they will be with the HTLC.
 */
import type { Msat, Sat } from '../core/amount.js'
import { flipSpec, type CommitmentSpec } from './commitmentSpec.js'
import {
  COMMITMENT_BASE_WEIGHT,
  COMMITMENT_HTLC_WEIGHT,
  FEE_SPIKE_BUFFER_MULTIPLE,
  dustBufferFeeratePerKw,
} from './constants.js'
import { isTrimmed, weightToFee } from './fees.js'

/** The value of the HTLCs of a commitment that have no output at `feeratePerKw`. */
export function dustBalanceMsat(spec: CommitmentSpec, dustLimitSat: Sat, feeratePerKw: number): Msat {
  let total = 0n
  for (const h of spec.htlcs) if (isTrimmed(h, dustLimitSat, feeratePerKw)) total += h.amountMsat
  return total
}

/** The larger dust balance of the two commitments holding the HTLCs of `spec` (the other one's directions flipped). */
export function maxDustBalanceMsat(
  spec: CommitmentSpec,
  ownerDustLimitSat: Sat,
  otherDustLimitSat: Sat,
  feeratePerKw: number,
): Msat {
  const owner = dustBalanceMsat(spec, ownerDustLimitSat, feeratePerKw)
  const other = dustBalanceMsat(flipSpec(spec), otherDustLimitSat, feeratePerKw)
  return owner > other ? owner : other
}

export interface DustExposure {
  /** on the commitment `spec` belongs to, at the dust buffer feerate */
  ownerMsat: Msat
  /** on the other side's commitment (the same HTLCs, directions flipped), at the dust buffer feerate */
  otherMsat: Msat
  /** whether the HTLC `id` of `direction` (owner's view) is itself dust on either commitment */
  isDust: (direction: 'incoming' | 'outgoing', id: bigint) => boolean
}

/**
 * The dust exposure of a channel whose next commitments hold the HTLCs of `spec`, counted at LDK's dust buffer
 * feerate (dustBufferFeeratePerKw), so that a fee rise within the buffer cannot push the channel over its limit.
 */
export function dustExposure(spec: CommitmentSpec, ownerDustLimitSat: Sat, otherDustLimitSat: Sat): DustExposure {
  const feerate = dustBufferFeeratePerKw(spec.feeratePerKw)
  const other = flipSpec(spec)
  return {
    ownerMsat: dustBalanceMsat(spec, ownerDustLimitSat, feerate),
    otherMsat: dustBalanceMsat(other, otherDustLimitSat, feerate),
    isDust: (direction, id) => {
      const h = spec.htlcs.find((x) => x.direction === direction && x.id === id)
      if (!h) return false
      const flipped = { ...h, direction: direction === 'incoming' ? ('outgoing' as const) : ('incoming' as const) }
      return isTrimmed(h, ownerDustLimitSat, feerate) || isTrimmed(flipped, otherDustLimitSat, feerate)
    },
  }
}

/**
 * The commitment fee the funder must be able to pay to keep its fee-spike buffer: at FEE_SPIKE_BUFFER_MULTIPLE × the
 * feerate, with one more non-dust HTLC than `spec` has (BOLT #2: "a future additional non-dust HTLC").
 */
export function feeSpikeBufferFeeSat(spec: CommitmentSpec, dustLimitSat: Sat): Sat {
  const untrimmed = BigInt(spec.htlcs.filter((h) => !isTrimmed(h, dustLimitSat, spec.feeratePerKw)).length)
  return weightToFee(
    spec.feeratePerKw * FEE_SPIKE_BUFFER_MULTIPLE,
    COMMITMENT_BASE_WEIGHT + COMMITMENT_HTLC_WEIGHT * (untrimmed + 1n),
  )
}
