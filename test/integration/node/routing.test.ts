/**
 * Issue 5's story with five node processes and two competing routes:
 *
 *   alice ─ bob ─ carol ─ dave     cheap: bob and carol charge 100 msat + 10 ppm
 *     └──────── eve ──────┘        dear:  eve charges 20,000 msat + 1,000 ppm
 *
 * Payments take the cheaper route; every intermediary earns exactly its
 * advertised fee; when bob stops, payments fail over to the other route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forwardingFee } from '../../../src/routing/route.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'

const CHEAP = ['--fee-base', '100', '--fee-ppm', '10']
const DEAR = ['--fee-base', '20000', '--fee-ppm', '1000']

describe('routed payments across five node processes', () => {
  const net = new TestNetwork()
  const totalLocal = async (name: string) =>
    (await net.node(name).client.channels()).reduce((s, c) => s + c.localBalanceMsat, 0n)

  beforeAll(async () => {
    await net.start('alice', { name: 'bob', args: CHEAP }, { name: 'carol', args: CHEAP }, 'dave', {
      name: 'eve',
      args: DEAR,
    })
    // alice opens two channels at once: two coins, as a funding transaction holds its coins until it is broadcast
    for (const n of ['alice', 'alice', 'bob', 'carol', 'eve']) await net.fund(n, 1_500_000n)
    const links: Array<[string, string]> = [
      ['alice', 'bob'],
      ['bob', 'carol'],
      ['carol', 'dave'],
      ['alice', 'eve'],
      ['eve', 'dave'],
    ]
    for (const [a, b] of links) await net.connect(a, b)
    const opened = await Promise.all(
      links.map(([a, b]) => net.node(a).client.openChannel({ nodeId: net.node(b).nodeId, amountSat: 1_000_000n })),
    )
    // six confirmations: channels become public (BOLT #7)
    await net.mine(6)
    for (const [[a, b], o] of links.map((l, i) => [l, opened[i]!] as const)) {
      await waitFor(
        `${a}–${b} active`,
        async () => (await net.channel(a, o.channelId))?.active && (await net.channel(b, o.channelId))?.active,
      )
    }
    await waitFor(
      'alice to know the whole graph',
      async () => {
        const g = await net.node('alice').client.graph()
        return g.channels.length === 5 && g.channels.every((c) => c.policies[0] && c.policies[1])
      },
      30_000,
    )
  }, 120_000)

  afterAll(async () => {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('every node built the same graph from gossip', async () => {
    const graphs = await Promise.all(
      ['alice', 'bob', 'carol', 'dave', 'eve'].map(async (n) => {
        await waitFor(`${n}'s graph`, async () => (await net.node(n).client.graph()).channels.length === 5)
        return (await net.node(n).client.graph()).channels.map((c) => c.shortChannelId).sort()
      }),
    )
    for (const g of graphs) expect(g).toEqual(graphs[0])
    // the summary the runner polls says the same in a few bytes: every channel with both policies, every node
    const summary = await net.node('alice').client.graphSummary()
    expect(summary).toEqual({ nodes: 5, channels: 5, complete: expect.any(Array) })
    expect([...summary.complete].sort()).toEqual(graphs[0])
  })

  it('takes the cheaper route, and each hop earns exactly its advertised fee', async () => {
    const amount = 50_000_000n
    const before = { bob: await totalLocal('bob'), carol: await totalLocal('carol'), eve: await totalLocal('eve') }
    const p = await net.pay('alice', 'dave', amount)
    expect(p.status).toBe('succeeded')
    expect(p.route.map((h) => h.nodeId)).toEqual([
      net.node('bob').nodeId,
      net.node('carol').nodeId,
      net.node('dave').nodeId,
    ])
    const carolFee = forwardingFee(amount, 100n, 10n)
    const bobFee = forwardingFee(amount + carolFee, 100n, 10n)
    expect(p.feeMsat).toBe(bobFee + carolFee)
    await waitFor('HTLCs settled', async () =>
      (
        await Promise.all(
          ['alice', 'bob', 'carol', 'dave'].map(async (n) =>
            (await net.node(n).client.channels()).every((c) => c.pendingHtlcs.length === 0),
          ),
        )
      ).every(Boolean),
    )
    expect((await totalLocal('bob')) - before.bob).toBe(bobFee)
    expect((await totalLocal('carol')) - before.carol).toBe(carolFee)
    expect((await totalLocal('eve')) - before.eve).toBe(0n)
  }, 60_000)

  it('takes the channels it is told to, the dearer route too, and fails at once when they make no path', async () => {
    const scid = async (a: string, b: string) =>
      (await net.node(a).client.channels()).find((c) => c.remoteNodeId === net.node(b).nodeId)!.shortChannelId!
    const viaEve = [await scid('alice', 'eve'), await scid('eve', 'dave')]
    const invoice = async () => (await net.node('dave').client.createInvoice({ amountMsat: 3_000_000n })).invoice
    const p = await net.node('alice').client.pay({ invoice: await invoice(), channels: viaEve })
    expect(p.status).toBe('succeeded')
    expect(p.route.map((h) => h.shortChannelId)).toEqual(viaEve)
    expect(p.feeMsat).toBe(forwardingFee(3_000_000n, 20_000n, 1_000n))
    // alice–bob and eve–dave do not meet: no route, nothing sent
    const none = await net
      .node('alice')
      .client.pay({ invoice: await invoice(), channels: [await scid('alice', 'bob'), viaEve[1]!] })
    expect(none).toMatchObject({ status: 'failed', attempts: 0, failure: { code: 'NO_ROUTE' } })
    await expect(
      net.node('alice').client.pay({ invoice: await invoice(), channels: ['not-a-channel'] }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  }, 60_000)

  it('fails over to the dearer route when the cheap route’s middle node stops', async () => {
    await net.stopNode('bob')
    const amount = 20_000_000n
    const before = await totalLocal('eve')
    const p = await net.pay('alice', 'dave', amount)
    expect(p.status).toBe('succeeded')
    expect(p.route.map((h) => h.nodeId)).toEqual([net.node('eve').nodeId, net.node('dave').nodeId])
    const eveFee = forwardingFee(amount, 20_000n, 1_000n)
    expect(p.feeMsat).toBe(eveFee)
    await waitFor('HTLCs settled', async () =>
      (await net.node('eve').client.channels()).every((c) => c.pendingHtlcs.length === 0),
    )
    expect((await totalLocal('eve')) - before).toBe(eveFee)
  }, 60_000)

  it('a channel’s new fee policy reaches payers through gossip and is what they pay', async () => {
    const eveDave = (await net.node('eve').client.channels()).find((c) => c.remoteNodeId === net.node('dave').nodeId)!
    await net
      .node('eve')
      .client.setChannelPolicy(eveDave.channelId, { feeBaseMsat: 50n, feeProportionalMillionths: 0n })
    await waitFor('alice to hear of the new policy', async () =>
      (await net.node('alice').client.graph()).channels.some(
        (c) => c.shortChannelId === eveDave.shortChannelId && c.policies.some((p) => p?.feeBaseMsat === 50n),
      ),
    )
    const p = await net.pay('alice', 'dave', 1_000_000n)
    expect(p.status).toBe('succeeded')
    expect(p.feeMsat).toBe(50n)
  }, 60_000)
})
