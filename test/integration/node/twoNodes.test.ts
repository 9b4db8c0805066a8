/**
 * Issue 4's story: a chain and two node processes on 127.0.0.1; fund, open,
 * pay 100 times each way, close cooperatively, and check every on-chain output
 * against the final channel balances to the satoshi.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'

describe('two node processes over libp2p', () => {
  const net = new TestNetwork()
  let channelId = ''

  beforeAll(async () => {
    await net.start('alice', 'bob')
    await net.fund('alice', 2_000_000n)
  }, 60_000)

  afterAll(async () => {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('opens a channel that both ends see active after the funding confirms', async () => {
    await net.connect('alice', 'bob')
    channelId = await net.openChannel('alice', 'bob', 1_000_000n, 0n)
    const a = (await net.channel('alice', channelId))!
    const b = (await net.channel('bob', channelId))!
    expect(a.isFunder).toBe(true)
    expect(b.isFunder).toBe(false)
    expect(a.shortChannelId).toBe(b.shortChannelId)
    expect(b.localBalanceMsat).toBe(0n)
  })

  it('pays 100 times each way over the channel, every payment settled on both sides', async () => {
    // alice first, so bob has something to pay back with
    for (let i = 0; i < 100; i++) {
      const p = await net.pay('alice', 'bob', 2_000_000n)
      expect(p.status).toBe('succeeded')
    }
    for (let i = 0; i < 100; i++) {
      const p = await net.pay('bob', 'alice', 1_000_000n)
      expect(p.status).toBe('succeeded')
    }
    // the payer learns the preimage before the fulfill is signed: wait for the channel to be quiet
    await waitFor(
      'no HTLC in flight',
      async () =>
        (await net.channel('alice', channelId))?.pendingHtlcs.length === 0 &&
        (await net.channel('bob', channelId))?.pendingHtlcs.length === 0,
    )
    const a = (await net.channel('alice', channelId))!
    const b = (await net.channel('bob', channelId))!
    expect(b.localBalanceMsat).toBe(100n * 2_000_000n - 100n * 1_000_000n)
    expect(a.localBalanceMsat + b.localBalanceMsat).toBe(1_000_000_000n)
    expect(a.localBalanceMsat).toBe(b.remoteBalanceMsat)
    expect(a.pendingHtlcs).toHaveLength(0)
  }, 120_000)

  it('closes cooperatively: the closing transaction pays each side its balance, the funder the fee', async () => {
    const before = {
      alice: (await net.channel('alice', channelId))!,
      bob: (await net.channel('bob', channelId))!,
    }
    const closed = await net.node('alice').client.closeChannel(channelId)
    expect(['NEGOTIATING', 'CLOSING', 'SHUTDOWN', 'NORMAL']).toContain(closed.state)
    const closingTxid = await waitFor(
      'the closing transaction',
      async () => (await net.channel('alice', channelId))?.closingTxid ?? undefined,
    )
    await net.mine(1)
    await waitFor(
      'both ends to call the channel closed',
      async () =>
        (await net.channel('alice', channelId))?.state === 'CLOSED' &&
        (await net.channel('bob', channelId))?.state === 'CLOSED',
    )
    const tx = await net.chain<{ tx: { outputs: Array<{ valueSat: string; condition: string }> }; feeSat: string }>(
      'GET',
      `/transactions/${closingTxid}`,
    )
    const values = tx.tx.outputs.map((o) => BigInt(o.valueSat)).sort((x, y) => (x < y ? -1 : 1))
    const bobSat = before.bob.localBalanceMsat / 1000n
    const aliceSat = before.alice.localBalanceMsat / 1000n
    expect(values).toContain(bobSat)
    const aliceOut = values.find((v) => v !== bobSat)!
    const fee = BigInt(tx.feeSat)
    // every satoshi of the channel is in an output or in the fee the funder paid
    expect(aliceOut + bobSat + fee).toBe(1_000_000n)
    expect(aliceOut).toBe(aliceSat - fee)
    // and each wallet got its output
    await waitFor(
      'bob to see his closing output',
      async () => (await net.node('bob').client.balance()).confirmedSat === bobSat,
    )
  }, 60_000)
})
