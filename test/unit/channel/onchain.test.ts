/**
 * The transactions a channel builds, checked by the mock chain's own validator
 * (src/chain): funding, commitments, mutual close, unilateral-close claims with
 * their timelocks, and the penalty for a revoked commitment.
 */
import { describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { MemoryChain } from '../../../src/chain/memoryChain.js'
import { ChainRuleError } from '../../../src/chain/errors.js'
import { txid as txidOf } from '../../../src/chain/transaction.js'
import { signedLocalCommitTx } from '../../../src/channel/closing.js'
import { commitmentsOf, type ChannelData } from '../../../src/channel/states.js'
import type { ChannelEffect } from '../../../src/channel/io.js'
import { addHtlc, newPayment, pay } from './harness.js'
import { broadcasts, claimOnChain, fundingSpent, openOnChain } from './chainHarness.js'

describe('channel transactions on the mock chain', () => {
  it('the funding transaction and the mutual close are valid, and the close pays both sides', () => {
    const chain = new MemoryChain()
    const pair = openOnChain(chain, 100_000_000n)
    pay(pair, pair.alice, newPayment(new SeededRng('mutual'), 10_000_000n))
    pair.command(pair.alice, { type: 'close' })
    pair.deliverAll()
    const [close] = broadcasts(pair.alice.effects).filter((b) => b.label === 'mutual close')
    chain.submit(close!.tx)
    chain.mine(1)
    expect(chain.getUtxo({ txid: close!.txid, vout: 0 })).toBeDefined()
    for (const side of [pair.alice, pair.bob]) {
      fundingSpent(pair, side, close!.tx, chain)
      expect(side.data.state).toBe('CLOSED')
    }
  })

  it('a unilateral close with HTLCs both ways: each output is claimed by its owner once its timelock allows', () => {
    const chain = new MemoryChain()
    const pair = openOnChain(chain, 300_000_000n)
    const rng = new SeededRng('force')
    const fromAlice = newPayment(rng, 20_000_000n)
    const fromBob = newPayment(rng, 30_000_000n)
    const cltv = chain.height + 50
    addHtlc(pair, pair.alice, fromAlice, cltv)
    addHtlc(pair, pair.bob, fromBob, cltv)
    pair.command(pair.alice, { type: 'sign' })
    pair.command(pair.bob, { type: 'sign' })
    pair.deliverAll()
    // bob knows the preimage of alice's HTLC and fulfills it, but alice force-closes before signing the fulfill
    const [received] = pair
      .takeEvents(pair.bob, 'htlc_received')
      .filter((e) => e.type === 'htlc_received' && e.add.amountMsat === 20_000_000n)
    if (received?.type !== 'htlc_received') throw new Error()
    pair.command(pair.bob, { type: 'fulfill_htlc', id: received.add.id, preimage: fromAlice.preimage })
    pair.bob.inbox.length = 0
    pair.alice.inbox.length = 0
    const before = commitmentsOf(pair.alice.data)!
    const effects = pair.command(pair.alice, { type: 'force_close' })
    const [commit] = broadcasts(effects).filter((b) => b.label === 'commitment')
    expect(commit!.tx.outputs).toHaveLength(4)
    chain.submit(commit!.tx)
    chain.mine(1)
    const aliceEffects = fundingSpent(pair, pair.alice, commit!.tx, chain)
    const bobEffects = fundingSpent(pair, pair.bob, commit!.tx, chain)
    expect(pair.alice.data.state).toBe('CLOSING')
    expect(pair.bob.data.state).toBe('CLOSING')
    const aliceClaims = broadcasts(aliceEffects)
    const bobClaims = broadcasts(bobEffects)
    // alice: her to_local after the delay bob imposed, and her HTLC-timeout transaction for the HTLC she offered
    expect(aliceClaims.map((c) => c.label).sort()).toEqual(['htlc_timeout', 'to_local_delayed'])
    // bob: his to_remote at once, alice's HTLC with its preimage at once, directly from her commitment; bob's own HTLC
    // to alice stays for alice (she lacks the preimage) or times out to bob, directly too
    expect(bobClaims.map((c) => c.label).sort()).toEqual(['remote_htlc_preimage', 'remote_htlc_timeout', 'to_remote'])
    const toLocal = aliceClaims.find((c) => c.label === 'to_local_delayed')!
    expect(toLocal.validFromHeight).toBe(chain.height + before.remoteParams.toSelfDelay)
    // too early for the delayed output: the chain refuses it
    expect(() => chain.submit(toLocal.tx)).toThrow(ChainRuleError)
    for (const c of bobClaims.filter((c) => c.label !== 'remote_htlc_timeout')) claimOnChain(chain, pair, c)
    // every claim that can be made is accepted once its height comes
    claimOnChain(
      chain,
      pair,
      bobClaims.find((c) => c.label === 'remote_htlc_timeout')!,
    )
    expect(() =>
      claimOnChain(
        chain,
        pair,
        aliceClaims.find((c) => c.label === 'htlc_timeout')!,
      ),
    ).toThrow(ChainRuleError)
    claimOnChain(chain, pair, toLocal)
    // what each side swept adds up to its balance less fees: money is where the commitment said
    const swept = (claims: typeof aliceClaims) => claims.reduce((s, c) => s + c.tx.outputs[0]!.value, 0n)
    const aliceSwept = swept([toLocal])
    const bobSwept = swept(bobClaims)
    const commitFee = 1_000_000n - commit!.tx.outputs.reduce((s, o) => s + o.value, 0n)
    expect(aliceSwept + bobSwept).toBeLessThanOrEqual(1_000_000n - commitFee)
    expect(aliceSwept + bobSwept).toBeGreaterThan(1_000_000n - commitFee - 5_000n)
  })

  it('a revoked commitment on chain: the penalty sweeps every output, the cheater keeps nothing', () => {
    const chain = new MemoryChain()
    const pair = openOnChain(chain, 500_000_000n)
    const rng = new SeededRng('cheat')
    // an HTLC in flight in the state alice will later cheat with
    const offered = addHtlc(pair, pair.bob, newPayment(rng, 40_000_000n), chain.height + 100)
    pair.command(pair.bob, { type: 'sign' })
    pair.deliverAll()
    const old: ChannelData = structuredClone(pair.alice.data)
    const revoked = signedLocalCommitTx(commitmentsOf(old)!, pair.alice.signer)
    // the channel moves on: that commitment is revoked
    pay(pair, pair.alice, newPayment(rng, 100_000_000n))
    expect(pair.alice.revoked.has(txidOf(revoked))).toBe(true)
    chain.submit(revoked)
    chain.mine(1)
    const revokedIndex = commitmentsOf(old)!.localCommit.index
    const effects = pair.input(pair.bob, {
      type: 'output_spent',
      outpoint: commitmentsOf(pair.bob.data)!.funding.outpoint,
      tx: revoked,
      blockHeight: chain.height,
      revokedIndex,
    })
    const [penalty] = broadcasts(effects)
    expect(penalty!.label).toBe('penalty')
    expect(penalty!.tx.inputs).toHaveLength(revoked.outputs.length)
    expect(penalty!.validFromHeight).toBeLessThanOrEqual(chain.height + 1)
    chain.submit(penalty!.tx)
    chain.mine(1)
    const total = revoked.outputs.reduce((s, o) => s + o.value, 0n)
    expect(penalty!.tx.outputs[0]!.value).toBeGreaterThan(total - 5_000n)
    const swept: ChannelEffect[] = []
    for (let i = 0; i < revoked.outputs.length; i++) {
      swept.push(
        ...pair.input(pair.bob, {
          type: 'output_spent',
          outpoint: { txid: txidOf(revoked), vout: i },
          tx: penalty!.tx,
          blockHeight: chain.height,
        }),
      )
    }
    expect(pair.bob.data.state).toBe('CLOSED')
    // bob's HTLC on that commitment went back to him with the penalty: it failed, and his payment hears so
    const failed = swept.flatMap((e) => (e.type === 'event' && e.event.type === 'htlc_failed' ? [e.event] : []))
    expect(failed.map((e) => [e.htlc.id, e.htlc.direction, e.onChain])).toEqual([[offered, 'outgoing', true]])
  })

  it('an offered HTLC with no output in the confirmed commitment fails then; one with an output awaits a claim', () => {
    const chain = new MemoryChain()
    const pair = openOnChain(chain, 0n)
    const rng = new SeededRng('missing')
    const cltv = chain.height + 50
    // in both commitments: an HTLC with an output, and one below alice's dust limit (trimmed)
    const withOutput = addHtlc(pair, pair.alice, newPayment(rng, 20_000_000n), cltv)
    const dust = addHtlc(pair, pair.alice, newPayment(rng, 300_000n), cltv)
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    // one only in bob's commitment: alice signed it, bob's revocation never reaches her
    const onlyBobs = addHtlc(pair, pair.alice, newPayment(rng, 5_000_000n), cltv)
    pair.command(pair.alice, { type: 'sign' })
    while (pair.deliverOne(pair.bob));
    pair.alice.inbox.length = 0
    // and one she added but never signed
    const unsigned = addHtlc(pair, pair.alice, newPayment(rng, 6_000_000n), cltv)
    pair.bob.inbox.length = 0
    const [commit] = broadcasts(pair.command(pair.alice, { type: 'force_close' })).filter(
      (b) => b.label === 'commitment',
    )
    chain.submit(commit!.tx)
    chain.mine(1)
    const failed = fundingSpent(pair, pair.alice, commit!.tx, chain).flatMap((e) =>
      e.type === 'event' && e.event.type === 'htlc_failed' ? [e.event] : [],
    )
    expect(failed.map((e) => e.htlc.id).sort()).toEqual([dust, onlyBobs, unsigned].sort())
    expect(failed.every((e) => e.onChain && e.htlc.direction === 'outgoing')).toBe(true)
    expect(failed.map((e) => e.htlc.id)).not.toContain(withOutput)
  })

  it("an HTLC bob fulfilled off chain is not failed when alice's commitment without it confirms", () => {
    const chain = new MemoryChain()
    const pair = openOnChain(chain, 0n)
    const p = newPayment(new SeededRng('fulfilled'), 7_000_000n)
    addHtlc(pair, pair.alice, p, chain.height + 50)
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    const [received] = pair.takeEvents(pair.bob, 'htlc_received')
    if (received?.type !== 'htlc_received') throw new Error('no HTLC at bob')
    pair.command(pair.bob, { type: 'fulfill_htlc', id: received.add.id, preimage: p.preimage })
    pair.command(pair.bob, { type: 'sign' })
    // alice learns the preimage and signs for a commitment without the HTLC, which confirms; bob's still has it
    pair.deliverOne(pair.alice)
    pair.deliverOne(pair.alice)
    expect(pair.alice.events.some((e) => e.type === 'htlc_fulfilled')).toBe(true)
    const alicesCommit = signedLocalCommitTx(commitmentsOf(pair.alice.data)!, pair.alice.signer)
    expect(alicesCommit.outputs).toHaveLength(2)
    chain.submit(alicesCommit)
    chain.mine(1)
    const effects = fundingSpent(pair, pair.alice, alicesCommit, chain)
    expect(effects.some((e) => e.type === 'event' && e.event.type === 'htlc_failed')).toBe(false)
  })
})
