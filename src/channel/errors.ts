import { LnsimError } from '../core/errors.js'

/**
 * What whoever sees a channel error does about it (in the spirit of LDK's
 * `ErrorAction`):
 * - `warn_peer`: the peer broke a rule BOLT #2 lets the channel survive; the
 *   state is unchanged, the peer gets a `warning` and is disconnected, so both
 *   sides forget unsigned updates and re-synchronise;
 * - `fail_channel`: BOLT #2 says fail the channel (force close, `error` to the
 *   peer; an opening is forgotten);
 * - `refuse`: a local command that cannot be done: its caller is told why;
 * - `retry_later`: a local command that can succeed once the channel is ready or
 *   the peer is back;
 * - `nothing`: already done (a settlement sent twice).
 */
export type ChannelErrorAction = 'warn_peer' | 'fail_channel' | 'refuse' | 'retry_later' | 'nothing'

/** Every code the channel layer raises, with what it means and what the caller does. */
export const CHANNEL_ERRORS = {
  // the peer's messages (BOLT #2)
  UNKNOWN_CHANNEL: { action: 'warn_peer', means: 'a message for another channel' },
  UNEXPECTED_MESSAGE: { action: 'warn_peer', means: 'a message the state does not expect' },
  UNKNOWN_CHAIN: { action: 'fail_channel', means: 'open_channel for another chain' },
  INVALID_FUNDING_AMOUNT: { action: 'fail_channel', means: 'funding out of range' },
  INVALID_PUSH_AMOUNT: { action: 'fail_channel', means: 'push_msat above the funding' },
  TO_SELF_DELAY_TOO_LARGE: { action: 'fail_channel', means: 'to_self_delay above our limit' },
  INVALID_MAX_ACCEPTED_HTLCS: { action: 'fail_channel', means: 'max_accepted_htlcs out of range' },
  DUST_LIMIT_TOO_SMALL: { action: 'fail_channel', means: 'dust limit below the minimum' },
  DUST_ABOVE_RESERVE: { action: 'fail_channel', means: 'dust limit above the reserve' },
  RESERVE_BELOW_DUST: { action: 'fail_channel', means: 'reserve below our dust limit' },
  INVALID_FEERATE: { action: 'fail_channel', means: 'feerate out of range' },
  INVALID_BASEPOINT: { action: 'fail_channel', means: 'a basepoint that is not a public key' },
  CANNOT_AFFORD_FEE: { action: 'fail_channel', means: 'the funder cannot pay the first commitment fee' },
  BALANCES_BELOW_RESERVE: { action: 'fail_channel', means: 'both balances below the reserve' },
  MINIMUM_DEPTH_TOO_LARGE: { action: 'fail_channel', means: 'minimum_depth above our limit' },
  INVALID_FUNDING_TX: { action: 'fail_channel', means: 'the funding transaction lacks the 2-of-2 output' },
  INVALID_COMMITMENT_SIGNATURE: { action: 'warn_peer', means: 'a commitment signature that does not verify' },
  INVALID_HTLC_SIGNATURE: { action: 'warn_peer', means: 'an HTLC transaction signature that does not verify' },
  HTLC_SIGNATURE_COUNT_MISMATCH: {
    action: 'warn_peer',
    means: 'commitment_signed with not one htlc_signature per HTLC output',
  },
  INVALID_REVOCATION_SECRET: { action: 'warn_peer', means: 'a revocation secret that does not match' },
  UNEXPECTED_REVOCATION: { action: 'warn_peer', means: 'revoke_and_ack without a commitment to answer' },
  COMMITMENT_WITHOUT_CHANGES: { action: 'warn_peer', means: 'commitment_signed covering no update' },
  HTLC_ID_OUT_OF_ORDER: { action: 'warn_peer', means: 'an HTLC id that is not the next one' },
  HTLC_BELOW_MINIMUM: { action: 'warn_peer', means: 'an HTLC below htlc_minimum_msat' },
  HTLC_VALUE_IN_FLIGHT_EXCEEDED: { action: 'warn_peer', means: 'more in flight than max_htlc_value_in_flight_msat' },
  TOO_MANY_HTLCS: { action: 'warn_peer', means: 'more HTLCs than max_accepted_htlcs' },
  INSUFFICIENT_BALANCE: { action: 'warn_peer', means: 'an HTLC the sender cannot afford' },
  FUNDER_CANNOT_AFFORD_FEE: { action: 'warn_peer', means: 'an update that leaves the funder unable to pay the fee' },
  UPDATE_FEE_NOT_FUNDER: { action: 'fail_channel', means: 'update_fee from the side that does not pay the fees' },
  UPDATE_FEE_OUT_OF_RANGE: { action: 'fail_channel', means: 'update_fee too low for timely processing or too large' },
  UPDATE_FEE_UNAFFORDABLE: { action: 'fail_channel', means: 'update_fee the funder cannot pay on our commitment' },
  INVALID_CLTV_EXPIRY: { action: 'warn_peer', means: 'a cltv_expiry out of range' },
  UNKNOWN_HTLC: { action: 'warn_peer', means: 'a settlement of an HTLC that does not exist' },
  INVALID_PREIMAGE: { action: 'warn_peer', means: 'a preimage that does not hash to the HTLC' },
  INVALID_FAILURE_CODE: { action: 'warn_peer', means: 'update_fail_malformed_htlc without the BADONION bit' },
  ADD_AFTER_SHUTDOWN: { action: 'warn_peer', means: 'an HTLC added after shutdown' },
  DUPLICATE_SHUTDOWN: { action: 'warn_peer', means: 'a second, different shutdown' },
  SHUTDOWN_WITH_PENDING_UPDATES: { action: 'warn_peer', means: 'shutdown with its own updates unsigned' },
  INVALID_CLOSING_SIGNATURE: { action: 'warn_peer', means: 'a closing signature that does not verify' },
  CLOSING_FEE_OUT_OF_RANGE: { action: 'fail_channel', means: 'a closing fee outside the range agreed' },
  CLOSING_FEE_TOO_HIGH: { action: 'warn_peer', means: 'a closing fee above the funder balance' },
  INVALID_REESTABLISH: { action: 'fail_channel', means: 'channel_reestablish that proves one side lost state' },
  INVALID_MESSAGE: {
    action: 'fail_channel',
    means: 'a message for the channel that did not decode (a key off the curve)',
  },
  // the node's own work
  INTERNAL_ERROR: { action: 'fail_channel', means: 'the node could not carry out the channel work' },
  OPENING_TIMED_OUT: { action: 'fail_channel', means: 'the peer did not complete the opening in time' },
  // local commands
  UNEXPECTED_COMMAND: { action: 'refuse', means: 'a command the state does not allow' },
  INVALID_PAYMENT_HASH: { action: 'refuse', means: 'a payment hash that is not 32 bytes' },
  CHANNEL_CLOSING: { action: 'refuse', means: 'the channel is closing' },
  CHANNEL_CLOSED: { action: 'refuse', means: 'the channel is closed' },
  ALREADY_CLOSING: { action: 'refuse', means: 'a close was already asked for' },
  LOCAL_STATE_LOST: { action: 'refuse', means: 'this node lost state; the peer must close' },
  CHANNEL_FAILED: { action: 'refuse', means: 'the channel failed while handling the command' },
  NOT_FUNDER: { action: 'refuse', means: 'update_fee asked of the side that does not pay the fees' },
  FEERATE_UNAFFORDABLE: { action: 'refuse', means: 'a feerate whose commitment fee our balance cannot pay' },
  FEE_SPIKE_BUFFER: { action: 'refuse', means: 'an HTLC that would leave the funder without its fee-spike buffer' },
  DUST_EXPOSURE_EXCEEDED: { action: 'refuse', means: 'an HTLC or feerate that would put too much value in dust' },
  NOTHING_TO_SIGN: { action: 'nothing', means: 'sign with no change to sign' },
  HTLC_ALREADY_SETTLED: { action: 'nothing', means: 'the HTLC was settled already' },
  CHANNEL_NOT_READY: { action: 'retry_later', means: 'the channel is not open yet' },
  PEER_OFFLINE: { action: 'retry_later', means: 'the peer is not connected' },
  WAITING_FOR_REVOCATION: { action: 'retry_later', means: 'the peer has not revoked its last commitment' },
} as const satisfies Record<string, { action: ChannelErrorAction; means: string }>

export type ChannelErrorCode = keyof typeof CHANNEL_ERRORS

/**
 * A rule of the channel protocol was broken, by a peer's message or by a local
 * command. `code` names the rule (e.g. HTLC_BELOW_MINIMUM, INVALID_COMMITMENT_SIGNATURE);
 * `fatal` says whether BOLT #2 requires failing the channel (force close) or only
 * a warning with the channel unchanged.
 */
export class ChannelError extends LnsimError {
  declare readonly code: ChannelErrorCode
  readonly fatal: boolean
  constructor(
    code: ChannelErrorCode,
    message: string,
    options: { fatal?: boolean; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options.details ?? {})
    this.name = 'ChannelError'
    this.fatal = options.fatal ?? false
  }
}

export function channelError(code: ChannelErrorCode, message: string, details?: Record<string, unknown>): ChannelError {
  return new ChannelError(code, message, details ? { details } : {})
}

export function fatalChannelError(
  code: ChannelErrorCode,
  message: string,
  details?: Record<string, unknown>,
): ChannelError {
  return new ChannelError(code, message, details ? { fatal: true, details } : { fatal: true })
}
