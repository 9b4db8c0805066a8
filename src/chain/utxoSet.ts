/**
 * The confirmed state of the chain's outputs: which are unspent, who spent the
 * others and in which block, and an index of unspent outputs by condition (for
 * "which outputs pay this address"). Blocks only ever add to it: the mock chain
 * has no reorganisations.
 */
import { toHex } from '../core/bytes.js'
import { encodeCondition, type Condition } from './condition.js'
import { isCoinbase, outpointKey, type OutPoint, type Transaction } from './transaction.js'
import type { Coin, Spender } from './validate.js'

export interface UnspentOutput extends Coin {
  outpoint: OutPoint
}

export function conditionKey(c: Condition): string {
  return toHex(encodeCondition(c))
}

export class UtxoSet {
  private readonly unspent = new Map<string, UnspentOutput>()
  private readonly spenders = new Map<string, Spender>()
  private readonly byCondition = new Map<string, Set<string>>()

  coin(outpoint: OutPoint): UnspentOutput | undefined {
    return this.unspent.get(outpointKey(outpoint))
  }

  spenderOf(outpoint: OutPoint): Spender | undefined {
    return this.spenders.get(outpointKey(outpoint))
  }

  /** Unspent outputs locked by exactly this condition. */
  withCondition(condition: Condition): UnspentOutput[] {
    const keys = this.byCondition.get(conditionKey(condition))
    return keys ? [...keys].map((k) => this.unspent.get(k)!) : []
  }

  /**
   * Spends the transaction's inputs and adds its outputs, returning the coins it spent.
   * Throws when an input is not unspent: blocks are validated before they get here, so that means a corrupt store.
   */
  apply(tx: Transaction, txid: string, height: number): UnspentOutput[] {
    const spent = tx.inputs.map((input, inputIndex) => {
      const key = outpointKey(input.prevout)
      const coin = this.unspent.get(key)
      if (!coin) throw new Error(`block ${height} spends ${key}, which is not an unspent output`)
      this.unspent.delete(key)
      const ck = conditionKey(coin.output.condition)
      const set = this.byCondition.get(ck)
      set?.delete(key)
      if (set?.size === 0) this.byCondition.delete(ck)
      this.spenders.set(key, { txid, inputIndex, height })
      return coin
    })
    const coinbase = isCoinbase(tx)
    tx.outputs.forEach((output, vout) => {
      const outpoint = { txid, vout }
      const key = outpointKey(outpoint)
      this.unspent.set(key, { outpoint, output, height, coinbase })
      const ck = conditionKey(output.condition)
      let set = this.byCondition.get(ck)
      if (!set) this.byCondition.set(ck, (set = new Set()))
      set.add(key)
    })
    return spent
  }
}
