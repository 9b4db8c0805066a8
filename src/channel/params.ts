/**
 * What each side announced in open_channel / accept_channel. Each limit is set
 * by one side and binds the other, as in BOLT #2:
 * - `channelReserveSat`: the reserve the announcing side requires the *other* side to keep;
 * - `toSelfDelay`: the delay the announcing side imposes on the *other* side's to_local;
 * - `maxHtlcValueInFlightMsat`, `maxAcceptedHtlcs`, `htlcMinimumMsat`: limits on HTLCs offered *to* the announcing
 * side;
 * - `dustLimitSat`: applies to the announcing side's own commitment transaction.
 */
import type { Condition } from '../chain/condition.js'
import type { Basepoints } from './keys.js'

export interface ChannelParams {
  dustLimitSat: bigint
  maxHtlcValueInFlightMsat: bigint
  channelReserveSat: bigint
  htlcMinimumMsat: bigint
  toSelfDelay: number
  maxAcceptedHtlcs: number
  basepoints: Basepoints
}

export interface LocalParams extends ChannelParams {
  /** names this channel's keys to the signer (see signer.ts) */
  keysId: string
  isFunder: boolean
  /** where our funds go when the channel closes (a key of the node's wallet) */
  finalCondition: Condition
}

export type RemoteParams = ChannelParams
