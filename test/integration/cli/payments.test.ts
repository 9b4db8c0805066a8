/**
 * Payments from the CLI as a user types them: a payment split over two
 * channels (and the same payment refused whole with --no-mpp), keysend, and
 * hold invoices settled with their preimage or cancelled by their hash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/bytes.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { TestNetwork } from '../../helpers/network.js'
import { waitFor } from '../../helpers/processes.js'
import { json, killAll, lnsim, start, type Ran } from './lnsim.js'

interface PaymentJson {
  status: string
  amountMsat: string
  parts: { amountMsat: string; route: { shortChannelId: string }[] }[]
  keysend: boolean
  failure: { code: string } | null
}

interface InvoiceJson {
  invoice: string
  paymentHash: string
  status: string
  hold: boolean
  preimage: string | null
}

describe('paying from the CLI: parts, keysend and hold invoices', () => {
  const net = new TestNetwork()
  const run = (...args: string[]): Promise<Ran> => lnsim(args)
  const at = (name: string): string[] => ['--node', net.node(name).dataDir]
  /** `lnsim pay` left running, as a shell would with `&` */
  const payInBackground = (invoice: string): Promise<Ran> =>
    new Promise((done) => {
      const child = start(['pay', invoice, ...at('alice'), '--json'])
      let stdout = ''
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
      child.once('close', (code) => done({ code, stdout, stderr: '' }))
    })
  const invoiceStatus = async (hash: string): Promise<string> =>
    json<InvoiceJson>(await run('lookupinvoice', hash, ...at('bob'), '--json')).status

  beforeAll(async () => {
    await net.start('alice', 'bob')
    await net.fund('alice', 2_500_000n)
    await net.connect('alice', 'bob')
    // two channels side by side: 1,500,000 sat fits neither, and both together
    await net.openChannel('alice', 'bob', 1_000_000n)
    await net.openChannel('alice', 'bob', 1_000_000n)
  }, 90_000)

  afterAll(async () => {
    killAll()
    await net.stopAll()
  })

  it('pay splits what no channel carries; --no-mpp refuses it; --max-parts must be a whole number', async () => {
    const big = json<InvoiceJson>(await run('invoice', '1500000sat', ...at('bob'), '--json'))
    const whole = await run('pay', big.invoice, '--no-mpp', ...at('alice'), '--json')
    expect(whole.code).toBe(1)
    expect(json<PaymentJson>(whole)).toMatchObject({ status: 'failed', failure: { code: 'NO_ROUTE' } })
    const bad = await run('pay', big.invoice, '--max-parts', 'two', ...at('alice'))
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--max-parts must be a positive whole number')

    const human = await run('pay', big.invoice, ...at('alice'))
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^paid 1,500,000 sat \(fee 0 sat\) in \d+ ms in 2 parts:/)
    const p = json<PaymentJson[]>(await run('payments', ...at('alice'), '--json')).find(
      (x) => x.amountMsat === '1500000000' && x.status === 'succeeded',
    )!
    expect(p.parts).toHaveLength(2)
    expect(p.parts.reduce((sum, part) => sum + BigInt(part.amountMsat), 0n)).toBe(1_500_000_000n)
    expect(new Set(p.parts.map((part) => part.route[0]!.shortChannelId)).size).toBe(2)
  })

  it('pay --channels takes only the channels named; a malformed id is refused before anything is sent', async () => {
    const scids = (await net.node('alice').client.channels()).map((c) => c.shortChannelId!).sort()
    for (const scid of scids) {
      const inv = json<InvoiceJson>(await run('invoice', '10000sat', ...at('bob'), '--json'))
      const r = await run('pay', inv.invoice, '--channels', scid, ...at('alice'), '--json')
      expect(r.code, r.stderr).toBe(0)
      expect(json<PaymentJson>(r).parts.map((part) => part.route[0]!.shortChannelId)).toEqual([scid])
    }
    const inv = json<InvoiceJson>(await run('invoice', '10000sat', ...at('bob'), '--json'))
    const bad = await run('pay', inv.invoice, '--channels', `${scids[0]},bob`, ...at('alice'))
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--channels takes short channel ids like 103x1x0, separated by commas; got "bob"')
  })

  it('keysend pays a node by its id, with no invoice', async () => {
    const r = await run('keysend', net.node('bob').nodeId, '10000sat', ...at('alice'), '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(json<PaymentJson>(r)).toMatchObject({ status: 'succeeded', amountMsat: '10000000', keysend: true })
    const self = await run('keysend', net.node('alice').nodeId, '1sat', ...at('alice'), '--json')
    expect(self.code).toBe(1)
    expect(JSON.parse(self.stderr)).toMatchObject({ error: { code: 'PAYING_SELF' } })
  })

  it('a hold invoice waits until settled with the preimage the node made', async () => {
    const made = await run('invoice', '20000sat', '--hold', ...at('bob'))
    expect(made.stdout).toContain('hold invoice: settle with `lnsim settle ')
    const inv = json<InvoiceJson>(await run('invoice', '20000sat', '--hold', ...at('bob'), '--json'))
    expect(inv).toMatchObject({ hold: true, status: 'open', preimage: expect.stringMatching(/^[0-9a-f]{64}$/) })
    const paying = payInBackground(inv.invoice)
    await waitFor('the payment to be held', async () => (await invoiceStatus(inv.paymentHash)) === 'accepted')
    const listed = await run('invoices', ...at('bob'))
    expect(listed.stdout).toContain(
      `accepted ${inv.paymentHash.slice(0, 16)}… 20,000 sat (received 20,000 sat)  (hold invoice)`,
    )
    const early = await run('settle', 'ab'.repeat(32), ...at('bob'), '--json')
    expect(early.code).toBe(1)
    expect(JSON.parse(early.stderr)).toMatchObject({ error: { code: 'NOTHING_TO_SETTLE' } })
    const settled = await run('settle', inv.preimage!, ...at('bob'), '--json')
    expect(settled.code, settled.stderr).toBe(0)
    expect(json<InvoiceJson>(settled)).toMatchObject({ status: 'paid' })
    const paid = await paying
    expect(paid.code).toBe(0)
    expect(json<PaymentJson>(paid)).toMatchObject({ status: 'succeeded', amountMsat: '20000000' })
  })

  it('a hold invoice for a hash only the payee knows is cancelled, and its payment fails back', async () => {
    const preimage = new Uint8Array(32).fill(42)
    const hash = toHex(sha256(preimage))
    const noHold = await run('invoice', '5000sat', '--payment-hash', hash, ...at('bob'))
    expect(noHold.code).toBe(2)
    expect(noHold.stderr).toContain('--payment-hash makes a hold invoice: add --hold')
    const inv = json<InvoiceJson>(
      await run('invoice', '5000sat', '--hold', '--payment-hash', hash, ...at('bob'), '--json'),
    )
    expect(inv).toMatchObject({ paymentHash: hash, preimage: null, hold: true })
    const paying = payInBackground(inv.invoice)
    await waitFor('the payment to be held', async () => (await invoiceStatus(hash)) === 'accepted')
    const cancelled = await run('cancel', hash, ...at('bob'), '--json')
    expect(cancelled.code, cancelled.stderr).toBe(0)
    expect(json<InvoiceJson>(cancelled)).toMatchObject({ status: 'canceled' })
    const failed = await paying
    expect(failed.code).toBe(1)
    expect(json<PaymentJson>(failed)).toMatchObject({
      status: 'failed',
      failure: { code: 'INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS' },
    })
    // nothing is left in flight on either channel
    const channels = json<{ pendingHtlcs: unknown[] }[]>(await run('channels', ...at('bob'), '--json'))
    expect(channels.flatMap((c) => c.pendingHtlcs)).toEqual([])
  })
})
