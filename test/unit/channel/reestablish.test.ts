import { describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import { addHtlc, balances, newPayment, openPair, pay } from './harness.js'

describe('channel_reestablish', () => {
  it('retransmits a commitment_signed that was lost with the connection', () => {
    const pair = openPair({ pushMsat: 100_000_000n })
    const p = newPayment(new SeededRng('lost-sig'), 7_000_000n)
    addHtlc(pair, pair.alice, p)
    pair.command(pair.alice, { type: 'sign' })
    // the add and the signature never arrive
    pair.disconnect()
    pair.reconnect()
    pair.deliverAll()
    expect(pair.alice.data.state).toBe('NORMAL')
    expect(pair.bob.data.state).toBe('NORMAL')
    const [received] = pair.takeEvents(pair.bob, 'htlc_received')
    expect(received).toBeDefined()
    if (received?.type !== 'htlc_received') throw new Error()
    pair.command(pair.bob, { type: 'fulfill_htlc', id: received.add.id, preimage: p.preimage })
    pair.command(pair.bob, { type: 'sign' })
    pair.deliverAll()
    expect(balances(pair.bob)).toEqual({ local: 107_000_000n, remote: 893_000_000n })
  })

  it('retransmits a lost revoke_and_ack', () => {
    const pair = openPair({ pushMsat: 100_000_000n })
    addHtlc(pair, pair.alice, newPayment(new SeededRng('lost-rev'), 1_000_000n))
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverOne(pair.bob)
    pair.deliverOne(pair.bob)
    // bob revoked and signed back, but alice never hears it
    pair.disconnect()
    pair.reconnect()
    pair.deliverAll()
    const a = commitmentsOf(pair.alice.data)!
    const b = commitmentsOf(pair.bob.data)!
    expect(a.remoteCommit.txid).toBe(b.localCommit.txid)
    expect(a.localCommit.txid).toBe(b.remoteCommit.txid)
    expect(pair.takeEvents(pair.bob, 'htlc_received')).toHaveLength(1)
  })

  it('a node restored from an old backup learns it is behind and never publishes its stale commitment', () => {
    const pair = openPair({ pushMsat: 100_000_000n })
    const rng = new SeededRng('backup')
    pay(pair, pair.alice, newPayment(rng, 1_000_000n))
    const backup = structuredClone(pair.bob.data)
    pay(pair, pair.alice, newPayment(rng, 2_000_000n))
    pay(pair, pair.alice, newPayment(rng, 3_000_000n))
    pair.bob.data = backup
    pair.checking = false
    pair.disconnect()
    pair.reconnect()
    pair.deliverAll()
    expect(pair.bob.data.state).toBe('ERR_INFORMATION_LEAK')
    expect(pair.bob.effects.some((e) => e.type === 'broadcast' && e.label === 'commitment')).toBe(false)
    expect(pair.bob.events).toContainEqual(
      expect.objectContaining({ type: 'protocol_violation', code: 'LOCAL_STATE_LOST' }),
    )
    // alice, asked to, publishes her latest commitment
    expect(pair.alice.data.state).toBe('CLOSING')
    const published = pair.alice.effects.find((e) => e.type === 'broadcast' && e.label === 'commitment')
    if (published?.type !== 'broadcast') throw new Error('alice did not publish')
    // bob still sweeps his own output from it: to_remote pays his static payment key
    pair.input(pair.bob, {
      type: 'output_spent',
      outpoint: commitmentsOf(pair.bob.data)!.funding.outpoint,
      tx: published.tx,
      blockHeight: 120,
    })
    const claims = pair.bob.effects.filter((e) => e.type === 'broadcast' && e.label === 'to_remote')
    expect(claims).toHaveLength(1)
    if (claims[0]?.type !== 'broadcast') throw new Error()
    expect(claims[0].tx.outputs[0]!.value).toBeGreaterThan(105_000n)
  })

  it('a peer that lost state is told so, and the channel is closed with our latest commitment', () => {
    const pair = openPair({ pushMsat: 100_000_000n })
    const rng = new SeededRng('peer-lost')
    const backup = structuredClone(pair.alice.data)
    pay(pair, pair.alice, newPayment(rng, 1_000_000n))
    pay(pair, pair.alice, newPayment(rng, 1_000_000n))
    pair.alice.data = backup
    pair.checking = false
    pair.disconnect()
    pair.reconnect()
    pair.deliverAll()
    expect(pair.bob.data.state).toBe('CLOSING')
    expect(pair.bob.effects.some((e) => e.type === 'broadcast' && e.label === 'commitment')).toBe(true)
  })
})
