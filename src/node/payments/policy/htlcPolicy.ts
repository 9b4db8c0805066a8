/**
 * The forwarding policy: after an HTLC passed the BOLT #4 checks (fees, CLTV, the outgoing channel's state), may this
 * node take it on, and should it be accountable downstream? This is where a node conserves its slots and liquidity
 * against channel jamming. A policy sees every forward, every resolution of one, and answers from what it remembers;
 * it never touches channels or disk, so a policy is unit-testable with plain figures.
 *
 * The default (`OpenPolicy`) is what lnsim did before policies existed: take every HTLC the channel accepts, and relay
 * the accountable signal by lightning/bolts#1280's rules. `ReputationPolicy` is the proposal's local resource
 * conservation. To write another: implement this interface in a file of its own, and name it in htlcPolicies.ts.
 */

/** What the policy is asked about one forward. Amounts are msat; times are ms since the epoch. */
export interface ForwardProposal {
  /** our channel the HTLC came in on, the peer at its other end, and the HTLC's id there */
  incomingChannel: string
  incomingPeer: string
  incomingHtlcId: bigint
  /** the channel the onion names to go out on, and the peer at its other end */
  outgoingChannel: string
  outgoingPeer: string
  incomingAmountMsat: bigint
  outgoingAmountMsat: bigint
  incomingExpiry: number
  outgoingExpiry: number
  /** the chain's tip now */
  height: number
  /** update_add_htlc's `accountable` record on the incoming HTLC */
  incomingAccountable: boolean
  /** the onion's `upgrade_accountability` record for this hop */
  upgradeAccountability: boolean
  /**
   * the slots and liquidity we grant the incoming peer: our max_accepted_htlcs, and our max_htlc_value_in_flight_msat
   * or the channel's capacity, whichever is smaller
   */
  incomingLimits: { maxAcceptedHtlcs: number; maxHtlcValueInFlightMsat: bigint }
  now: number
}

/** A policy's answer. A refusal is failed back with `failureCode` (temporary_channel_failure when absent). */
export type ForwardVerdict =
  | {
      forward: true
      /** sets `accountable` on the outgoing update_add_htlc */
      accountable: boolean
      /** which of the policy's resources the HTLC takes (for events and the reputation view), e.g. `general` */
      bucket?: string
    }
  | { forward: false; reason: string; failureCode?: number }

/** How a forwarded HTLC ended, seen from its outgoing channel. */
export interface ForwardResolution {
  incomingChannel: string
  incomingHtlcId: bigint
  settled: boolean
  now: number
}

/** A policy's view of one peer, for the control API's `GET /v1/reputation` (amounts in msat). */
export interface PeerReputation {
  peer: string
  /** the peer as an outgoing hop: its reputation, and the risk of our accountable HTLCs it holds now */
  reputationMsat: bigint
  inFlightRiskMsat: bigint
  /** the peer as an incoming hop: the fees its HTLCs earned us, over the revenue window */
  revenueMsat: bigint
  /** HTLCs the peer's incoming channels carry now, by bucket */
  inFlight: Record<string, number>
}

export interface HtlcPolicy {
  /** names the policy in events and in `GET /v1/reputation` */
  readonly kind: string
  decide(p: ForwardProposal): ForwardVerdict
  /** the HTLC the verdict let through is on its outgoing channel (not called for a refusal) */
  forwarded(p: ForwardProposal, verdict: Extract<ForwardVerdict, { forward: true }>): void
  resolved(r: ForwardResolution): void
  peers(now: number): PeerReputation[]
}
