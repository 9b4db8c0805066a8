/**
 * Issue 7: the chain enforces what the channels signed.
 *
 *   alice ─ bob ─ carol ─ dave      a payment alice → dave is in flight (dave holds it)
 *
 * bob force-closes bob–carol with the HTLC in it. dave then settles: carol
 * claims the HTLC on chain with the preimage, bob reads it from carol's claim and
 * settles with alice off chain. bob sweeps his to_local after to_self_delay.
 * In the end every party holds what it was owed, and no satoshi was created or lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forwardingFee } from '../../../src/routing/route.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'
import { moneyCheck } from '../../helpers/conservation.js'

describe('force close with an HTLC in flight across three hops', () => {
  const net = new TestNetwork()
  const channels: Record<string, string> = {}
  const local = async (name: string, channel: string) =>
    (await net.channel(name, channels[channel]!))?.localBalanceMsat ?? 0n

  beforeAll(async () => {
    await net.start('alice', 'bob', 'carol', { name: 'dave', args: ['--testing'] })
    for (const n of ['alice', 'bob', 'carol']) await net.fund(n, 1_500_000n)
    for (const [a, b] of [
      ['alice', 'bob'],
      ['bob', 'carol'],
      ['carol', 'dave'],
    ] as const) {
      await net.connect(a, b)
      channels[`${a}-${b}`] = (
        await net.node(a).client.openChannel({ nodeId: net.node(b).nodeId, amountSat: 1_000_000n })
      ).channelId
    }
    await net.mine(6)
    await waitFor(
      'alice to know the route',
      async () => {
        const g = await net.node('alice').client.graph()
        return g.channels.length === 3 && g.channels.every((c) => c.policies[0] && c.policies[1])
      },
      30_000,
    )
    const before = await moneyCheck(net)
    expect(before.heldMsat).toBe(before.expectedMsat)
  }, 120_000)

  afterAll(async () => {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  /** Mines a block whenever a transaction waits in the mempool, until `done` holds. */
  const mineUntil = (what: string, done: () => boolean | Promise<boolean>) =>
    waitFor(
      what,
      async () => {
        if (await done()) return true
        if ((await net.chain<{ mempoolSize: number }>('GET', '/info')).mempoolSize > 0) await net.mine(1)
        return false
      },
      60_000,
    )

  it('settles the HTLC on chain, pays everyone what they are owed, and conserves every satoshi', async () => {
    const amount = 100_000_000n
    const carolFee = forwardingFee(amount, 1000n, 1n)
    const bobFee = forwardingFee(amount + carolFee, 1000n, 1n)
    const aliceBefore = await local('alice', 'alice-bob')
    const daveBefore = await local('dave', 'carol-dave')
    await net.node('dave').client.call('POST', '/v1/dev/hold', (await import('zod')).z.unknown(), { hold: true })
    const paying = net.pay('alice', 'dave', amount)
    await waitFor(
      'the HTLC to reach dave',
      async () => (await net.channel('dave', channels['carol-dave']!))?.pendingHtlcs.length === 1,
    )
    // bob gives up on carol: his latest commitment, with the HTLC, goes on chain
    await net.node('bob').client.closeChannel(channels['bob-carol']!, { force: true })
    await net.mine(1)
    await waitFor(
      'carol to see bob’s commitment',
      async () => (await net.channel('carol', channels['bob-carol']!))?.state === 'CLOSING',
    )
    // dave settles: the preimage reaches carol off chain, and she claims the HTLC on chain with it
    await net.node('dave').client.call('POST', '/v1/dev/hold', (await import('zod')).z.unknown(), { hold: false })
    // carol may sweep her to_remote before she claims the HTLC, so one block is not
    // always enough: keep mining what reaches the mempool until the payment resolves
    let resolved: Awaited<typeof paying> | undefined
    void paying.then((p) => {
      resolved = p
    })
    await mineUntil('bob to read the preimage from carol’s claim and settle with alice', () => resolved !== undefined)
    const payment = await paying
    expect(payment.status).toBe('succeeded')
    expect(payment.feeMsat).toBe(bobFee + carolFee)
    await waitFor(
      'alice–bob and carol–dave quiet',
      async () =>
        (await net.channel('alice', channels['alice-bob']!))?.pendingHtlcs.length === 0 &&
        (await net.channel('dave', channels['carol-dave']!))?.pendingHtlcs.length === 0,
    )
    expect(aliceBefore - (await local('alice', 'alice-bob'))).toBe(amount + bobFee + carolFee)
    expect((await local('dave', 'carol-dave')) - daveBefore).toBe(amount)
    // bob's own money waits out the delay carol imposed, then comes back to his wallet. carol, told of the close,
    // broadcasts her own commitment too, and on a loaded machine hers can be the one mined: then her HTLC-success
    // transaction's output waits out the delay bob imposed on her instead
    const bobClaims = (await net.node('bob').client.balance()).pendingClaims
    const carolClaims = (await net.node('carol').client.balance()).pendingClaims
    expect(bobClaims.length + carolClaims.length).toBeGreaterThan(0)
    const unlock = Math.max(...[...bobClaims, ...carolClaims].map((c) => c.spendableFromHeight))
    const { height } = await net.chain<{ height: number }>('GET', '/info')
    await net.mine(unlock - height)
    await mineUntil(
      'bob–carol closed on both ends with no claim left pending',
      async () =>
        (await net.channel('bob', channels['bob-carol']!))?.state === 'CLOSED' &&
        (await net.channel('carol', channels['bob-carol']!))?.state === 'CLOSED' &&
        (await net.node('bob').client.balance()).pendingClaims.length === 0 &&
        (await net.node('carol').client.balance()).pendingClaims.length === 0,
    )
    const after = await moneyCheck(net)
    expect(after.heldMsat).toBe(after.expectedMsat)
  }, 120_000)
})
