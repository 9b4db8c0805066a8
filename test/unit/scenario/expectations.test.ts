import { describe, expect, it } from 'vitest'
import type { ChannelInfo, WalletBalance } from '../../../src/api/node/types.js'
import type { Network, PaymentOutcome } from '../../../src/scenario/index.js'
import { evaluateCondition, parseCondition } from '../../../src/scenario/network/conditions.js'
import { evaluateExpectation, paymentVerdict, trafficVerdict } from '../../../src/scenario/run/expectations.js'
import { Expectation, PaymentCheck } from '../../../src/scenario/file/schema.js'
import { summarizeTraffic } from '../../../src/scenario/run/traffic.js'

const ok: PaymentOutcome = {
  id: 'p1',
  source: 'pay',
  from: 'alice',
  to: 'carol',
  amountMsat: 50_000_000n,
  status: 'succeeded',
  code: null,
  message: null,
  feeMsat: 1_050n,
  route: ['alice', 'bob', 'carol'],
  attempts: 1,
  latencyMs: 80,
  paymentHash: null,
  startedAt: 0,
}
const failed: PaymentOutcome = {
  ...ok,
  status: 'failed',
  code: 'NO_ROUTE',
  message: 'no route',
  feeMsat: 0n,
  route: [],
}

const check = (c: unknown) => PaymentCheck.parse(c)

describe('payment expectations', () => {
  it('hold when every part holds', () => {
    expect(
      paymentVerdict(
        ok,
        'p1',
        check({ status: 'succeeded', hops: 2, route: ['alice', 'bob', 'carol'], feeMsat: '<= 1_050' }),
        'expect[0]',
      ),
    ).toMatchObject({
      ok: true,
      name: 'payment p1 succeeded over 2 hop(s) via alice → bob → carol paying <= 1,050 msat in fees',
    })
    expect(paymentVerdict(failed, 'p2', check({ code: 'NO_ROUTE' }), 'x').ok).toBe(true)
  })

  it('fail on any part, saying what happened', () => {
    for (const c of [
      { status: 'failed' },
      { hops: '>= 3' },
      { route: ['alice', 'carol'] },
      { feeMsat: '< 1000' },
      { code: 'NO_ROUTE' },
    ])
      expect(paymentVerdict(ok, 'p1', check(c), 'x').ok).toBe(false)
    expect(paymentVerdict(ok, 'p1', check({ status: 'failed' }), 'x').detail).toBe(
      'succeeded via alice → bob → carol (2 hop(s), fee 1,050 msat, 80 ms)',
    )
    expect(paymentVerdict(failed, 'p2', check({ code: 'TEMPORARY_CHANNEL_FAILURE' }), 'x')).toMatchObject({
      ok: false,
      detail: 'failed with NO_ROUTE: no route',
    })
    expect(paymentVerdict(undefined, 'p3', check({ status: 'succeeded' }), 'x')).toMatchObject({
      ok: false,
      detail: 'the payment was never made (an earlier step failed)',
    })
  })

  it('compare traffic success rates as percentages', () => {
    const t = summarizeTraffic('t1', [ok, ok, ok, failed])
    expect(t).toMatchObject({ sent: 4, succeeded: 3, successRate: 75 })
    expect(trafficVerdict(t, 't1', 75, 'x').ok).toBe(true)
    expect(trafficVerdict(t, 't1', 76, 'x')).toMatchObject({ ok: false, detail: '3 of 4 payments succeeded (75.0%)' })
  })
})

