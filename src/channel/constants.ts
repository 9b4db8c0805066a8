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
 * BOLT #3 "Fee Calculation" (without option_anchors): "htlc_timeout_fee = feerate_per_kw * 663 / 1000" — the weight of
 * the second-stage transaction that spends an offered HTLC output, which the output must pay for or be trimmed.
 */
export const HTLC_TIMEOUT_WEIGHT = 663n
/** BOLT #3 "Fee Calculation" (without option_anchors): "htlc_success_fee = feerate_per_kw * 703 / 1000". */
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

/** The lowest feerate a transaction may pay: bitcoind's minimum relay fee of 1 sat/vbyte, as LND's FeePerKwFloor. */
export const FEERATE_FLOOR_PER_KW = 253

/**
 * BOLT #2 "Updating Fees": the funder keeps a fee-spike buffer, so a rise of the feerate cannot leave it unable to pay
 * the commitment fee: an HTLC it offers must leave enough for the fee at this multiple of the current feerate with one
 * more HTLC (LDK's FEE_SPIKE_BUFFER_FEE_INCREASE_MULTIPLE = 2; LND and Core Lightning keep the same buffer).
 */
export const FEE_SPIKE_BUFFER_MULTIPLE = 2

/**
 * The feerate at which HTLCs are counted as dust for the dust exposure limit: above the current one, so an update_fee
 * cannot turn many HTLCs into dust at once. LDK's dust buffer feerate: max(feerate + 2530, feerate × 1.25).
 */
export function dustBufferFeeratePerKw(feeratePerKw: number): number {
  return Math.max(feeratePerKw + 2530, Math.floor((feeratePerKw * 1250) / 1000))
}

/** Limits a node sets on fees and dust, for every channel it has; `lnsim node start` sets them. */
export interface FeeLimits {
  /**
   * The most value of HTLCs that are dust (trimmed, counted at the dust buffer feerate) on either commitment: that
   * value goes to miners if the channel closes (BOLT #2 "Bounding exposure to trimmed in-flight HTLCs").
   * Core Lightning's max-dust-htlc-exposure-msat defaults to 50,000 sat; LND's max-fee-exposure to 500,000 sat;
   * LDK's to 10,000 × the feerate in msat (FeeRateMultiplier(10_000): 2,530 sat at 253 sat/kw).
   */
  maxDustExposureMsat: bigint
  /**
   * A peer's update_fee above our estimate × this is "unreasonably large" (BOLT #2): Core Lightning's
   * max-fee-multiplier and Eclair's feerate-tolerance ratio-high both default to 10.
   */
  maxFeerateMultiplier: number
  /**
   * A peer's update_fee below our estimate × this percent is "too low for timely processing" (BOLT #2): Eclair's
   * feerate-tolerance ratio-low is 0.5. Never below FEERATE_FLOOR_PER_KW.
   */
  minFeeratePercent: number
  /**
   * As funder, send update_fee when the chain's estimate differs from the channel's feerate by more than this percent:
   * LND's link updates at ±10% (shouldAdjustCommitFee), Eclair at update-fee-min-diff-ratio = 0.1.
   */
  updateFeeMinChangePercent: number
}

export const DEFAULT_FEE_LIMITS: FeeLimits = {
  maxDustExposureMsat: 50_000_000n,
  maxFeerateMultiplier: 10,
  minFeeratePercent: 50,
  updateFeeMinChangePercent: 10,
}
