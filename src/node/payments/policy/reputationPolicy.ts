/**
 * A reference implementation of the local resource conservation of lightning/bolts#1280 ("Outgoing reputation and HTLC
 * accountability", recommendations/local-resource-conservation.md): the outgoing peer earns reputation by resolving
 * HTLCs fast and profitably, and the incoming channel's slots and liquidity are split into three buckets.
 *
 * - Reputation ("Outgoing Channel Reputation"): a decaying average, over the reputation window (the revenue window
 *   times the multiplier), of the `effective_fees` of every HTLC the peer resolved as our outgoing hop:
 *   `opportunity_cost = ceil((resolution_time - resolution_period) / resolution_period) * fee` (not below 0);
 *   an accountable HTLC counts `fee` if it settled, less the opportunity cost; an unaccountable one counts `fee`
 *   only if it settled within the resolution period, and 0 otherwise.
 * - In-flight risk ("In Flight HTLC Risk"): each accountable HTLC the peer holds could keep the incoming HTLC it
 *   came from until that one expires: `fee * (incoming_cltv_expiry - height_added) * block_time / resolution_period`.
 *   ("we track the risk of the corresponding update_add_htlc received on the incoming channel, as this is the HTLC
 *   that can be held if the outgoing channel chooses to perform a slow jamming attack.")
 * - Revenue ("Incoming Channel Revenue"): the fees the incoming peer's HTLCs earned us, averaged per revenue window
 *   over the reputation window.
 * - A peer has sufficient reputation for an HTLC when `reputation - in_flight_risk - risk_of_this_htlc >= revenue` of
 *   the incoming peer: if it jams us, it has paid us at least what the incoming peer would have.
 * - Buckets ("Resource Bucketing"), of the slots (our max_accepted_htlcs) and liquidity (our
 *   max_htlc_value_in_flight_msat) we grant the incoming peer: general, open to anyone, each (incoming, outgoing)
 *   channel pair within its own salted subset of the slots and their share of the liquidity (generalSlots.ts);
 *   congestion, for one HTLC per
 *   outgoing peer at a time, no larger than the bucket's liquidity per slot, from a peer that has not held a congestion
 *   HTLC past the resolution period within the revenue window; protected, only for peers with sufficient reputation.
 *
 * "Forwarding HTLCs": an accountable incoming HTLC goes only to a peer with sufficient reputation (protected, then
 * general), and is failed otherwise. An unaccountable one takes the general bucket; when it is full, the congestion
 * bucket or, for a peer with sufficient reputation, the protected one, both of which mark it accountable and so need
 * the onion's `upgrade_accountability` (accountability.ts).
 *
 * Simplifications: reputation and revenue are kept per peer, where the proposal keeps them per channel (the same
 * when peers have one channel each, as in most scenarios); they live in memory, so a restarted node starts every peer
 * again from nothing, with a new salt.
 */
import { FAILURE } from '../../../routing/onion/failureCodes.js'
import { relayAccountable } from './accountability.js'
import { DecayingAverage } from './decayingAverage.js'
import { assignedGeneralSlots, generalSlotAllocation } from './generalSlots.js'
import type { ForwardProposal, ForwardResolution, ForwardVerdict, HtlcPolicy, PeerReputation } from './htlcPolicy.js'

export interface ReputationParams {
  /** the proposal's revenue_window (default two weeks) */
  revenueWindowSeconds: number
  /** reputation_window = revenue_window * this (default 12: 24 weeks) */
  reputationMultiplier: number
  /** how long an HTLC may take to resolve and still count as good (default 90 s) */
  resolutionPeriodSeconds: number
  /** the expected time between blocks, to turn an expiry into a time (default 600 s) */
  blockTimeSeconds: number
  /** the shares of the incoming channel's slots and liquidity, in percent; protected gets the rest (40, 20: 40) */
  generalPercent: number
  congestionPercent: number
  /**
   * general_bucket_slot_allocation: how many of the general slots each (incoming, outgoing) channel pair may take
   * (default: the proposal's 20 of 483 HTLCs, 5 of 114, the same proportion otherwise; see generalSlots.ts)
   */
  generalSlotsPerPair?: number
}

export const DEFAULT_REPUTATION_PARAMS: ReputationParams = {
  revenueWindowSeconds: 14 * 24 * 3600,
  reputationMultiplier: 12,
  resolutionPeriodSeconds: 90,
  blockTimeSeconds: 600,
  generalPercent: 40,
  congestionPercent: 20,
}