/** Just enough of a network for conditions: two nodes and a channel, read through their "APIs". */
function fakeNetwork(state: { bobOnline: boolean; bobLocal: bigint; height: number }): Network {
  const channel = (local: bigint): ChannelInfo => ({
    channelId: 'cc'.repeat(32),
    shortChannelId: '2x1x0',
    remoteNodeId: '02' + '00'.repeat(32),
    state: 'NORMAL',
    active: true,
    isFunder: false,
    capacitySat: 1_000_000n,
    localBalanceMsat: local,
    remoteBalanceMsat: 0n,
    availableToSendMsat: 0n,
    availableToReceiveMsat: 0n,
    pendingHtlcs: [],
    commitmentNumber: 1n,
    fundingTxid: null,
    closingTxid: null,
  })
  const balance = {
    confirmedSat: 100_000n,
    unconfirmedSat: 0n,
    pendingClaimsSat: 0n,
    channelLocalMsat: state.bobLocal,
    outputs: [],
    pendingClaims: [],
  } satisfies WalletBalance
  const nodes = {
    alice: {
      name: 'alice',
      online: true,
      channels: async () => [channel(1_000_000_000n - state.bobLocal)],
      balance: async () => balance,
    },
    bob: {
      name: 'bob',
      get online() {
        return state.bobOnline
      },
      channels: async () => [channel(state.bobLocal)],
      balance: async () => balance,
    },
  }
  return {
    node: (n: 'alice' | 'bob') => nodes[n],
    channel: () => ({
      name: 'alice-bob',
      from: 'alice',
      to: 'bob',
      capacitySat: 1_000_000n,
      channelId: 'cc'.repeat(32),
    }),
    chain: { info: async () => ({ height: state.height }) },
  } as unknown as Network
}

