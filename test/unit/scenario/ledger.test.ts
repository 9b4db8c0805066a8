import { describe, expect, it } from 'vitest'
import { CostLedger, pairedSummary, type RunSummary } from '../../../src/scenario/index.js'
import type { NetworkEvent } from '../../../src/scenario/network/observer.js'
import { emptySummary } from '../../../src/scenario/report/report.js'

const NODE = '02' + '11'.repeat(32)
const CH = 'aa'.repeat(32)
const HASH = 'bb'.repeat(32)

function htlc(
  type: 'htlc_added' | 'htlc_settled' | 'htlc_failed',
  alias: string,
  id: bigint,
  amountMsat: bigint,
  time: number,
): NetworkEvent {
  const base = { node: NODE, alias, time, channelId: CH, direction: 'outgoing' as const, htlcId: id, amountMsat }
  if (type === 'htlc_added') return { ...base, type, paymentHash: HASH, cltvExpiry: 500 }
  if (type === 'htlc_settled') return { ...base, type, paymentHash: HASH }
  return { ...base, type, paymentHash: HASH, reason: 'failed downstream' }
}

describe("a node's cost ledger", () => {
  it('prices what its offered HTLCs lock in msat × s and msat × blocks, and counts the held ones', async () => {
    const ledger = new CostLedger()
    const feed = (e: NetworkEvent) => ledger.onEvent(e)
    feed({ type: 'chain_block', height: 100, hash: 'h', time: 0, txids: [] })
    // a payment's HTLC: 1,000,000 msat for 200 ms, settled; a jam's: 5,000,000 msat for 8 s and 3 blocks, failed
    feed(htlc('htlc_added', 'hub', 0n, 1_000_000n, 1_000))
    feed(htlc('htlc_settled', 'hub', 0n, 1_000_000n, 1_200))
    feed(htlc('htlc_added', 'hub', 1n, 5_000_000n, 2_000))
    feed({ type: 'chain_block', height: 103, hash: 'h', time: 5_000, txids: [] })
    feed(htlc('htlc_failed', 'hub', 1n, 5_000_000n, 10_000))
    // an incoming HTLC locks the peer's money, not the hub's
    feed({ ...htlc('htlc_added', 'hub', 7n, 9_000_000n, 1_000), direction: 'incoming' } as NetworkEvent)
    // still in flight at the end: locked until then, and held
    feed(htlc('htlc_added', 'mallory', 0n, 2_000_000n, 9_000))
    feed({
      type: 'htlc_forwarded',
      node: NODE,
      alias: 'hub',
      time: 1_200,
      paymentHash: HASH,
      incomingChannel: CH,
      outgoingChannel: CH,
      incomingMsat: 1_001_000n,
      outgoingMsat: 1_000_000n,
      feeMsat: 1_000n,
      status: 'settled',
      durationMs: 200,
    })
    feed({
      type: 'payment_sent',
      node: NODE,
      alias: 'alice',
      time: 1_200,
      paymentHash: HASH,
      amountMsat: 1_000_000n,
      feeMsat: 1_000n,
      route: [],
      attempts: 1,
      latencyMs: 200,
    })
    // the funding is the funder's to pay, whoever reports it; a claim is its broadcaster's
    const onchain = (alias: string, txid: string, label: string) =>
      ledger.onEvent({
        type: 'onchain',
        node: NODE,
        alias,
        time: 0,
        channelId: CH,
        txid,
        label,
        amountSat: null,
        spendableFromHeight: null,
      })
    onchain('hub', 'cc'.repeat(32), 'funding')
    onchain('mallory', 'dd'.repeat(32), 'htlc timeout')
    const fees: Record<string, bigint> = { ['cc'.repeat(32)]: 300n, ['dd'.repeat(32)]: 150n }
    const [hub, mallory, alice] = await ledger.ledgers(
      ['hub', 'mallory', 'alice'],
      { channels: [{ channelId: CH, from: 'alice' }], transactionFeeSat: async (txid) => fees[txid] ?? null },
      11_000,
    )
    expect(hub).toEqual({
      name: 'hub',
      feesPaidMsat: 0n,
      feesEarnedMsat: 1_000n,
      onchainFeesSat: 0n,
      htlcsOffered: 2,
      htlcsSettled: 1,
      htlcsFailed: 1,
      htlcsHeld: 1,
      peakHtlcsInFlight: 1,
      // 1,000,000 × 0.2 s + 5,000,000 × 8 s
      lockedMsatSeconds: 40_200_000n,
      lockedMsatBlocks: 15_000_000n,
    })
    expect(mallory).toMatchObject({ htlcsHeld: 1, lockedMsatSeconds: 4_000_000n, onchainFeesSat: 150n })
    expect(alice).toMatchObject({ feesPaidMsat: 1_000n, onchainFeesSat: 300n })
  })
})

describe('the comparisons of a paired run', () => {
  const run = (variant: string, succeeded: number, hubFees: bigint, jams = 0): RunSummary => ({
    ...emptySummary({ name: 'p', seed: 'p' }, 0, 'passed', 0, null),
    variant,
    payments: { ...emptySummary({ name: 'p', seed: 'p' }, 0, 'passed', 0, null).payments, sent: 10, succeeded },
    jams: jams
      ? [
          {
            id: null,
            attacker: 'mallory',
            colluder: 'eve',
            mode: 'slow',
            targets: ['hub-carol'],
            sent: jams,
            held: jams,
            failures: {},
            durationMs: 1,
          },
        ]
      : [],
    ledger: ['hub', 'mallory'].map((name) => ({
      name,
      feesPaidMsat: name === 'mallory' ? 7n : 0n,
      feesEarnedMsat: name === 'hub' ? hubFees : 0n,
      onchainFeesSat: name === 'mallory' ? 2n : 0n,
      htlcsOffered: 0,
      htlcsSettled: 0,
      htlcsFailed: 0,
      htlcsHeld: 0,
      peakHtlcsInFlight: 0,
      lockedMsatSeconds: 0n,
      lockedMsatBlocks: 0n,
    })),
  })

  it('hold or not by the percentage of the other variant, and fail the paired run when one does not', () => {
    const compare = [
      { metric: 'honestSuccessRate', variant: 'attack', atMostPercentOf: 'baseline', percent: 50 },
      { metric: 'revenueMsat', node: 'hub', variant: 'attack', atLeastPercentOf: 'baseline', percent: 90 },
    ] as const
    const p = pairedSummary({ name: 'p', seed: 'p', compare: [...compare] }, [
      run('baseline', 10, 1000n),
      run('attack', 4, 800n, 5),
    ])
    expect(p.comparisons.verdicts.map((v) => [v.ok, v.detail])).toEqual([
      [true, 'attack 40, baseline 100 (40.0%)'],
      [false, 'attack 800, baseline 1,000 (80.0%)'],
    ])
    expect(p).toMatchObject({ status: 'failed', exitCode: 1 })
    // the attacker is known from the attack, and costs the same to keep in the baseline
    expect(p.table.map((r) => [r.variant, r.honestSuccessRate, r.attackerCostMsat, r.jamHtlcsHeld])).toEqual([
      ['baseline', 100, 2_007n, 0],
      ['attack', 40, 2_007n, 5],
    ])
  })
})
