/**
 * Protocol limits and lnsim's defaults for a channel. Each limit cites the
 * BOLT rule it comes from; defaults say why they were chosen.
 */

/** BOLT #2 open_channel: "max_accepted_htlcs is greater than 483" fails the channel. */
export const MAX_ACCEPTED_HTLCS_LIMIT = 483

/** BOLT #2 open_channel: "dust_limit_satoshis is smaller than 354 satoshis" fails the channel. */
export const MIN_DUST_LIMIT_SAT = 354n

/** BOLT #2: without option_support_large_channel, funding_satoshis < 2^24. lnsim always allows large channels. */
export const MAX_FUNDING_SAT = 10_000_000_000n

/** BOLT #2 "to_self_delay is unreasonably large": LND's limit (2 weeks of blocks). */
export const MAX_TO_SELF_DELAY = 2016

/** BOLT #2 funding timeout: a fundee forgets an unconfirmed channel after 2016 blocks. */
export const FUNDING_TIMEOUT_BLOCKS = 2016

/** BOLT #3 "Fee Calculation" weights for a commitment transaction without anchors. */
export const COMMITMENT_BASE_WEIGHT = 724n
export const COMMITMENT_HTLC_WEIGHT = 172n

/**
 * BOLT #3 "Fee Calculation" weights of the second-stage HTLC transactions without anchors
 * (https://github.com/lightning/bolts/blob/master/03-transactions.md#fee-calculation: "The fee for an HTLC-timeout
 * transaction: ... multiply 663 by feerate_per_kw", "The fee for an HTLC-success transaction: ... multiply 703").
 * Their fee is taken from the HTLC's amount.
 */
export const HTLC_TIMEOUT_WEIGHT = 663n
export const HTLC_SUCCESS_WEIGHT = 703n

/** Weight used to price a closing transaction (BOLT #3 closing tx: two P2WPKH outputs). */
export const CLOSING_TX_WEIGHT = 672n

/** Rough weight of a one-input one-output sweep, to price claims on chain. */
export const SWEEP_TX_WEIGHT = 600n

/**
 * A node goes on chain this many blocks before an incoming HTLC it holds the preimage for expires (LND's default is
 * 10).
 */
export const FULFILL_SAFETY_BLOCKS = 6

/** Upper bound on commitment numbers: 48 bits (BOLT #3). */
export const MAX_COMMITMENT_NUMBER = 2n ** 48n - 1n

export interface ChannelConfig {
  dustLimitSat: bigint
  /** the most HTLC value we accept in flight towards us */
  maxHtlcValueInFlightMsat: bigint
  /** reserve as a fraction of capacity, in parts per million (BOLT #2 suggests 1%) */
  reservePpm: bigint
  htlcMinimumMsat: bigint
  /** the delay we impose on the peer's to_local output */
  toSelfDelay: number
  maxAcceptedHtlcs: number
  minimumDepth: number
  feeratePerKw: number
}

export const DEFAULT_CHANNEL_CONFIG: ChannelConfig = {
  dustLimitSat: 546n,
  maxHtlcValueInFlightMsat: 2n ** 63n - 1n,
  reservePpm: 10_000n,
  htlcMinimumMsat: 1n,
  toSelfDelay: 144,
  maxAcceptedHtlcs: 483,
  minimumDepth: 3,
  feeratePerKw: 253,
}
