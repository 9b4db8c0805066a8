/**
 * BOLT #2 "Updating Fees: update_fee": the funder moves the commitment feerate with the chain's; the update travels
 * like an HTLC update (proposed, signed, revoked) and sets the feerate of both commitments once they hold it. The last
 * update_fee proposed replaces an earlier one not yet signed, on both sides (as Eclair does).
 */
import type { UpdateFee } from '../wire/messages.js'
import { latestFeerate, reduceSpec, type Update } from './commitmentSpec.js'
import { latestRemoteCommit, type Commitments } from './commitments.js'
import { FEERATE_FLOOR_PER_KW, type FeeLimits } from './constants.js'
import { channelError, fatalChannelError } from './errors.js'
import { commitTxFeeSat } from './fees.js'
import { maxDustBalanceMsat } from './dustExposure.js'

/** The feerate the funder's next commitment_signed will use: the last update_fee it proposed, or the signed one. */
export function proposedFeeratePerKw(c: Commitments): number {
  return latestFeerate(latestRemoteCommit(c).spec.feeratePerKw, c.localChanges.proposed, c.remoteChanges.proposed)
}

/** The feerates a peer's update_fee may set, given our own estimate of the chain's (BOLT #2's "reasonable" range). */
export function acceptableFeerates(estimatePerKw: number, limits: FeeLimits): { min: number; max: number } {
  const min = Math.max(FEERATE_FLOOR_PER_KW, Math.floor((estimatePerKw * limits.minFeeratePercent) / 100))
  return { min, max: Math.max(min, estimatePerKw * limits.maxFeerateMultiplier) }
}

function withFee(changes: readonly Update[], fee: UpdateFee): Update[] {
  return [...changes.filter((u) => u.type !== 'update_fee'), fee]
}

export function sendFee(
  c: Commitments,
  feeratePerKw: number,
  limits: FeeLimits,
): { commitments: Commitments; fee: UpdateFee } {
  if (!c.localParams.isFunder)
    throw channelError('NOT_FUNDER', 'only the funder sends update_fee (BOLT #2); the peer pays this channel’s fees')
  if (!Number.isInteger(feeratePerKw) || feeratePerKw < FEERATE_FLOOR_PER_KW || feeratePerKw > 0xffff_ffff)
    throw channelError(
      'UPDATE_FEE_OUT_OF_RANGE',
      `feerate ${feeratePerKw} sat/kw is not a whole number of at least ${FEERATE_FLOOR_PER_KW}`,
    )
  const fee: UpdateFee = { type: 'update_fee', channelId: c.channelId, feeratePerKw }
  const proposed = withFee(c.localChanges.proposed, fee)
  // the peer's next commitment, from its point of view: our balance is its toRemote
  const spec = reduceSpec(latestRemoteCommit(c).spec, c.remoteChanges.acked, proposed)
  const feeMsat = commitTxFeeSat(spec, c.remoteParams.dustLimitSat) * 1000n
  const left = spec.toRemoteMsat - c.remoteParams.channelReserveSat * 1000n - feeMsat
  if (left < 0n)
    throw channelError(
      'FEERATE_UNAFFORDABLE',
      `at ${feeratePerKw} sat/kw the commitment fee would leave us ${-left} msat short of our reserve`,
    )
  // BOLT #2: a sender MAY NOT send an update_fee that leaves either commitment's dust above the limit
  if (feeratePerKw > latestRemoteCommit(c).spec.feeratePerKw) {
    const dust = maxDustBalanceMsat(spec, c.remoteParams.dustLimitSat, c.localParams.dustLimitSat, feeratePerKw)
    if (dust > limits.maxDustExposureMsat)
      throw channelError(
        'DUST_EXPOSURE_EXCEEDED',
        `at ${feeratePerKw} sat/kw the HTLCs in flight would put ${dust} msat in dust, above ` +
          `${limits.maxDustExposureMsat} msat`,
      )
  }
  return { commitments: { ...c, localChanges: { ...c.localChanges, proposed } }, fee }
}

/**
 * The peer's update_fee. BOLT #2 lets a receiver answer each broken rule with a warning and a closed connection, or an
 * error and a failed channel. A feerate we cannot accept or the funder cannot pay fails the channel (as Eclair and
 * LND do): the commitments could not go on. An update_fee from the side that does not pay the fees only gets a
 * warning, as Core Lightning answers it: it never enters the state, the commitments are sound, and reconnecting heals.
 */
export function receiveFee(c: Commitments, msg: UpdateFee, estimatePerKw: number, limits: FeeLimits): Commitments {
  if (c.localParams.isFunder)
    throw channelError('UPDATE_FEE_NOT_FUNDER', 'update_fee from the peer, which does not pay the fees')
  const { min, max } = acceptableFeerates(estimatePerKw, limits)
  if (msg.feeratePerKw < min || msg.feeratePerKw > max)
    throw fatalChannelError(
      'UPDATE_FEE_OUT_OF_RANGE',
      `update_fee of ${msg.feeratePerKw} sat/kw is outside ${min}..${max} (our estimate: ${estimatePerKw} sat/kw)`,
    )
  const proposed = withFee(c.remoteChanges.proposed, msg)
  const spec = reduceSpec(c.localCommit.spec, c.localChanges.acked, proposed)
  const feeMsat = commitTxFeeSat(spec, c.localParams.dustLimitSat) * 1000n
  const left = spec.toRemoteMsat - c.localParams.channelReserveSat * 1000n - feeMsat
  if (left < 0n)
    throw fatalChannelError(
      'UPDATE_FEE_UNAFFORDABLE',
      `the funder cannot afford ${msg.feeratePerKw} sat/kw on our commitment: ${-left} msat short of its reserve`,
    )
  return { ...c, remoteChanges: { ...c.remoteChanges, proposed } }
}
