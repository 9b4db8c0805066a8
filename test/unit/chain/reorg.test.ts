/**
 * A reorganization: the last blocks are replaced by one more new ones; their
 * transactions are mined again (or, left out, wait in the mempool); nothing
 * is lost or made, and listeners hear of the fork before the new blocks.
 */
import { describe, expect, it } from 'vitest'
import { sig } from '../../../src/chain/condition.js'
import { MemoryChain } from '../../../src/chain/memoryChain.js'
import { alice, bob, pub, signed, unsigned, type Spendable } from './helpers.js'

function pay(chain: MemoryChain, coin: Spendable, value: bigint): { txid: string; coin: Spendable } {
  const tx = signed(unsigned([coin], [{ value, condition: sig(pub(bob)) }]), [coin], [[alice]])
  const { txid } = chain.submit(tx)
  return { txid, coin: { outpoint: { txid, vout: 0 }, output: tx.outputs[0]! } }
}

function valueOf(chain: MemoryChain, who: Uint8Array): bigint {
  return chain.unspentWithCondition(sig(pub(who))).reduce((s, u) => s + u.output.value, 0n)
}

describe('a reorganization', () => {
  it('replaces the last blocks, mines their transactions again, and hands the new branch to listeners', () => {
    const chain = new MemoryChain()
    const coin = chain.fund(sig(pub(alice)), 100_000n, { confirm: true })
    const { txid } = pay(chain, coin, 99_000n)
    chain.mine(3)
    const old = chain.blockRange(chain.height - 2).map((b) => b.hash)
    const heard: string[] = []
    chain.onReorg((r) => heard.push(`reorg at ${r.forkHeight}`))
    chain.onBlock((b) => heard.push(`block ${b.block.height}`))
    const r = chain.reorg(3, new Set(), chain.faucet.condition)
    expect(r.forkHeight).toBe(chain.height - 4)
    expect(r.replaced).toEqual(old)
    expect(r.blocks.map((b) => b.hash)).not.toContain(old[0])
    expect(heard).toEqual([`reorg at ${r.forkHeight}`, ...r.blocks.map((b) => `block ${b.height}`)])
    expect(chain.transaction(txid)).toMatchObject({ status: 'confirmed', blockHeight: r.forkHeight + 1 })
    expect(valueOf(chain, bob)).toBe(99_000n)
  })

  it("keeps the faucet's count of what it paid out: a payment mined twice is paid once", () => {
    const chain = new MemoryChain()
    chain.fund(sig(pub(alice)), 100_000n, { confirm: true })
    chain.mine(1)
    expect(chain.faucet.paidOut).toBe(100_000n)
    chain.reorg(2, new Set(), chain.faucet.condition)
    expect(chain.faucet.paidOut).toBe(100_000n)
    const r = chain.reorg(1, new Set(), chain.faucet.condition)
    expect(r.invalidated).toEqual([])
    expect(chain.faucet.paidOut).toBe(100_000n)
  })

  it('leaves a transaction and what spends it in the mempool, unconfirmed, to be mined later', () => {
    const chain = new MemoryChain()
    const coin = chain.fund(sig(pub(alice)), 100_000n, { confirm: true })
    const first = pay(chain, coin, 99_000n)
    chain.mine(1)
    const second = signed(
      unsigned([first.coin], [{ value: 98_000n, condition: sig(pub(alice)) }]),
      [first.coin],
      [[bob]],
    )
    const { txid: child } = chain.submit(second)
    chain.mine(1)
    const r = chain.reorg(2, new Set([first.txid]), chain.faucet.condition)
    expect(r.leftOut).toEqual([first.txid, child])
    expect(chain.transaction(first.txid)?.status).toBe('mempool')
    expect(chain.transaction(child)?.status).toBe('mempool')
    expect(chain.blockRange(r.forkHeight + 1).flatMap((b) => b.txs)).toHaveLength(3)
    chain.mine(1)
    expect(chain.transaction(child)).toMatchObject({ status: 'confirmed', blockHeight: r.forkHeight + 4 })
    expect(valueOf(chain, alice)).toBe(98_000n)
  })

  it('refuses a depth it cannot make and a transaction not in the blocks replaced', () => {
    const chain = new MemoryChain()
    chain.mine(2)
    expect(() => chain.reorg(0, new Set(), chain.faucet.condition)).toThrow(
      expect.objectContaining({ code: 'INVALID_REORG' }),
    )
    expect(() => chain.reorg(3, new Set(), chain.faucet.condition)).toThrow(/replaces 1 to 2 blocks/)
    expect(() => chain.reorg(1, new Set(['ab'.repeat(32)]), chain.faucet.condition)).toThrow(/not theirs to leave out/)
    expect(chain.height).toBe(2)
  })
})