type Bucket = 'general' | 'congestion' | 'protected'
const BUCKETS: readonly Bucket[] = ['general', 'congestion', 'protected']

interface InFlight {
  incomingChannel: string
  incomingPeer: string
  outgoingPeer: string
  bucket: Bucket
  accountable: boolean
  amountMsat: bigint
  feeMsat: bigint
  incomingExpiry: number
  addedAt: number
  /** the general slot it occupies */
  slot?: number
}

interface PeerBook {
  reputation: DecayingAverage
  revenue: DecayingAverage
  /** when the peer last held a congestion HTLC past the resolution period */
  congestionMisusedAt?: number
}

export class ReputationPolicy implements HtlcPolicy {
  readonly kind = 'reputation'
  private readonly peerBooks = new Map<string, PeerBook>()
  private readonly inFlight = new Map<string, InFlight>()
  /** the latest height a proposal told us, for the in-flight risk in `peers()` */
  private height = 0

  private readonly pairSlots = new Map<string, number[]>()

  /**
   * `salt` chooses each channel pair's general slots; the proposal: "MUST be randomly chosen and unique per channel"
   * (the incoming channel is hashed with it, which makes it unique per channel). The node derives it from its secret,
   * so a scenario's runs from one seed decide alike while peers cannot predict it.
   */
  constructor(
    readonly params: ReputationParams = DEFAULT_REPUTATION_PARAMS,
    private readonly salt: Uint8Array = new Uint8Array(32),
  ) {}

  decide(p: ForwardProposal): ForwardVerdict {
    this.height = p.height
    const fee = p.incomingAmountMsat - p.outgoingAmountMsat
    const sufficient = this.reputationSufficient(p.outgoingPeer, p.incomingPeer, fee, p.incomingExpiry, p)
    const room = (b: Bucket) => (b === 'general' ? this.freeGeneralSlot(p) !== undefined : this.hasRoom(b, p))
    const forward = (bucket: Bucket, accountable: boolean): ForwardVerdict => ({ forward: true, accountable, bucket })
    const refuse = (reason: string): ForwardVerdict => ({
      forward: false,
      reason,
      failureCode: FAILURE.TEMPORARY_CHANNEL_FAILURE,
    })
    const may = relayAccountable(p.incomingAccountable, p.upgradeAccountability, true)
    if (p.incomingAccountable) {
      if (!sufficient.ok) return refuse(`accountable HTLC, and the outgoing peer's ${sufficient.why}`)
      if (room('protected')) return forward('protected', true)
      if (room('general')) return forward('general', true)
      return refuse('accountable HTLC, and the protected and general buckets are full')
    }
    if (room('general')) return forward('general', false)
    const congestion = this.congestionRefusal(p)
    if (congestion === undefined && may) return forward('congestion', true)
    if (sufficient.ok && may && room('protected')) return forward('protected', true)
    const why = [
      "the general bucket's share of this channel pair is full",
      congestion ?? (may ? '' : 'the onion does not allow upgrading it to accountable'),
      sufficient.ok
        ? room('protected')
          ? ''
          : 'the protected bucket is full'
        : `the outgoing peer's ${sufficient.why}`,
    ]
    return refuse(why.filter((w) => w !== '').join('; '))
  }

  forwarded(p: ForwardProposal, verdict: Extract<ForwardVerdict, { forward: true }>): void {
    const bucket = (verdict.bucket as Bucket | undefined) ?? 'general'
    this.inFlight.set(htlcKey(p.incomingChannel, p.incomingHtlcId), {
      incomingChannel: p.incomingChannel,
      incomingPeer: p.incomingPeer,
      outgoingPeer: p.outgoingPeer,
      bucket,
      ...(bucket === 'general' ? { slot: this.freeGeneralSlot(p) } : {}),
      accountable: verdict.accountable,
      amountMsat: p.incomingAmountMsat,
      feeMsat: p.incomingAmountMsat - p.outgoingAmountMsat,
      incomingExpiry: p.incomingExpiry,
      addedAt: p.now,
    })
  }

