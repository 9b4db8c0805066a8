/**
 * The reference reputation policy (lightning/bolts#1280, recommendations/local-resource-conservation.md), with figures
 * worked by hand. The incoming channel grants 10 slots and 1,000,000 msat, so with the default 40/20/40 split:
 * general 4 slots and 400,000 msat, congestion 2 slots and 200,000 msat (100,000 msat a slot), protected 4 slots and
 * 400,000 msat. The general bucket is divided among channel pairs (generalSlots.ts): most tests let one pair take all
 * of it (`WHOLE_GENERAL`), to work the other rules by hand; 'general slots per channel pair' tests the division.
 */
import { describe, expect, it } from 'vitest'
import { DecayingAverage } from '../../../../src/node/payments/policy/decayingAverage.js'
import type { ForwardProposal } from '../../../../src/node/payments/policy/htlcPolicy.js'
import {
  bucketSize,
  DEFAULT_REPUTATION_PARAMS,
  effectiveFees,
  ReputationPolicy,
} from '../../../../src/node/payments/policy/reputationPolicy.js'
import { assignedGeneralSlots, generalSlotAllocation } from '../../../../src/node/payments/policy/generalSlots.js'

const T0 = 1_000_000_000
const HEIGHT = 500
const limits = { maxAcceptedHtlcs: 10, maxHtlcValueInFlightMsat: 1_000_000n }
let nextId = 0n
/** every channel pair may take the general bucket's 4 slots */
const WHOLE_GENERAL = { ...DEFAULT_REPUTATION_PARAMS, generalSlotsPerPair: 4 }

/** A forward from alice (channel A) to carol of 100,000 msat in, paying `feeMsat`, expiring one block from now. */
function proposal(over: Partial<ForwardProposal> = {}, feeMsat = 1000n): ForwardProposal {
  return {
    incomingChannel: 'A',
    incomingPeer: 'alice',
    incomingHtlcId: nextId++,
    outgoingChannel: 'C',
    outgoingPeer: 'carol',
    incomingAmountMsat: 100_000n,
    outgoingAmountMsat: 100_000n - feeMsat,
    incomingExpiry: HEIGHT + 1,
    outgoingExpiry: HEIGHT,
    height: HEIGHT,
    incomingAccountable: false,
    upgradeAccountability: false,
    incomingLimits: limits,
    now: T0,
    ...over,
  }
}

/** Decides and, if it goes through, records the forward as the switch does. */
function forward(policy: ReputationPolicy, p: ForwardProposal) {
  const v = policy.decide(p)
  if (v.forward) policy.forwarded(p, v)
  return v
}

describe('buckets', () => {
  it('split the incoming channel 40/20/40, protected taking what is left', () => {
    expect(bucketSize('general', limits, DEFAULT_REPUTATION_PARAMS)).toEqual({ slots: 4, liquidityMsat: 400_000n })
    expect(bucketSize('congestion', limits, DEFAULT_REPUTATION_PARAMS)).toEqual({ slots: 2, liquidityMsat: 200_000n })
    expect(bucketSize('protected', limits, DEFAULT_REPUTATION_PARAMS)).toEqual({ slots: 4, liquidityMsat: 400_000n })
    // 483 slots: 193 general (floor 193.2), 96 congestion (floor 96.6), 194 protected
    const big = { maxAcceptedHtlcs: 483, maxHtlcValueInFlightMsat: 999n }
    expect(bucketSize('general', big, DEFAULT_REPUTATION_PARAMS).slots).toBe(193)
    expect(bucketSize('congestion', big, DEFAULT_REPUTATION_PARAMS).slots).toBe(96)
    expect(bucketSize('protected', big, DEFAULT_REPUTATION_PARAMS)).toEqual({ slots: 194, liquidityMsat: 401n })
  })
})

