import { describe, expect, it } from 'vitest'
import { sig } from '../../../src/chain/condition.js'
import { blockHash, blockSubsidy, GENESIS_PREMINE_SAT, HALVING_INTERVAL } from '../../../src/chain/block.js'
import { MemoryChain } from '../../../src/chain/memoryChain.js'
import { txid as txidOf } from '../../../src/chain/transaction.js'
import { alice, bob, carol, expectRule, pub, signed, unsigned, type Spendable } from './helpers.js'

describe('mempool and mining', () => {
  it('accepts a chain of unconfirmed transactions and mines them in dependency order', () => {
    const chain = new MemoryChain()
    let coin: Spendable = chain.fund(sig(pub(alice)), 100_000n)
    const txids = [coin.outpoint.txid]
    for (let i = 0; i < 5; i++) {
      const value = coin.output.value - 1_000n
      const tx = signed(unsigned([coin], [{ value, condition: sig(pub(alice)) }]), [coin], [[alice]])
      const entry = chain.submit(tx)
      txids.push(entry.txid)
      coin = { outpoint: { txid: entry.txid, vout: 0 }, output: tx.outputs[0]! }
    }
    expect(chain.mempool.size).toBe(6)
    const [block] = chain.mine(1)
    expect(block!.txs.slice(1).map(txidOf)).toEqual(txids)
    expect(chain.mempool.size).toBe(0)
    expect(chain.transaction(txids[5]!)).toMatchObject({
      status: 'confirmed',
      blockHeight: 1,
      confirmations: 1,
      fee: 1_000n,
    })
  })

  it('pays subsidy plus fees to the coinbase', () => {
    const chain = new MemoryChain()
    const coin = chain.fund(sig(pub(alice)), 100_000n, { confirm: true })
    chain.submit(signed(unsigned([coin], [{ value: 97_500n, condition: sig(pub(bob)) }]), [coin], [[alice]]))
    const [block] = chain.mine(1, sig(pub(carol)))
    expect(block!.txs[0]!.outputs).toEqual([
      { value: blockSubsidy(block!.height) + 2_500n, condition: sig(pub(carol)) },
    ])
    expect(chain.unspentWithCondition(sig(pub(carol))).map((u) => u.output.value)).toEqual([5_000_002_500n])
  })

  it('halves the subsidy every 150 blocks, as regtest does', () => {
    expect(blockSubsidy(1)).toBe(5_000_000_000n)
    expect(blockSubsidy(HALVING_INTERVAL - 1)).toBe(5_000_000_000n)
    expect(blockSubsidy(HALVING_INTERVAL)).toBe(2_500_000_000n)
    expect(blockSubsidy(HALVING_INTERVAL * 64)).toBe(0n)
  })

  it('links blocks by hash; the chain hash is the genesis hash, whose coinbase is the premine', () => {
    const chain = new MemoryChain()
    const blocks = chain.mine(3)
    expect(chain.chainHash).toBe(chain.block(0)!.hash)
    expect(chain.block(0)!.txs[0]!.outputs[0]!.value).toBe(GENESIS_PREMINE_SAT)
    for (const b of blocks) {
      expect(b.prevHash).toBe(chain.block(b.height - 1)!.hash)
      expect(blockHash(b)).toBe(b.hash)
      expect(chain.block(b.hash)).toBe(b)
      expect(b.time).toBeGreaterThanOrEqual(chain.block(b.height - 1)!.time)
    }
  })

  it('shows who spent an output and where', () => {
    const chain = new MemoryChain()
    const coin = chain.fund(sig(pub(alice)), 100_000n, { confirm: true })
    const tx = signed(unsigned([coin], [{ value: 100_000n, condition: sig(pub(bob)) }]), [coin], [[alice]])
    const { txid } = chain.submit(tx)
    expect(chain.output(coin.outpoint)?.spender).toEqual({ txid, inputIndex: 0, height: null })
    chain.mine(1)
    expect(chain.output(coin.outpoint)?.spender).toEqual({ txid, inputIndex: 0, height: chain.height })
    expect(chain.output({ txid, vout: 0 })).toMatchObject({ height: chain.height, spender: undefined })
  })

  it("counts what the faucet paid out, confirmed or not, and not its change or the miners' rewards", () => {
    const chain = new MemoryChain()
    chain.fund(sig(pub(alice)), 1_000n, { confirm: true })
    chain.fund(sig(pub(bob)), 2_000n)
    chain.mine(1, sig(pub(carol)))
    chain.fund(sig(pub(bob)), 4_000n)
    expect(chain.faucet.paidOut).toBe(7_000n)
    // a faucet can spend unconfirmed change, so many payments fit in one block
    for (let i = 0; i < 10; i++) chain.fund(sig(pub(alice)), 1n)
    chain.mine(1)
    expect(chain.faucet.paidOut).toBe(7_010n)
  })

  it('the faucet refuses more than it can spend', () => {
    const chain = new MemoryChain()
    expect(() => chain.fund(sig(pub(alice)), GENESIS_PREMINE_SAT + 1n)).toThrow(
      expect.objectContaining({ code: 'FAUCET_EMPTY' }),
    )
    expect(() => chain.fund(sig(pub(alice)), 0n)).toThrow(expect.objectContaining({ code: 'INVALID_AMOUNT' }))
  })

  it('an output spent in the mempool is no longer offered as unspent', () => {
    const chain = new MemoryChain()
    const coin = chain.fund(sig(pub(alice)), 100_000n)
    expect(chain.unspentWithCondition(sig(pub(alice)))).toHaveLength(1)
    chain.submit(signed(unsigned([coin], [{ value: 100_000n, condition: sig(pub(bob)) }]), [coin], [[alice]]))
    expect(chain.unspentWithCondition(sig(pub(alice)))).toHaveLength(0)
    expectRule(
      () => chain.submit(signed(unsigned([coin], [{ value: 1n, condition: sig(pub(bob)) }]), [coin], [[alice]])),
      'MEMPOOL_CONFLICT',
    )
  })
})