  resolved(r: ForwardResolution): void {
    const key = htlcKey(r.incomingChannel, r.incomingHtlcId)
    const h = this.inFlight.get(key)
    if (!h) return
    this.inFlight.delete(key)
    const periodMs = this.params.resolutionPeriodSeconds * 1000
    const took = Math.max(0, r.now - h.addedAt)
    this.book(h.outgoingPeer).reputation.add(effectiveFees(h, r.settled, took, periodMs), r.now)
    if (r.settled) this.book(h.incomingPeer).revenue.add(Number(h.feeMsat), r.now)
    if (h.bucket === 'congestion' && took > periodMs) this.book(h.outgoingPeer).congestionMisusedAt = r.now
  }

  peers(now: number): PeerReputation[] {
    const names = new Set([...this.peerBooks.keys(), ...[...this.inFlight.values()].map((h) => h.outgoingPeer)])
    return [...names].sort().map((peer) => {
      const inFlight: Record<string, number> = { general: 0, congestion: 0, protected: 0 }
      for (const h of this.inFlight.values()) if (h.incomingPeer === peer) inFlight[h.bucket]!++
      return {
        peer,
        reputationMsat: floorMsat(this.reputationOf(peer, now)),
        inFlightRiskMsat: floorMsat(this.inFlightRisk(peer, this.height)),
        revenueMsat: floorMsat(this.revenueOf(peer, now)),
        inFlight,
      }
    })
  }

  /** The outgoing peer's reputation now, in msat. */
  reputationOf(peer: string, now: number): number {
    return this.peerBooks.get(peer)?.reputation.valueAt(now) ?? 0
  }

  /** The incoming peer's revenue per revenue window, in msat. */
  revenueOf(peer: string, now: number): number {
    return (this.peerBooks.get(peer)?.revenue.valueAt(now) ?? 0) / this.params.reputationMultiplier
  }

  /** The risk of an accountable HTLC of `feeMsat` that may be held until `expiry`. */
  htlcRisk(feeMsat: bigint, expiry: number, height: number): number {
    const blocks = Math.max(0, expiry - height)
    return (Number(feeMsat) * blocks * this.params.blockTimeSeconds) / this.params.resolutionPeriodSeconds
  }

  private inFlightRisk(outgoingPeer: string, height: number): number {
    let risk = 0
    for (const h of this.inFlight.values())
      if (h.outgoingPeer === outgoingPeer && h.accountable) risk += this.htlcRisk(h.feeMsat, h.incomingExpiry, height)
    return risk
  }

  private reputationSufficient(
    outgoingPeer: string,
    incomingPeer: string,
    fee: bigint,
    expiry: number,
    p: ForwardProposal,
  ): { ok: true } | { ok: false; why: string } {
    const reputation = this.reputationOf(outgoingPeer, p.now)
    const risk = this.inFlightRisk(outgoingPeer, p.height) + this.htlcRisk(fee, expiry, p.height)
    const revenue = this.revenueOf(incomingPeer, p.now)
    if (reputation - risk >= revenue) return { ok: true }
    return {
      ok: false,
      why:
        `reputation ${floorMsat(reputation)} msat less the in-flight risk ${floorMsat(risk)} msat is below ` +
        `the incoming peer's revenue ${floorMsat(revenue)} msat`,
    }
  }

  /** Why the congestion bucket cannot take this HTLC, or undefined if it can. */
  private congestionRefusal(p: ForwardProposal): string | undefined {
    const size = bucketSize('congestion', p.incomingLimits, this.params)
    if (size.slots === 0) return 'the congestion bucket has no slots'
    if (!this.hasRoom('congestion', p)) return 'the congestion bucket is full'
    const perSlot = size.liquidityMsat / BigInt(size.slots)
    if (p.incomingAmountMsat > perSlot)
      return `the HTLC is larger than a congestion slot's share of its liquidity (${perSlot} msat)`
    for (const h of this.inFlight.values())
      if (h.bucket === 'congestion' && h.incomingChannel === p.incomingChannel && h.outgoingPeer === p.outgoingPeer)
        return 'the outgoing peer already holds a congestion HTLC from this channel'
    const misused = this.peerBooks.get(p.outgoingPeer)?.congestionMisusedAt
    if (misused !== undefined && p.now - misused < this.params.revenueWindowSeconds * 1000)
      return 'the outgoing peer held a congestion HTLC past the resolution period within the revenue window'
    return undefined
  }