describe('general slots per channel pair', () => {
  it("are the proposal's general_bucket_slot_allocation: 20 of 483 HTLCs, 5 of 114, at least 1", () => {
    // general slots: 483 * 40% = 193, 114 * 40% = 45, 10 * 40% = 4
    expect(generalSlotAllocation(193)).toBe(20)
    expect(generalSlotAllocation(45)).toBe(5)
    expect(generalSlotAllocation(4)).toBe(1)
    expect(generalSlotAllocation(0)).toBe(0)
  })

  it('are distinct, the same for the same salt and pair, and differ with the salt', () => {
    const salt = new Uint8Array(32).fill(7)
    const a = assignedGeneralSlots(salt, 'A', 'C', 20, 193)
    expect(new Set(a).size).toBe(20)
    expect(a.every((s) => s >= 0 && s < 193)).toBe(true)
    expect(assignedGeneralSlots(salt, 'A', 'C', 20, 193)).toEqual(a)
    expect(assignedGeneralSlots(new Uint8Array(32).fill(8), 'A', 'C', 20, 193)).not.toEqual(a)
    expect(assignedGeneralSlots(salt, 'A', 'D', 20, 193)).not.toEqual(a)
    // all of them when the pair may take the whole bucket
    expect(assignedGeneralSlots(salt, 'A', 'C', 4, 4)).toEqual([0, 1, 2, 3])
  })

  it('keep one pair from filling the general bucket: a 10-slot channel gives each pair 1 slot and 100,000 msat', () => {
    const salt = new Uint8Array(32)
    const policy = new ReputationPolicy(DEFAULT_REPUTATION_PARAMS, salt)
    // 400,000 msat * 1 / 4 slots: one HTLC of 100,000, and not a second on the same pair
    expect(forward(policy, proposal())).toMatchObject({ forward: true, bucket: 'general' })
    const second = forward(policy, proposal())
    expect(second.forward === false && second.reason).toContain(
      "the general bucket's share of this channel pair is full",
    )
    // a pair drawn to another slot still gets its own; one drawn to the same slot shares it, as the proposal has it
    const taken = assignedGeneralSlots(salt, 'A', 'C', 1, 4)[0]
    const channels = [...'DEFGHIJKLMNOPQRSTUVWXYZ']
    const other = channels.find((c) => assignedGeneralSlots(salt, 'A', c, 1, 4)[0] !== taken)!
    const same = channels.find((c) => assignedGeneralSlots(salt, 'A', c, 1, 4)[0] === taken)!
    expect([other, same]).not.toContain(undefined)
    expect(forward(policy, proposal({ outgoingChannel: other }))).toMatchObject({ forward: true, bucket: 'general' })
    expect(forward(policy, proposal({ outgoingChannel: same })).forward).toBe(false)
  })

  it("give a pair of a 483-HTLC channel 20 slots and 20/193 of the general bucket's liquidity", () => {
    const policy = new ReputationPolicy()
    const big = { maxAcceptedHtlcs: 483, maxHtlcValueInFlightMsat: 1_000_000_000n }
    // general liquidity 400,000,000 msat; the pair's share 400,000,000 * 20 / 193 = 41,450,777 msat
    const at = (amount: bigint) => proposal({ incomingLimits: big, incomingAmountMsat: amount })
    expect(forward(policy, at(41_450_777n)).forward).toBe(true)
    expect(forward(policy, at(1n)).forward).toBe(false)
    for (let i = 0; i < 20; i++)
      expect(forward(policy, proposal({ incomingLimits: big, outgoingChannel: 'D' })).forward).toBe(true)
    const slots = forward(policy, proposal({ incomingLimits: big, outgoingChannel: 'D' }))
    expect(slots.forward === false && slots.reason).toContain('share of this channel pair is full')
  })
})

describe('forwarding unaccountable HTLCs', () => {
  it('takes four in the general bucket, then refuses one the onion does not let it upgrade', () => {
    const policy = new ReputationPolicy(WHOLE_GENERAL)
    for (let i = 0; i < 4; i++) expect(forward(policy, proposal())).toMatchObject({ forward: true, bucket: 'general' })
    const fifth = forward(policy, proposal())
    expect(fifth).toMatchObject({ forward: false, failureCode: 0x1007 })
    expect(fifth.forward === false && fifth.reason).toContain("the general bucket's share of this channel pair is full")
    expect(fifth.forward === false && fifth.reason).toContain('does not allow upgrading')
  })

  it('fills the general bucket by liquidity too: 400,000 msat is 3 HTLCs of 101,000 and not a fourth', () => {
    const policy = new ReputationPolicy(WHOLE_GENERAL)
    const big = { incomingAmountMsat: 101_000n }
    for (let i = 0; i < 3; i++) expect(forward(policy, proposal(big)).forward).toBe(true)
    // 3 * 101,000 = 303,000; a fourth makes 404,000 > 400,000
    expect(forward(policy, proposal(big)).forward).toBe(false)
  })

  it('when the general bucket is full, the congestion bucket takes one accountable HTLC per outgoing peer', () => {
    const policy = new ReputationPolicy(WHOLE_GENERAL)
    // general holds 4 * 100,000 = 400,000
    for (let i = 0; i < 4; i++) forward(policy, proposal())
    const upgradeable = { upgradeAccountability: true }
    expect(forward(policy, proposal(upgradeable))).toEqual({ forward: true, accountable: true, bucket: 'congestion' })
    const again = forward(policy, proposal(upgradeable))
    // and carol has no reputation for the protected bucket: 0 less the risk 1000 * 1 * 600 / 90 is below 0
    expect(again.forward === false && again.reason).toContain('already holds a congestion HTLC')
    expect(again.forward === false && again.reason).toContain('reputation 0 msat less the in-flight risk 13333 msat')
  })

  it("refuses a congestion HTLC larger than a slot's share (200,000 / 2 = 100,000 msat)", () => {
    const policy = new ReputationPolicy(WHOLE_GENERAL)
    for (let i = 0; i < 4; i++) forward(policy, proposal({ incomingAmountMsat: 99_999n }))
    // general: 399,996 msat in 4 slots, full by slots
    const v = forward(policy, proposal({ upgradeAccountability: true, incomingAmountMsat: 100_001n }))
    expect(v.forward === false && v.reason).toContain("larger than a congestion slot's share")
  })

  it('bars a peer that held a congestion HTLC past the resolution period, for the revenue window', () => {
    const policy = new ReputationPolicy(WHOLE_GENERAL)
    for (let i = 0; i < 4; i++) forward(policy, proposal())
    const slow = proposal({ upgradeAccountability: true })
    expect(forward(policy, slow)).toMatchObject({ bucket: 'congestion' })
    // 91 s > 90 s
    policy.resolved({ incomingChannel: 'A', incomingHtlcId: slow.incomingHtlcId, settled: true, now: T0 + 91_000 })
    const next = forward(policy, proposal({ upgradeAccountability: true, now: T0 + 92_000 }))
    expect(next.forward === false && next.reason).toContain('past the resolution period')
  })
})

