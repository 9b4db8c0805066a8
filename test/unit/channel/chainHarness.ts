/** A channel pair whose funding is on a MemoryChain, and helpers to get its claims mined. */
import { expect } from 'vitest'
import { sig, type Condition } from '../../../src/chain/condition.js'
import type { MemoryChain } from '../../../src/chain/memoryChain.js'
import { emptyWitness, signInput, txid as txidOf, type Transaction } from '../../../src/chain/transaction.js'
import { publicKeyOf } from '../../../src/crypto/secp256k1.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import type { ChannelEffect } from '../../../src/channel/io.js'
import { openPair, type Pair, type Side } from './harness.js'

const WALLET_KEY = new Uint8Array(32).fill(0x61)

/** The funder's wallet: a faucet coin spent into the funding output, change back. */
function walletFunder(chain: MemoryChain) {
  return (amountSat: bigint, condition: Condition): Transaction => {
    const walletCondition = sig(publicKeyOf(WALLET_KEY))
    const coin = chain.fund(walletCondition, amountSat + 10_000n, { confirm: true })
    const unsigned: Transaction = {
      version: 2,
      lockTime: 0,
      inputs: [{ prevout: coin.outpoint, witness: emptyWitness() }],
      outputs: [
        { value: amountSat, condition },
        { value: 9_000n, condition: walletCondition },
      ],
    }
    return {
      ...unsigned,
      inputs: [
        {
          prevout: coin.outpoint,
          witness: { signatures: [signInput(unsigned, 0, coin.output, WALLET_KEY)], preimages: [] },
        },
      ],
    }
  }
}

/** Opens a channel whose funding really is on the mock chain, confirmed at the height the channel is told. */
export function openOnChain(chain: MemoryChain, pushMsat: bigint): Pair {
  const pair = openPair({ fundingSat: 1_000_000n, pushMsat, fund: walletFunder(chain), confirm: false })
  const funding = pair.alice.effects.find((e) => e.type === 'broadcast' && e.label === 'funding')
  if (funding?.type !== 'broadcast') throw new Error('no funding broadcast')
  chain.submit(funding.tx)
  const [block] = chain.mine(1)
  pair.height = block!.height
  const txIndex = block!.txs.findIndex((t) => txidOf(t) === funding.txid)
  for (const side of [pair.alice, pair.bob])
    pair.input(side, { type: 'tx_confirmed', txid: funding.txid, blockHeight: block!.height, txIndex })
  pair.deliverAll()
  expect(pair.alice.data.state).toBe('NORMAL')
  return pair
}

export function broadcasts(effects: ChannelEffect[]) {
  return effects.flatMap((e) => (e.type === 'broadcast' ? [e] : []))
}

/** Mines until the chain is at `height`, keeping the pair's clock in step. */
export function mineTo(chain: MemoryChain, pair: Pair, height: number): void {
  if (chain.height < height) chain.mine(height - chain.height)
  pair.height = chain.height
}

/** Submits a claim once the chain allows it, then mines it. */
export function claimOnChain(chain: MemoryChain, pair: Pair, b: { tx: Transaction; validFromHeight: number }): void {
  // the mempool takes a transaction that is valid in the next block
  mineTo(chain, pair, b.validFromHeight - 1)
  chain.submit(b.tx)
  chain.mine(1)
  pair.height = chain.height
}

export function fundingSpent(pair: Pair, side: Side, tx: Transaction, chain: MemoryChain): ChannelEffect[] {
  const c = commitmentsOf(side.data)!
  return pair.input(side, { type: 'output_spent', outpoint: c.funding.outpoint, tx, blockHeight: chain.height })
}
