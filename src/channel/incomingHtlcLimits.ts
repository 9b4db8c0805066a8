/**
 * The limits a node applies to an HTLC the peer added, once it is committed (it cannot be refused before): one that
 * breaks them is failed back, not forwarded nor settled (BOLT #2 "Bounding exposure to trimmed in-flight HTLCs":
 * "SHOULD fail this HTLC once it's committed"; LDK fails an HTLC that eats into the funder's fee-spike buffer the same
 * way, with temporary_channel_failure).
 */
import type { Commitments } from './commitments.js'
import type { FeeLimits } from './constants.js'
import { dustExposure, feeSpikeBufferFeeSat } from './dustExposure.js'

export interface IncomingHtlcRefusal {
  code: 'DUST_EXPOSURE_EXCEEDED' | 'FEE_SPIKE_BUFFER'
  message: string
}

export function refuseIncomingHtlc(c: Commitments, id: bigint, limits: FeeLimits): IncomingHtlcRefusal | undefined {
  // the channel as it was when the HTLC was added: the peer's later HTLCs are judged on their own turn
  const spec = {
    ...c.localCommit.spec,
    htlcs: c.localCommit.spec.htlcs.filter((h) => h.direction === 'outgoing' || h.id <= id),
  }
  const exposure = dustExposure(spec, c.localParams.dustLimitSat, c.remoteParams.dustLimitSat)
  const exposureMsat = exposure.ownerMsat > exposure.otherMsat ? exposure.ownerMsat : exposure.otherMsat
  if (exposure.isDust('incoming', id) && exposureMsat > limits.maxDustExposureMsat)
    return {
      code: 'DUST_EXPOSURE_EXCEEDED',
      message:
        `HTLC ${id} is dust at ${spec.feeratePerKw} sat/kw and brings the channel's dust to ${exposureMsat} msat, ` +
        `above ${limits.maxDustExposureMsat}`,
    }
  if (!c.localParams.isFunder) {
    const buffer = feeSpikeBufferFeeSat(spec, c.localParams.dustLimitSat) * 1000n
    const short = c.localParams.channelReserveSat * 1000n + buffer - spec.toRemoteMsat
    if (short > 0n)
      return {
        code: 'FEE_SPIKE_BUFFER',
        message: `HTLC ${id} leaves the funder ${short} msat short of its fee-spike buffer`,
      }
  }
  return undefined
}
