/**
 * Blocks take the mempool in a canonical order (parents first, then by txid),
 * so the same transactions broadcast in a different order by racing processes
 * land at the same places in the block: short channel ids repeat from run to run.
 */
import { describe, expect, it } from 'vitest'
import { sig } from '../../../src/chain/condition.js'
import { MemoryChain } from '../../../src/chain/memoryChain.js'
import { txid as txidOf, type Transaction } from '../../../src/chain/transaction.js'
import { alice, bob, pub, signed, unsigned, type Spendable } from './helpers.js'

/** Five independent payments and one child spending the first of them, built once so both chains get the same bytes. */
function transactions(chain: MemoryChain): { independent: Transaction[]; child: Transaction } {
  const coins: Spendable[] = Array.from({ length: 5 }, (_, i) =>
    chain.fund(sig(pub(alice)), 100_000n + BigInt(i), { confirm: true }),
  )
  const independent = coins.map((c) =>
    signed(unsigned([c], [{ value: c.output.value - 500n, condition: sig(pub(bob)) }]), [c], [[alice]]),
  )
  const parent = independent[0]!
  const child = signed(
    unsigned(
      [{ outpoint: { txid: txidOf(parent), vout: 0 }, output: parent.outputs[0]! }],
      [{ value: parent.outputs[0]!.value - 500n, condition: sig(pub(alice)) }],
    ),
    [{ outpoint: { txid: txidOf(parent), vout: 0 }, output: parent.outputs[0]! }],
    [[bob]],
  )
  return { independent, child }
}

/** Chains with the same premine key and genesis give the same coins, so the transactions above are valid on each. */
function sameChain(): MemoryChain {
  return new MemoryChain({ faucetKey: new Uint8Array(32).fill(9), genesisTime: 1_700_000_000 })
}

function mined(order: Transaction[], seedChain: (c: MemoryChain) => void): string[] {
  const chain = sameChain()
  seedChain(chain)
  for (const tx of order) chain.submit(tx)
  return chain.mine(1)[0]!.txs.slice(1).map(txidOf)
}

describe('mining order', () => {
  it('is the same whatever order the transactions arrived in: parents first, otherwise by txid', () => {
    const { independent, child } = transactions(sameChain())
    const fund = (c: MemoryChain): void => void transactions(c)
    const first = mined([...independent, child], fund)
    const second = mined(
      [independent[3]!, independent[0]!, child, independent[4]!, independent[1]!, independent[2]!],
      fund,
    )
    expect(second).toEqual(first)

    const parentId = txidOf(independent[0]!)
    const childId = txidOf(child)
    expect(first.indexOf(parentId)).toBeLessThan(first.indexOf(childId))
    // apart from the child waiting for its parent, ascending txids
    const withoutChild = first.filter((t) => t !== childId)
    expect(withoutChild).toEqual([...withoutChild].sort())
  })
})