describe('conditions', () => {
  it('read balances, states and the height through the APIs and say what they saw', async () => {
    const state = { bobOnline: true, bobLocal: 5_000n, height: 7 }
    const net = fakeNetwork(state)
    const ev = (c: Record<string, unknown>) => evaluateCondition(net, parseCondition(c))
    expect(await ev({ channelBalance: { channel: 'alice-bob', node: 'bob', localMsat: '>= 5_000' } })).toEqual({
      ok: true,
      actual: "bob's balance in alice-bob is 5,000 msat",
    })
    expect((await ev({ channelBalance: { channel: 'alice-bob', localMsat: 5_000 } })).ok).toBe(false)
    expect(await ev({ balance: { node: 'bob', onchainSat: '> 99_999', channelsMsat: '< 5000' } })).toEqual({
      ok: false,
      actual: "bob's on-chain balance is 100,000 sat; bob's balance in channels is 5,000 msat",
    })
    expect(
      await ev({ channelState: { channel: 'alice-bob', node: 'bob', state: 'NORMAL', active: true } }),
    ).toMatchObject({ ok: true })
    expect(await ev({ blockHeight: { height: '>= 8' } })).toEqual({ ok: false, actual: 'the block height is 7' })
    state.bobOnline = false
    expect(await ev({ channelState: { channel: 'alice-bob', node: 'bob', active: false } })).toEqual({
      ok: true,
      actual: 'bob is not running',
    })
    expect((await ev({ channelState: { channel: 'alice-bob', node: 'bob', state: 'NORMAL' } })).ok).toBe(false)
  })

  it("read a node's graph: whether it holds a channel, and whether both ends have it enabled", async () => {
    const policy = (disabled: boolean) => ({
      feeBaseMsat: 1000n,
      feeProportionalMillionths: 1n,
      cltvExpiryDelta: 40,
      htlcMinimumMsat: 1n,
      htlcMaximumMsat: 990_000_000n,
      disabled,
    })
    const graph = { nodes: [], channels: [{ shortChannelId: '101x1x0', policies: [policy(false), policy(true)] }] }
    const net = {
      node: () => ({ online: true, client: { graph: async () => graph } }),
      channel: () => ({ name: 'alice-bob', shortChannelId: '101x1x0' }),
    } as unknown as Network
    const ev = (c: Record<string, unknown>) => evaluateCondition(net, parseCondition(c))
    expect((await ev({ graph: { node: 'alice', channel: 'alice-bob', known: true } })).ok).toBe(true)
    expect(await ev({ graph: { node: 'alice', channel: 'alice-bob', known: true, enabled: true } })).toEqual({
      ok: false,
      actual: "alice's graph holds alice-bob (101x1x0): node1 enabled, node2 disabled",
    })
    expect((await ev({ graph: { node: 'alice', channel: 'alice-bob', known: true, enabled: false } })).ok).toBe(true)
    graph.channels[0]!.policies[1] = policy(false)
    expect((await ev({ graph: { node: 'alice', channel: 'alice-bob', known: true, enabled: true } })).ok).toBe(true)
    graph.channels = []
    expect((await ev({ graph: { node: 'alice', channel: 'alice-bob', known: true, enabled: true } })).ok).toBe(false)
  })

  it('evaluate each expectation on its own: one that cannot be checked is a failed verdict, not an error', async () => {
    const net = {
      ...fakeNetwork({ bobOnline: true, bobLocal: 0n, height: 1 }),
      node: () => ({ online: true, channels: async () => Promise.reject(new Error('connection refused')) }),
    } as unknown as Network
    const v = await evaluateExpectation(
      net,
      Expectation.parse({ channelState: { channel: 'alice-bob', active: true } }),
      { payments: new Map(), traffic: new Map() },
      'expect[0]',
    )
    expect(v).toEqual({
      name: 'channel alice-bob is active',
      ok: false,
      detail: 'could not check: connection refused',
      source: 'expect[0]',
    })
  })

  it('count mined transactions by the kind their labels say, and how long each waited for what it spends', async () => {
    const tx = (parents: string[]) => ({ inputs: parents.map((txid) => ({ prevout: { txid, vout: 0 } })) })
    const chain: Record<string, { status: string; blockHeight: number | null; tx: unknown }> = {
      commit: { status: 'confirmed', blockHeight: 10, tx: tx(['funding']) },
      timeout: { status: 'confirmed', blockHeight: 60, tx: tx(['commit']) },
      sweepEarly: { status: 'confirmed', blockHeight: 11, tx: tx(['commit']) },
      sweepLate: { status: 'confirmed', blockHeight: 204, tx: tx(['timeout']) },
      waiting: { status: 'mempool', blockHeight: null, tx: tx(['commit']) },
    }
    const labels = new Map([
      ['commit', 'commitment'],
      ['timeout', 'htlc_timeout'],
      ['sweepEarly', 'to_remote'],
      ['sweepLate', 'htlc_delayed'],
      ['waiting', 'htlc_success'],
      ['dropped', 'penalty'],
    ])
    const net = {
      transactionLabels: () => labels,
      chain: {
        getTransaction: async (txid: string) => chain[txid] ?? Promise.reject(new Error('UNKNOWN_TRANSACTION')),
      },
    } as unknown as Network
    const ev = (c: Record<string, unknown>) => evaluateCondition(net, parseCondition(c))
    expect(await ev({ transactions: { type: 'htlc-timeout', atLeast: 1 } })).toEqual({
      ok: true,
      actual: 'the number of mined htlc-timeout transactions is 1',
    })
    // one in the mempool, one the chain never saw: neither counts
    expect((await ev({ transactions: { type: 'htlc-success' } })).ok).toBe(false)
    expect((await ev({ transactions: { type: 'penalty', count: 0 } })).ok).toBe(true)
    expect((await ev({ transactions: { type: 'sweep', count: 2 } })).ok).toBe(true)
    expect(await ev({ transactions: { type: 'sweep', count: 1, waitedBlocks: '>= 144' } })).toEqual({
      ok: true,
      actual: 'the number of mined sweep transactions that waited that long is 1',
    })
    expect(() => parseCondition({ transactions: { type: 'sweep', count: 1, atLeast: 1 } })).toThrow(/not both/)
    expect(() => parseCondition({ transactions: { type: 'anchor' } })).toThrow()
  })
})
