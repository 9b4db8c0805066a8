/**
 * BOLT #3/#5 second-stage HTLC transactions, checked by the mock chain's own
 * validator: the holder of a commitment takes its HTLC outputs only through
 * HTLC-timeout/-success transactions the peer signed, whose output waits
 * to_self_delay; and a cheater's HTLC transaction leaves an output the penalty
 * takes at once.
 */
import { describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { toHex } from '../../../src/core/bytes.js'
import { MemoryChain } from '../../../src/chain/memoryChain.js'
import { ChainRuleError } from '../../../src/chain/errors.js'
import { signInput, txid as txidOf, type Transaction } from '../../../src/chain/transaction.js'
import { derivePrivateKey } from '../../../src/crypto/keyDerivation.js'
import { signedLocalCommitTx } from '../../../src/channel/closing.js'
import { holderHtlcClaims } from '../../../src/channel/secondStage.js'
import { commitmentsOf, type ChannelData } from '../../../src/channel/states.js'
import type { ChannelEffect, ChannelEvent } from '../../../src/channel/io.js'
import { HTLC_SUCCESS_WEIGHT, HTLC_TIMEOUT_WEIGHT, SWEEP_TX_WEIGHT } from '../../../src/channel/constants.js'
import { addHtlc, newPayment, pay, walletCondition, type Pair, type Payment, type Side } from './harness.js'
import { broadcasts, claimOnChain, fundingSpent, mineTo, openOnChain } from './chainHarness.js'

const FEERATE = 253n

function chainCode(work: () => void): string | undefined {
  try {
    work()
  } catch (err) {
    if (err instanceof ChainRuleError) return err.code
    throw err
  }
  return undefined
}

function events(effects: ChannelEffect[], type: ChannelEvent['type']): ChannelEvent[] {
  return effects.flatMap((e) => (e.type === 'event' && e.event.type === type ? [e.event] : []))
}

/** Alice offers bob an HTLC expiring at `cltv`, committed on both sides. */
function offerHtlc(pair: Pair, rng: SeededRng, amountMsat: bigint, cltv: number): { payment: Payment; id: bigint } {
  const payment = newPayment(rng, amountMsat)
  const id = addHtlc(pair, pair.alice, payment, cltv)
  pair.command(pair.alice, { type: 'sign' })
  pair.deliverAll()
  return { payment, id }
}

/** Feeds a spend of `vout` of `parent` to a side, as the node's chain watcher does. */
function spent(pair: Pair, side: Side, parent: string, vout: number, tx: Transaction, chain: MemoryChain) {
  return pair.input(side, { type: 'output_spent', outpoint: { txid: parent, vout }, tx, blockHeight: chain.height })
}

describe('HTLC transactions of a unilateral close (BOLT #3, #5)', () => {
  it('the holder times out its offered HTLC only through its HTLC-timeout transaction, and waits out the delay', () => {
    const chain = new MemoryChain()
    const pair = openOnChain(chain, 0n)
    const cltv = chain.height + 30
    const { id } = offerHtlc(pair, new SeededRng('timeout'), 20_000_000n, cltv)
    const c = commitmentsOf(pair.alice.data)!
    const [commit] = broadcasts(pair.command(pair.alice, { type: 'force_close' })).filter(
      (b) => b.label === 'commitment',
    )
    chain.submit(commit!.tx)
    chain.mine(1)
    const confirmedAt = chain.height
    const claims = broadcasts(fundingSpent(pair, pair.alice, commit!.tx, chain))
    const timeout = claims.find((b) => b.label === 'htlc_timeout')!
    // valid once the chain is past cltv_expiry (nLockTime), paying its BOLT #3 fee out of the HTLC
    expect(timeout.tx.lockTime).toBe(cltv)
    expect(timeout.validFromHeight).toBe(cltv + 1)
    expect(timeout.tx.outputs[0]!.value).toBe(20_000n - (FEERATE * HTLC_TIMEOUT_WEIGHT) / 1000n)
    const htlcVout = timeout.tx.inputs[0]!.prevout.vout

    // alice alone cannot take the HTLC output to her wallet, even after its expiry: it needs bob's signature
    mineTo(chain, pair, cltv)
    const secrets = pair.alice.signer.channel(c.localParams.keysId).secrets
    const point = pair.alice.signer.channel(c.localParams.keysId).perCommitmentPoint(c.localCommit.index)
    const direct: Transaction = {
      version: 2,
      lockTime: cltv,
      inputs: [{ prevout: { txid: commit!.txid, vout: htlcVout }, witness: { signatures: [], preimages: [] } }],
      outputs: [{ value: 19_000n, condition: walletCondition(31) }],
    }
    const htlcKey = derivePrivateKey(secrets.htlcBasepointSecret, point)
    const signed = {
      ...direct,
      inputs: [
        {
          ...direct.inputs[0]!,
          witness: { signatures: [signInput(direct, 0, commit!.tx.outputs[htlcVout]!, htlcKey)], preimages: [] },
        },
      ],
    }
    expect(chainCode(() => chain.submit(signed))).toBe('CONDITION_NOT_SATISFIED')

    // her HTLC-timeout transaction is valid, and the HTLC fails upstream once it is mined
    claimOnChain(chain, pair, timeout)
    const minedAt = chain.height
    const after = spent(pair, pair.alice, commit!.txid, htlcVout, timeout.tx, chain)
    expect(events(after, 'htlc_failed').map((e) => e.type === 'htlc_failed' && e.htlc.id)).toEqual([id])
    // its output is alice's only after the delay bob imposed on her
    const [delayed] = broadcasts(after)
    expect(delayed!.label).toBe('htlc_delayed')
    expect(delayed!.validFromHeight).toBe(minedAt + c.remoteParams.toSelfDelay)
    mineTo(chain, pair, delayed!.validFromHeight - 2)
    expect(chainCode(() => chain.submit(delayed!.tx))).toBe('TIMELOCK_NOT_REACHED')
    claimOnChain(chain, pair, delayed!)
    spent(pair, pair.alice, timeout.txid, 0, delayed!.tx, chain)
    // with her to_local swept too, the channel is closed
    const toLocal = claims.find((b) => b.label === 'to_local_delayed')!
    expect(toLocal.validFromHeight).toBe(confirmedAt + c.remoteParams.toSelfDelay)
    claimOnChain(chain, pair, toLocal)
    expect(pair.alice.data.state).toBe('CLOSING')
    spent(pair, pair.alice, commit!.txid, toLocal.tx.inputs[0]!.prevout.vout, toLocal.tx, chain)
    expect(pair.alice.data.state).toBe('CLOSED')
  })

  it('the holder takes a received HTLC with its HTLC-success transaction once it learns the preimage', () => {
    const chain = new MemoryChain()
    const pair = openOnChain(chain, 300_000_000n)
    const cltv = chain.height + 40
    const { payment, id } = offerHtlc(pair, new SeededRng('success'), 30_000_000n, cltv)
    // bob closes before he knows the preimage: nothing for the HTLC yet, but he watches it
    const [commit] = broadcasts(pair.command(pair.bob, { type: 'force_close' })).filter((b) => b.label === 'commitment')
    chain.submit(commit!.tx)
    chain.mine(1)
    const bobClaims = broadcasts(fundingSpent(pair, pair.bob, commit!.tx, chain))
    expect(bobClaims.map((b) => b.label)).toEqual(['to_local_delayed'])
    const aliceClaims = broadcasts(fundingSpent(pair, pair.alice, commit!.tx, chain))
    expect(aliceClaims.map((b) => b.label).sort()).toEqual(['remote_htlc_timeout', 'to_remote'])
    // the preimage arrives (from downstream, where the node keeps it): bob's HTLC-success transaction, valid at once
    Object.assign(pair.ctx, {
      preimageFor: (hash: Uint8Array) => (toHex(hash) === toHex(payment.paymentHash) ? payment.preimage : undefined),
    })
    const learned = pair.command(pair.bob, { type: 'fulfill_htlc', id, preimage: payment.preimage })
    const [success] = broadcasts(learned)
    expect(success!.label).toBe('htlc_success')
    expect(success!.validFromHeight).toBeLessThanOrEqual(chain.height + 1)
    expect(success!.tx.outputs[0]!.value).toBe(30_000n - (FEERATE * HTLC_SUCCESS_WEIGHT) / 1000n)
    claimOnChain(chain, pair, success!)
    const htlcVout = success!.tx.inputs[0]!.prevout.vout
    // alice reads the preimage off bob's transaction: her payment succeeded
    const aliceSaw = spent(pair, pair.alice, commit!.txid, htlcVout, success!.tx, chain)
    const fulfilled = events(aliceSaw, 'htlc_fulfilled')
    expect(fulfilled.map((e) => e.type === 'htlc_fulfilled' && toHex(e.preimage))).toEqual([toHex(payment.preimage)])
    // bob sweeps the output after alice's delay on him
    const [delayed] = broadcasts(spent(pair, pair.bob, commit!.txid, htlcVout, success!.tx, chain))
    expect(delayed!.label).toBe('htlc_delayed')
    const bobDelay = commitmentsOf(pair.bob.data)!.remoteParams.toSelfDelay
    expect(delayed!.validFromHeight).toBe(chain.height + bobDelay)
    claimOnChain(chain, pair, delayed!)
  })

  it("a cheater's HTLC-success transaction mined first: the penalty takes its output at once, and the rest", () => {
    const chain = new MemoryChain()
    const pair = openOnChain(chain, 0n)
    const rng = new SeededRng('cheat with htlc')
    pay(pair, pair.alice, newPayment(rng, 300_000_000n))
    // bob pays alice; the state with his HTLC in it is the one alice will cheat with
    const payment = newPayment(rng, 50_000_000n)
    addHtlc(pair, pair.bob, payment, chain.height + 100)
    pair.command(pair.bob, { type: 'sign' })
    pair.deliverAll()
    const old: ChannelData = structuredClone(pair.alice.data)
    const oldCommitments = commitmentsOf(old)!
    const revoked = signedLocalCommitTx(oldCommitments, pair.alice.signer)
    const [cheat] = holderHtlcClaims(
      oldCommitments,
      pair.alice.signer,
      new Map([[toHex(payment.paymentHash), payment.preimage]]),
    )
    expect(cheat!.kind).toBe('htlc_success')
    // the payment completes: that state is revoked
    const received = pair.takeEvents(pair.alice, 'htlc_received')[0]!
    if (received.type !== 'htlc_received') throw new Error()
    pair.command(pair.alice, { type: 'fulfill_htlc', id: received.add.id, preimage: payment.preimage })
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    expect(pair.alice.revoked.has(txidOf(revoked))).toBe(true)
    // alice gets her revoked commitment and her HTLC-success transaction into one block
    chain.submit(revoked)
    chain.submit(cheat!.tx)
    chain.mine(1)
    const effects = pair.input(pair.bob, {
      type: 'output_spent',
      outpoint: commitmentsOf(pair.bob.data)!.funding.outpoint,
      tx: revoked,
      blockHeight: chain.height,
      revokedIndex: oldCommitments.localCommit.index,
    })
    const [penalty] = broadcasts(effects)
    expect(penalty!.label).toBe('penalty')
    // it counted on the HTLC output, which is gone
    expect(chainCode(() => chain.submit(penalty!.tx))).toBe('INPUT_ALREADY_SPENT')
    const htlcVout = cheat!.tx.inputs[0]!.prevout.vout
    const after = spent(pair, pair.bob, txidOf(revoked), htlcVout, cheat!.tx, chain)
    const again = broadcasts(after)
    expect(again.map((b) => b.label)).toEqual(['penalty', 'penalty'])
    // the second-stage output, long before alice's to_self_delay; and the commitment's other outputs
    const onSecondStage = again.find((b) => b.tx.inputs[0]!.prevout.txid === cheat!.txid)!
    const onCommitment = again.find((b) => b !== onSecondStage)!
    expect(onSecondStage.validFromHeight).toBeLessThanOrEqual(chain.height + 1)
    expect(onCommitment.tx.inputs).toHaveLength(revoked.outputs.length - 1)
    chain.submit(onSecondStage.tx)
    chain.submit(onCommitment.tx)
    chain.mine(1)
    // alice had fulfilled bob's HTLC off chain: the preimage on chain settles nothing twice
    expect(events(after, 'htlc_fulfilled')).toHaveLength(0)
    spent(pair, pair.bob, cheat!.txid, 0, onSecondStage.tx, chain)
    for (const input of onCommitment.tx.inputs)
      spent(pair, pair.bob, txidOf(revoked), input.prevout.vout, onCommitment.tx, chain)
    expect(pair.bob.data.state).toBe('CLOSED')
    // bob took every output of the revoked commitment less the fees: alice's HTLC-success and his two penalties'
    const taken = onSecondStage.tx.outputs[0]!.value + onCommitment.tx.outputs[0]!.value
    const onChain = revoked.outputs.reduce((s, o) => s + o.value, 0n)
    const successFee = (FEERATE * HTLC_SUCCESS_WEIGHT) / 1000n
    const sweepFee = (inputs: number): bigint => (FEERATE * SWEEP_TX_WEIGHT * BigInt(inputs)) / 1000n
    expect(taken).toBe(onChain - successFee - sweepFee(1) - sweepFee(revoked.outputs.length - 1))
  })
})
