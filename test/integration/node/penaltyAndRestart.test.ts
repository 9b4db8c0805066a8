/**
 * Issue 7: a cheater loses the whole channel to the penalty; and a node that
 * slept through its channel's force close catches up from the blocks it missed
 * and sweeps what it is owed. Money is conserved over both runs.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'
import { moneyCheck } from '../../helpers/conservation.js'

async function pairWithPayments(net: TestNetwork, aliceFlags: string[] = []): Promise<string> {
  await net.start({ name: 'alice', args: aliceFlags }, 'bob')
  await net.fund('alice', 1_500_000n)
  await net.connect('alice', 'bob')
  const channelId = await net.openChannel('alice', 'bob', 1_000_000n, 0n)
  // the channel moves on a few times: alice now has revoked commitments
  for (const amount of [300_000_000n, 100_000_000n])
    expect((await net.pay('alice', 'bob', amount)).status).toBe('succeeded')
  await waitFor(
    'quiet',
    async () =>
      (await net.channel('bob', channelId))?.pendingHtlcs.length === 0 &&
      (await net.channel('alice', channelId))?.pendingHtlcs.length === 0,
  )
  return channelId
}

async function mineUntilQuiet(net: TestNetwork, names: string[]): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 300))
    const info = await net.chain<{ mempoolSize: number }>('GET', '/info')
    const pending = (
      await Promise.all(names.map(async (n) => (await net.node(n).client.balance()).pendingClaims.length))
    ).reduce((a, b) => a + b, 0)
    if (info.mempoolSize === 0 && pending === 0) return
    await net.mine(1)
  }
  throw new Error('claims never settled')
}

describe('on-chain enforcement', () => {
  let net: TestNetwork
  afterEach(async () => {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('a node that broadcasts a revoked commitment loses the whole channel to the penalty', async () => {
    net = new TestNetwork()
    const channelId = await pairWithPayments(net, ['--testing'])
    const bobBefore = (await net.node('bob').client.balance()).confirmedSat
    const cheat = await net
      .node('alice')
      .client.call('POST', `/v1/dev/channels/${channelId}/cheat`, z.object({ txid: z.string() }))
    await waitFor(
      'the revoked commitment in the mempool',
      async () => (await net.chain<{ mempoolSize: number }>('GET', '/info')).mempoolSize === 1,
    )
    await net.mine(1)
    await waitFor(
      'bob’s penalty in the mempool',
      async () => (await net.chain<{ mempoolSize: number }>('GET', '/info')).mempoolSize === 1,
    )
    await net.mine(1)
    await waitFor(
      'bob to call the channel closed by penalty',
      async () => (await net.channel('bob', channelId))?.state === 'CLOSED',
    )
    const revoked = await net.chain<{ tx: { outputs: Array<{ valueSat: string }> } }>(
      'GET',
      `/transactions/${cheat.txid}`,
    )
    const inRevoked = revoked.tx.outputs.reduce((s, o) => s + BigInt(o.valueSat), 0n)
    const bobAfter = (await net.node('bob').client.balance()).confirmedSat
    // bob swept every output of the revoked commitment, less his penalty transaction's fee; alice got nothing
    expect(bobAfter - bobBefore).toBeGreaterThan(inRevoked - 5_000n)
    expect(bobAfter - bobBefore).toBeLessThanOrEqual(inRevoked)
    expect((await net.node('alice').client.balance()).confirmedSat).toBeLessThan(500_001n)
    await mineUntilQuiet(net, ['alice', 'bob'])
    const m = await moneyCheck(net)
    expect(m.heldMsat).toBe(m.expectedMsat)
  }, 120_000)

  it('a node down through its channel’s force close sweeps its funds after restarting', async () => {
    net = new TestNetwork()
    const channelId = await pairWithPayments(net)
    const bobOwed = (await net.channel('bob', channelId))!.localBalanceMsat / 1000n
    await net.stopNode('bob')
    await net.node('alice').client.closeChannel(channelId, { force: true })
    await net.mine(1)
    // alice waits out her delay and sweeps; the chain moves on without bob
    await net.mine(150)
    await waitFor(
      'alice’s sweep',
      async () => (await net.chain<{ mempoolSize: number }>('GET', '/info')).mempoolSize > 0,
    )
    await net.mine(1)
    const bobWalletBefore = 0n
    await net.restartNode('bob')
    await waitFor('bob to catch up and close the channel', async () =>
      ['CLOSING', 'CLOSED'].includes((await net.channel('bob', channelId))?.state ?? ''),
    )
    await mineUntilQuiet(net, ['alice', 'bob'])
    await waitFor('bob’s channel closed', async () => (await net.channel('bob', channelId))?.state === 'CLOSED')
    const bobWallet = (await net.node('bob').client.balance()).confirmedSat
    // bob's to_remote, less the fee of the transaction that swept it
    expect(bobWallet - bobWalletBefore).toBeGreaterThan(bobOwed - 5_000n)
    expect(bobWallet - bobWalletBefore).toBeLessThanOrEqual(bobOwed)
    const m = await moneyCheck(net)
    expect(m.heldMsat).toBe(m.expectedMsat)
  }, 120_000)
})