describe('reputation', () => {
  it('is earned by fast settled HTLCs and weighed against the incoming peer revenue and the HTLC risk', () => {
    const policy = new ReputationPolicy(WHOLE_GENERAL)
    const first = proposal({}, 1000n)
    forward(policy, first)
    // settled in 10 s (< 90 s): effective fees 1000 msat for carol; alice's revenue 1000 / 12 = 83.3 msat a window
    policy.resolved({ incomingChannel: 'A', incomingHtlcId: first.incomingHtlcId, settled: true, now: T0 + 10_000 })
    const now = T0 + 10_000
    expect(policy.reputationOf('carol', now)).toBe(1000)
    expect(policy.revenueOf('alice', now)).toBeCloseTo(1000 / 12, 6)
    // an accountable HTLC paying 10 msat, expiring in 1 block: risk 10 * 1 * 600 / 90 = 66.7; 1000 - 66.7 >= 83.3
    const small = forward(policy, proposal({ incomingAccountable: true, now }, 10n))
    expect(small).toEqual({ forward: true, accountable: true, bucket: 'protected' })
    // while it is in flight it weighs 66.7; one paying 200 msat risks 200 * 600 / 90 = 1333.3: 1000 - 1400 < 83.3
    const big = forward(policy, proposal({ incomingAccountable: true, now }, 200n))
    expect(big.forward).toBe(false)
    expect(big.forward === false && big.reason).toContain('reputation 1000 msat less the in-flight risk 1400 msat')
    const view = policy.peers(now).find((p) => p.peer === 'carol')!
    expect(view).toMatchObject({ reputationMsat: 1000n, inFlightRiskMsat: 66n })
    expect(policy.peers(now).find((p) => p.peer === 'alice')).toMatchObject({ revenueMsat: 83n })
  })

  it('refuses an accountable HTLC to a peer without reputation', () => {
    const v = forward(new ReputationPolicy(), proposal({ incomingAccountable: true }))
    expect(v.forward === false && v.reason).toContain('accountable HTLC')
  })

  it('lets a reputable peer use the protected bucket once the general one is full (upgrading it)', () => {
    const policy = new ReputationPolicy({ ...WHOLE_GENERAL, congestionPercent: 0, generalPercent: 40 })
    const warm = proposal({}, 5000n)
    forward(policy, warm)
    policy.resolved({ incomingChannel: 'A', incomingHtlcId: warm.incomingHtlcId, settled: true, now: T0 })
    for (let i = 0; i < 4; i++) expect(forward(policy, proposal({}, 1n)).forward).toBe(true)
    // general: 4 slots, now full; congestion has no slots; carol's 5000 less risk 1 * 600 / 90 = 6.7 beats 5000 / 12
    expect(forward(policy, proposal({ upgradeAccountability: true }, 1n))).toEqual({
      forward: true,
      accountable: true,
      bucket: 'protected',
    })
  })
})

describe('effective fees', () => {
  it('cost an accountable HTLC its fee for each resolution period it overran', () => {
    // ceil((200 - 90) / 90) = 2 periods over: 1000 - 2 * 1000 settled, 0 - 2000 failed
    expect(effectiveFees({ accountable: true, feeMsat: 1000n }, true, 200_000, 90_000)).toBe(-1000)
    expect(effectiveFees({ accountable: true, feeMsat: 1000n }, false, 200_000, 90_000)).toBe(-2000)
    expect(effectiveFees({ accountable: true, feeMsat: 1000n }, true, 90_000, 90_000)).toBe(1000)
  })
  it('credit an unaccountable HTLC only if it settled within the period, and never count against it', () => {
    expect(effectiveFees({ accountable: false, feeMsat: 1000n }, true, 90_000, 90_000)).toBe(1000)
    expect(effectiveFees({ accountable: false, feeMsat: 1000n }, true, 90_001, 90_000)).toBe(0)
    expect(effectiveFees({ accountable: false, feeMsat: 1000n }, false, 1000, 90_000)).toBe(0)
  })
})

describe('decaying average', () => {
  it('halves over half the window', () => {
    const d = new DecayingAverage(1000)
    d.add(100, 0)
    expect(d.valueAt(0)).toBe(100)
    expect(d.valueAt(500)).toBeCloseTo(50, 9)
    expect(d.valueAt(1000)).toBeCloseTo(25, 9)
    d.add(75, 1000)
    expect(d.valueAt(1000)).toBeCloseTo(100, 9)
  })
})
