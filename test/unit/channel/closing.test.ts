import { describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { txid as txidOf } from '../../../src/chain/transaction.js'
import { conditionsEqual } from '../../../src/chain/condition.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import { addHtlc, newPayment, openPair, pay, walletCondition } from './harness.js'

function broadcasts(effects: import('../../../src/channel/io.js').ChannelEffect[], label: string) {
  return effects.flatMap((e) => (e.type === 'broadcast' && e.label === label ? [e] : []))
}

describe('mutual close (shutdown + closing_signed)', () => {
  it('closes with one transaction both sides signed, paying each its balance, the funder paying the fee', () => {
    const pair = openPair({ pushMsat: 250_000_000n })
    pay(pair, pair.alice, newPayment(new SeededRng('close'), 50_000_000n))
    pair.command(pair.alice, { type: 'close' })
    pair.deliverAll()
    expect(pair.alice.data.state).toBe('CLOSING')
    expect(pair.bob.data.state).toBe('CLOSING')
    const [a] = broadcasts(pair.alice.effects, 'mutual close')
    const [b] = broadcasts(pair.bob.effects, 'mutual close')
    expect(a!.txid).toBe(b!.txid)
    const tx = a!.tx
    const toAlice = tx.outputs.find((o) => conditionsEqual(o.condition, walletCondition(31)))!
    const toBob = tx.outputs.find((o) => conditionsEqual(o.condition, walletCondition(32)))!
    expect(toBob.value).toBe(300_000n)
    const fee = 1_000_000n - toAlice.value - toBob.value
    expect(toAlice.value).toBe(700_000n - fee)
    expect(fee).toBeGreaterThan(0n)
    expect(tx.inputs[0]!.witness.signatures).toHaveLength(2)
    // once mined, both call it closed
    for (const side of [pair.alice, pair.bob]) {
      const funding = commitmentsOf(side.data)!.funding.outpoint
      pair.input(side, { type: 'output_spent', outpoint: funding, tx, blockHeight: 110 })
      expect(side.data.state).toBe('CLOSED')
    }
    expect(txidOf(tx)).toBe(a!.txid)
  })

  it('waits for HTLCs in flight to settle before negotiating, and refuses new ones', () => {
    const pair = openPair({ pushMsat: 250_000_000n })
    const rng = new SeededRng('close-with-htlc')
    const p = newPayment(rng, 20_000_000n)
    addHtlc(pair, pair.alice, p)
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    pair.command(pair.bob, { type: 'close' })
    pair.deliverAll()
    expect(pair.alice.data.state).toBe('SHUTDOWN')
    expect(pair.bob.data.state).toBe('SHUTDOWN')
    pair.command(pair.alice, {
      type: 'add_htlc',
      commandId: 'late',
      amountMsat: 1000n,
      paymentHash: p.paymentHash,
      cltvExpiry: 500,
      onionRoutingPacket: new Uint8Array(1366),
    })
    expect(pair.alice.lastReply).toMatchObject({ ok: false, code: 'CHANNEL_CLOSING' })
    const [received] = pair.takeEvents(pair.bob, 'htlc_received')
    if (received?.type !== 'htlc_received') throw new Error('no htlc')
    pair.command(pair.bob, { type: 'fulfill_htlc', id: received.add.id, preimage: p.preimage })
    pair.command(pair.bob, { type: 'sign' })
    pair.deliverAll()
    expect(pair.alice.data.state).toBe('CLOSING')
    expect(pair.bob.data.state).toBe('CLOSING')
    const [a] = broadcasts(pair.alice.effects, 'mutual close')
    expect(a!.tx.outputs.find((o) => conditionsEqual(o.condition, walletCondition(32)))!.value).toBe(270_000n)
  })
})
