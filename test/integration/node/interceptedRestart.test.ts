/**
 * A held HTLC survives its node's crash: bob holds a forward for an interceptor, is killed, and on restart offers it
 * again with a fresh timeout; no interceptor answers, so the default (resume) forwards it and the payment completes.
 * Without the held record in the state log, the HTLC would have no owner after the restart until it expired.
 *
 *   alice ── bob (--intercept-timeout 2, default resume) ── carol
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'
import { moneyCheck } from '../../helpers/conservation.js'

describe('an intercepted HTLC across a crash', () => {
  const net = new TestNetwork()

  beforeAll(async () => {
    await net.start('alice', { name: 'bob', args: ['--intercept-timeout', '2'] }, 'carol')
    await net.fund('alice', 2_000_000n)
    await net.fund('bob', 2_000_000n)
    await net.connect('alice', 'bob')
    await net.connect('bob', 'carol')
    await net.openChannel('alice', 'bob', 1_000_000n, 0n, 6)
    await net.openChannel('bob', 'carol', 1_000_000n, 0n, 6)
    await waitFor('alice to learn the bob-carol channel', async () =>
      (await net.node('alice').client.graph()).channels.length >= 2 ? true : undefined,
    )
  }, 120_000)

  afterAll(async () => {
    await net.stopAll()
    await cleanupProcesses()
  })

  it('is offered again after the restart and gets the default', async () => {
    let held = ''
    const bob = net.node('bob')
    await bob.intercept((htlc) => {
      held = htlc.id
      return { action: 'hold', holdMs: 60_000 }
    })
    const invoice = await net.node('carol').client.createInvoice({ amountMsat: 30_000_000n, memo: 'across a crash' })
    const paying = net.node('alice').client.pay({ invoice: invoice.invoice, timeoutSeconds: 60 })
    await waitFor('bob to hold the HTLC', async () => (held ? true : undefined))
    await net.killNode('bob')
    await net.restartNode('bob')
    const p = await paying
    expect(p.status).toBe('succeeded')
    expect((await net.node('carol').client.invoice(invoice.paymentHash)).status).toBe('paid')
    for (const name of ['alice', 'bob', 'carol'])
      await waitFor(`${name}'s HTLCs to settle`, async () =>
        (await net.node(name).channels()).every((c) => c.pendingHtlcs.length === 0) ? true : undefined,
      )
    const m = await moneyCheck(net)
    expect(m.heldMsat).toBe(m.expectedMsat)
  }, 90_000)
})
