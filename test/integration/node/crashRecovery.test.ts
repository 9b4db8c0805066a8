/**
 * kill -9 in the middle of a burst of payments: the killed node restarts from
 * what it persisted, the channel re-establishes, and every payment ends either
 * succeeded or failed, with both sides agreeing on balances that add up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'

describe('a node killed with SIGKILL mid-burst', () => {
  const net = new TestNetwork()
  let channelId = ''

  beforeAll(async () => {
    await net.start('alice', 'bob')
    await net.fund('alice', 2_000_000n)
    await net.connect('alice', 'bob')
    channelId = await net.openChannel('alice', 'bob', 1_000_000n)
  }, 60_000)

  afterAll(async () => {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('every payment completes or fails cleanly, and balances agree and are conserved after the restart', async () => {
    const invoices = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        net.node('bob').client.createInvoice({ amountMsat: 1_000_000n + BigInt(i), memo: `burst ${i}` }),
      ),
    )
    const alice = net.node('alice').client
    const payments = invoices.map((inv) =>
      alice
        .pay({ invoice: inv.invoice, timeoutSeconds: 60 })
        .catch((err: Error) => ({ status: 'error' as const, message: err.message })),
    )
    // let some of the burst get under way, then pull the plug on bob
    await new Promise((r) => setTimeout(r, 150))
    await net.killNode('bob')
    await net.restartNode('bob')
    const results = await Promise.all(payments)
    for (const r of results) expect(['succeeded', 'failed']).toContain(r.status)
    await waitFor(
      'the channel to be quiet on both sides',
      async () => {
        const a = await net.channel('alice', channelId)
        const b = await net.channel('bob', channelId)
        return a?.active && b?.active && a.pendingHtlcs.length === 0 && b.pendingHtlcs.length === 0
      },
      30_000,
    )
    const a = (await net.channel('alice', channelId))!
    const b = (await net.channel('bob', channelId))!
    expect(a.localBalanceMsat).toBe(b.remoteBalanceMsat)
    expect(b.localBalanceMsat).toBe(a.remoteBalanceMsat)
    expect(a.localBalanceMsat + b.localBalanceMsat).toBe(1_000_000_000n)
    // bob holds exactly what the succeeded payments paid him, and his invoices agree
    const paid = results.flatMap((r, i) => (r.status === 'succeeded' ? [1_000_000n + BigInt(i)] : []))
    expect(b.localBalanceMsat).toBe(paid.reduce((s, x) => s + x, 0n))
    const bobInvoices = await net.node('bob').client.invoices()
    expect(bobInvoices.filter((i) => i.status === 'paid').length).toBe(paid.length)
    // and the channel still works
    expect((await net.pay('alice', 'bob', 5_000n)).status).toBe('succeeded')
  }, 120_000)
})
