/**
 * A node reached only through a private channel (BOLT #7: never announced), by
 * the route hints of its invoices (BOLT #11 `r`), across three node processes:
 *
 *   alice ── bob ┄┄ carol        alice–bob public, bob–carol private
 *
 * No gossip graph holds carol; her invoices name bob, the channel, and the fee
 * bob announced to her alone, and alice pays through them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeInvoice } from '../../../src/invoice/index.js'
import { parseScid } from '../../../src/core/shortChannelId.js'
import { forwardingFee } from '../../../src/routing/route.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'

describe('route hints to a private channel', () => {
  const net = new TestNetwork()
  let privateScid = ''
  let privateChannel = ''

  const hintsOf = async (amountMsat: bigint) =>
    decodeInvoice((await net.node('carol').client.createInvoice({ amountMsat })).invoice).routeHints

  beforeAll(async () => {
    await net.start('alice', 'bob', 'carol')
    await net.fund('alice', 1_500_000n)
    await net.fund('bob', 1_500_000n)
    await net.connect('alice', 'bob')
    await net.connect('bob', 'carol')
    const pub = await net.node('alice').client.openChannel({ nodeId: net.node('bob').nodeId, amountSat: 1_000_000n })
    const priv = await net
      .node('bob')
      .client.openChannel({ nodeId: net.node('carol').nodeId, amountSat: 1_000_000n, announce: false })
    privateChannel = priv.channelId
    await net
      .node('bob')
      .client.setChannelPolicy(priv.channelId, { feeBaseMsat: 2000n, feeProportionalMillionths: 500n })
    // six confirmations: the public channel is announced (BOLT #7)
    await net.mine(6)
    for (const [a, b, id] of [
      ['alice', 'bob', pub.channelId],
      ['bob', 'carol', priv.channelId],
    ] as const)
      await waitFor(
        `${a}–${b} active`,
        async () => (await net.channel(a, id))?.active && (await net.channel(b, id))?.active,
      )
    privateScid = (await net.channel('carol', priv.channelId))!.shortChannelId!
    await waitFor('alice to hear of alice–bob', async () =>
      (await net.node('alice').client.graph()).channels.some((c) => c.policies[0] && c.policies[1]),
    )
  }, 120_000)

  afterAll(async () => {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('the private channel is in no gossip graph, and both ends list it as private', async () => {
    for (const n of ['alice', 'bob', 'carol'])
      expect((await net.node(n).client.graph()).channels.map((c) => c.shortChannelId)).not.toContain(privateScid)
    expect((await net.channel('bob', privateChannel))?.private).toBe(true)
    expect((await net.channel('carol', privateChannel))?.private).toBe(true)
  })

  it('carol’s invoice names bob, the channel, and the policy bob announced to her', async () => {
    const hints = await waitFor('a route hint in carol’s invoice', async () => {
      const h = await hintsOf(10_000_000n)
      return h.length > 0 ? h : undefined
    })
    expect(hints).toEqual([
      [
        {
          nodeId: Uint8Array.from(Buffer.from(net.node('bob').nodeId, 'hex')),
          shortChannelId: parseScid(privateScid),
          feeBaseMsat: 2000n,
          feeProportionalMillionths: 500,
          cltvExpiryDelta: expect.any(Number),
        },
      ],
    ])
  })

  it('alice pays carol through the hint, and bob earns the fee it names', async () => {
    const amount = 30_000_000n
    const p = await net.pay('alice', 'carol', amount)
    expect(p.status).toBe('succeeded')
    expect(p.route.map((h) => h.nodeId)).toEqual([net.node('bob').nodeId, net.node('carol').nodeId])
    expect(p.route[1]!.shortChannelId).toBe(privateScid)
    expect(p.feeMsat).toBe(forwardingFee(amount, 2000n, 500n))
  }, 60_000)

  it('bob’s new policy reaches carol’s next invoice, and is what alice pays', async () => {
    await net.node('bob').client.setChannelPolicy(privateChannel, { feeBaseMsat: 3000n, feeProportionalMillionths: 0n })
    await waitFor(
      'carol’s invoice to carry the new fee',
      async () => (await hintsOf(1n))[0]?.[0]?.feeBaseMsat === 3000n,
    )
    const p = await net.pay('alice', 'carol', 5_000_000n)
    expect(p.status).toBe('succeeded')
    expect(p.feeMsat).toBe(3000n)
  }, 60_000)
})
