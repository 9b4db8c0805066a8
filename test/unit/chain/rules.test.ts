import { beforeEach, describe, expect, it } from 'vitest'
import { sig } from '../../../src/chain/condition.js'
import { MemoryChain } from '../../../src/chain/memoryChain.js'
import { validateTransaction } from '../../../src/chain/validate.js'
import { txid as txidOf, type Transaction } from '../../../src/chain/transaction.js'
import { alice, bob, carol, expectRule, pub, signed, unsigned, type Spendable } from './helpers.js'

// One test per rejection code: each transaction is valid except for the one thing the test breaks,
// and the same transaction with that thing fixed is accepted.
describe('each chain rule has its own code', () => {
  let chain: MemoryChain
  let coin: Spendable
  const toBob = (value = 90_000n) => [{ value, condition: sig(pub(bob)) }]
  const spend = (outputs = toBob(), lockTime = 0): Transaction =>
    signed(unsigned([coin], outputs, lockTime), [coin], [[alice]])

  beforeEach(() => {
    chain = new MemoryChain()
    coin = chain.fund(sig(pub(alice)), 100_000n, { confirm: true })
  })

  it('MALFORMED_TRANSACTION: a zero-value output', () => {
    expectRule(() => chain.submit(spend([{ value: 0n, condition: sig(pub(bob)) }])), 'MALFORMED_TRANSACTION')
    chain.submit(spend())
  })

  it('MALFORMED_TRANSACTION: a transaction without inputs (a coinbase) cannot be submitted', () => {
    expectRule(() => chain.submit({ version: 2, lockTime: 0, inputs: [], outputs: toBob() }), 'MALFORMED_TRANSACTION')
  })

  it('ALREADY_KNOWN: the same transaction twice, in the mempool and once mined', () => {
    const tx = spend()
    chain.submit(tx)
    expectRule(() => chain.submit(tx), 'ALREADY_KNOWN')
    chain.mine(1)
    expectRule(() => chain.submit(tx), 'ALREADY_KNOWN')
  })

  it('UNKNOWN_INPUT: an outpoint no transaction created', () => {
    const ghost = { outpoint: { txid: 'ab'.repeat(32), vout: 0 }, output: coin.output }
    expectRule(() => chain.submit(signed(unsigned([ghost], toBob()), [ghost], [[alice]])), 'UNKNOWN_INPUT')
    const past = { outpoint: { ...coin.outpoint, vout: 7 }, output: coin.output }
    expectRule(() => chain.submit(signed(unsigned([past], toBob()), [past], [[alice]])), 'UNKNOWN_INPUT')
  })

  it('INPUT_ALREADY_SPENT: an output a block already spent, with who spent it', () => {
    const first = chain.submit(spend())
    chain.mine(1)
    const err = expectRule(() => chain.submit(spend(toBob(80_000n))), 'INPUT_ALREADY_SPENT')
    expect(err.details).toMatchObject({ inputIndex: 0, spentBy: first.txid, spentAtHeight: chain.height })
  })

  it('MEMPOOL_CONFLICT: a second spend of an output spent in the mempool (no replacement, even paying more)', () => {
    const first = chain.submit(spend())
    const err = expectRule(() => chain.submit(spend(toBob(50_000n))), 'MEMPOOL_CONFLICT')
    expect(err.details).toMatchObject({ inputIndex: 0, conflictsWith: first.txid })
    chain.mine(1)
    expect(chain.transaction(first.txid)?.status).toBe('confirmed')
  })

  it('IMMATURE_COINBASE: a coinbase output waits 100 blocks; the genesis premine does not', () => {
    const [block] = chain.mine(1, sig(pub(alice)))
    const cb = { outpoint: { txid: txidOf(block!.txs[0]!), vout: 0 }, output: block!.txs[0]!.outputs[0]! }
    const tx = signed(unsigned([cb], toBob(1_000n)), [cb], [[alice]])
    chain.mine(98)
    // the next block is coinbase height + 99
    const err = expectRule(() => chain.submit(tx), 'IMMATURE_COINBASE')
    expect(err.details).toMatchObject({ spendableFromHeight: block!.height + 100 })
    chain.mine(1)
    chain.submit(tx)
  })

  it('OUTPUTS_EXCEED_INPUTS: one satoshi more out than in', () => {
    expectRule(() => chain.submit(spend(toBob(100_001n))), 'OUTPUTS_EXCEED_INPUTS')
    chain.submit(spend(toBob(100_000n)))
  })

  it('TIMELOCK_NOT_REACHED: a lockTime that is not final for the next block', () => {
    const tx = spend(toBob(), chain.height + 1)
    const err = expectRule(() => chain.submit(tx), 'TIMELOCK_NOT_REACHED')
    expect(err.details).toMatchObject({ validFromHeight: chain.height + 2 })
    chain.mine(1)
    chain.submit(tx)
  })

  it('CONDITION_NOT_SATISFIED: no signature', () => {
    expectRule(() => chain.submit(unsigned([coin], toBob())), 'CONDITION_NOT_SATISFIED')
  })

  it('INVALID_SIGNATURE: the right key signing something else', () => {
    const tx = spend()
    const other = spend(toBob(89_999n))
    tx.inputs[0]!.witness.signatures[0] = other.inputs[0]!.witness.signatures[0]!
    const err = expectRule(() => chain.submit(tx), 'INVALID_SIGNATURE')
    expect(err.details.inputIndex).toBe(0)
  })

  it('UNUSED_WITNESS_ITEM: a valid signature by a key the condition does not name, or an unasked preimage', () => {
    const tx = signed(unsigned([coin], toBob()), [coin], [[alice, carol]])
    expectRule(() => chain.submit(tx), 'UNUSED_WITNESS_ITEM')
    const withPreimage = spend()
    withPreimage.inputs[0]!.witness.preimages.push(new Uint8Array(32))
    expectRule(() => chain.submit(withPreimage), 'UNUSED_WITNESS_ITEM')
  })

  it('reports the input that broke the rule', () => {
    const second = chain.fund(sig(pub(bob)), 5_000n, { confirm: true })
    const tx = signed(unsigned([coin, second], toBob(100_000n)), [coin, second], [[alice], [alice]])
    const err = expectRule(() => chain.submit(tx), 'UNUSED_WITNESS_ITEM')
    expect(err.details.inputIndex).toBe(1)
    chain.submit(signed(unsigned([coin, second], toBob(100_000n)), [coin, second], [[alice], [bob]]))
  })

  it('validateTransaction works on any UTXO view, without a chain', () => {
    const view = {
      coin: (o: { txid: string; vout: number }) =>
        o.txid === coin.outpoint.txid && o.vout === coin.outpoint.vout
          ? { output: coin.output, height: 5, coinbase: false }
          : undefined,
    }
    const v = validateTransaction(spend(), view, { height: 10 })
    expect(v.fee).toBe(10_000n)
    expectRule(() => validateTransaction(spend(toBob(100_001n)), view, { height: 10 }), 'OUTPUTS_EXCEED_INPUTS')
  })
})
