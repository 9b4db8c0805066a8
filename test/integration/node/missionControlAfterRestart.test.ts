/**
 * What failed payments taught a node outlives a restart (LND keeps its mission
 * control in its database), across four node processes:
 *
 *   alice ─ bob ─ dave       cheap, but bob holds nothing on his side towards dave
 *     └── carol ──┘          dear (5,000 msat base fee), and able to pay dave
 *
 * The first payment tries bob, fails there, and goes through carol. Restarted,
 * alice pays dave through carol at the first attempt: she remembers bob's
 * failure instead of trying him again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'

describe('mission control across a restart', () => {
  const net = new TestNetwork()
  const links: Array<[string, string]> = [
    ['alice', 'bob'],
    ['alice', 'carol'],
    // dave funds it: bob has nothing to send dave
    ['dave', 'bob'],
    ['carol', 'dave'],
  ]

  const waitForGraph = (): Promise<unknown> =>
    waitFor(
      'alice to know the whole graph',
      async () => {
        const g = await net.node('alice').client.graph()
        return g.channels.length === links.length && g.channels.every((c) => c.policies[0] && c.policies[1])
      },
      30_000,
    )

  beforeAll(async () => {
    await net.start('alice', 'bob', { name: 'carol', args: ['--fee-base', '5000'] }, 'dave')
    // alice opens two channels: two coins
    for (const n of ['alice', 'alice', 'carol', 'dave']) await net.fund(n, 1_500_000n)
    for (const [a, b] of links) await net.connect(a, b)
    const opened = await Promise.all(
      links.map(([a, b]) => net.node(a).client.openChannel({ nodeId: net.node(b).nodeId, amountSat: 1_000_000n })),
    )
    // six confirmations: the channels are announced (BOLT #7)
    await net.mine(6)
    for (const [[a, b], o] of links.map((l, i) => [l, opened[i]!] as const))
      await waitFor(
        `${a}–${b} active`,
        async () => (await net.channel(a, o.channelId))?.active && (await net.channel(b, o.channelId))?.active,
      )
    await waitForGraph()
  }, 120_000)

  afterAll(async () => {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('the first payment fails at bob, then goes through carol', async () => {
    const p = await net.pay('alice', 'dave', 10_000_000n)
    expect(p.status).toBe('succeeded')
    expect(p.attempts).toBe(2)
    expect(p.route.map((h) => h.nodeId)).toEqual([net.node('carol').nodeId, net.node('dave').nodeId])
  }, 60_000)

  it('restarted, alice does not try bob again: carol at the first attempt', async () => {
    await net.stopNode('alice')
    await net.restartNode('alice')
    await waitFor('alice’s channels active again', async () => {
      const channels = await net.node('alice').client.channels()
      return channels.length === 2 && channels.every((c) => c.active)
    })
    await waitForGraph()
    const p = await net.pay('alice', 'dave', 10_000_000n)
    expect(p.status).toBe('succeeded')
    expect(p.route.map((h) => h.nodeId)).toEqual([net.node('carol').nodeId, net.node('dave').nodeId])
    expect(p.attempts).toBe(1)
  }, 60_000)
})
