/**
 * A whole mock chain in memory, for tests and benchmarks: the daemon's own
 * ChainState and Faucet without the disk and the HTTP. Fund a condition, submit
 * transactions (rejections throw ChainRuleError, as the daemon's 422s carry),
 * mine blocks.
 *
 *   const chain = new MemoryChain()
 *   const { outpoint, output } = chain.fund(all(sig(a), sig(b)), 1_000_000n)
 *   chain.mine(1)
 *   chain.submit(spendingTx)
 */
import type { Sat } from '../core/amount.js'
import { publicKeyOf, randomPrivateKey } from '../crypto/secp256k1.js'
import { genesisBlock, type Block } from './block.js'
import { sig, type Condition } from './condition.js'
import { ChainState, type ChainStateOptions } from './chainState.js'
import { Faucet, type FaucetPayment } from './faucet.js'
import type { OutPoint } from './transaction.js'
import type { Coin } from './validate.js'

export interface MemoryChainOptions extends ChainStateOptions {
  /** the premine's key (random by default) */
  faucetKey?: Uint8Array
  /** genesis time in unix seconds (now by default) */
  genesisTime?: number
}

export class MemoryChain extends ChainState {
  readonly faucet: Faucet

  constructor(options: MemoryChainOptions = {}) {
    const key = options.faucetKey ?? randomPrivateKey()
    super(genesisBlock(sig(publicKeyOf(key)), options.genesisTime ?? Math.floor(Date.now() / 1000)), options)
    this.faucet = new Faucet(this, key)
  }

  /** Pays `sat` to `condition` from the faucet; with confirm, mines a block so the output has one confirmation. */
  fund(condition: Condition, sat: Sat, options: { confirm?: boolean } = {}): FaucetPayment {
    const payment = this.faucet.pay(condition, sat)
    if (options.confirm) this.mine(1)
    return payment
  }

  /** Mines `count` blocks (one by default), paying the faucet unless told otherwise. */
  override mine(count = 1, miner: Condition = this.faucet.condition): Block[] {
    return super.mine(count, miner)
  }

  /** An unspent output (confirmed, or created in the mempool), as validation sees it. */
  getUtxo(outpoint: OutPoint): Coin | undefined {
    return this.coin(outpoint)
  }
}