  /**
   * A general slot of the pair's own that no HTLC occupies, if the pair's liquidity also has room for this one:
   * "Currently occupied slots < general_bucket_slot_allocation; currently occupied liquidity + amt_msat <=
   * general_bucket_liquidity_allocation".
   */
  private freeGeneralSlot(p: ForwardProposal): number | undefined {
    const size = bucketSize('general', p.incomingLimits, this.params)
    if (size.slots === 0) return undefined
    const allocation = Math.min(size.slots, this.params.generalSlotsPerPair ?? generalSlotAllocation(size.slots))
    const assigned = this.generalSlotsOf(p.incomingChannel, p.outgoingChannel, allocation, size.slots)
    const liquidityAllocation = (size.liquidityMsat * BigInt(allocation)) / BigInt(size.slots)
    const occupied = new Set<number>()
    let liquidity = 0n
    for (const h of this.inFlight.values())
      if (h.incomingChannel === p.incomingChannel && h.slot !== undefined && assigned.includes(h.slot)) {
        occupied.add(h.slot)
        liquidity += h.amountMsat
      }
    if (liquidity + p.incomingAmountMsat > liquidityAllocation) return undefined
    return assigned.find((slot) => !occupied.has(slot))
  }

  private generalSlotsOf(incoming: string, outgoing: string, allocation: number, total: number): number[] {
    const key = `${incoming}/${outgoing}/${allocation}/${total}`
    let slots = this.pairSlots.get(key)
    if (!slots) {
      slots = assignedGeneralSlots(this.salt, incoming, outgoing, allocation, total)
      this.pairSlots.set(key, slots)
    }
    return slots
  }

  private hasRoom(bucket: Bucket, p: ForwardProposal): boolean {
    const size = bucketSize(bucket, p.incomingLimits, this.params)
    let slots = 0
    let liquidity = 0n
    for (const h of this.inFlight.values())
      if (h.incomingChannel === p.incomingChannel && h.bucket === bucket) {
        slots++
        liquidity += h.amountMsat
      }
    return slots + 1 <= size.slots && liquidity + p.incomingAmountMsat <= size.liquidityMsat
  }

  private book(peer: string): PeerBook {
    let b = this.peerBooks.get(peer)
    if (!b) {
      const windowMs = this.params.revenueWindowSeconds * this.params.reputationMultiplier * 1000
      b = { reputation: new DecayingAverage(windowMs), revenue: new DecayingAverage(windowMs) }
      this.peerBooks.set(peer, b)
    }
    return b
  }
}

/** A bucket's share of the incoming channel's slots and liquidity; protected takes what the others leave. */
export function bucketSize(
  bucket: Bucket,
  limits: ForwardProposal['incomingLimits'],
  params: Pick<ReputationParams, 'generalPercent' | 'congestionPercent'>,
): { slots: number; liquidityMsat: bigint } {
  const share = (percent: number) => ({
    slots: Math.floor((limits.maxAcceptedHtlcs * percent) / 100),
    liquidityMsat: (limits.maxHtlcValueInFlightMsat * BigInt(percent)) / 100n,
  })
  if (bucket === 'general') return share(params.generalPercent)
  if (bucket === 'congestion') return share(params.congestionPercent)
  const g = share(params.generalPercent)
  const c = share(params.congestionPercent)
  return {
    slots: limits.maxAcceptedHtlcs - g.slots - c.slots,
    liquidityMsat: limits.maxHtlcValueInFlightMsat - g.liquidityMsat - c.liquidityMsat,
  }
}

/** The proposal's effective_fees of one resolved HTLC, in msat (negative: it cost us more than it paid). */
export function effectiveFees(
  h: { accountable: boolean; feeMsat: bigint },
  settled: boolean,
  resolutionMs: number,
  resolutionPeriodMs: number,
): number {
  const fee = Number(h.feeMsat)
  const periodsOver = Math.max(0, Math.ceil((resolutionMs - resolutionPeriodMs) / resolutionPeriodMs))
  if (h.accountable) return (settled ? fee : 0) - periodsOver * fee
  return settled && resolutionMs <= resolutionPeriodMs ? fee : 0
}

function htlcKey(channel: string, id: bigint): string {
  return `${channel}:${id}`
}

function floorMsat(v: number): bigint {
  return BigInt(Math.floor(v))
}

export { BUCKETS }
