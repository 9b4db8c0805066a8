/**
 * Transactions accepted but not yet mined, in the order they were accepted.
 * A transaction may spend another mempool transaction's output, and it can only
 * have been accepted after that parent, so acceptance order is a valid mining
 * order. No replacement: the first spend of an output wins.
 */
import type { Sat } from '../core/amount.js'
import { outpointKey, type OutPoint, type Transaction } from './transaction.js'
import type { Coin, Spender } from './validate.js'

export interface MempoolEntry {
  txid: string
  tx: Transaction
  fee: Sat
  /** the coins its inputs spend, in input order */
  spent: Coin[]
  /** unix seconds when accepted */
  time: number
}

export class Mempool {
  private readonly entries = new Map<string, MempoolEntry>()
  private readonly spenders = new Map<string, { txid: string; inputIndex: number }>()

  get size(): number {
    return this.entries.size
  }

  has(txid: string): boolean {
    return this.entries.has(txid)
  }

  get(txid: string): MempoolEntry | undefined {
    return this.entries.get(txid)
  }

  /** In acceptance order, which is dependency order. */
  all(): MempoolEntry[] {
    return [...this.entries.values()]
  }

  /** An output created by a mempool transaction (spent or not). */
  coin(outpoint: OutPoint): Coin | undefined {
    const output = this.entries.get(outpoint.txid)?.tx.outputs[outpoint.vout]
    return output ? { output, height: null, coinbase: false } : undefined
  }

  spenderOf(outpoint: OutPoint): Spender | undefined {
    const s = this.spenders.get(outpointKey(outpoint))
    return s ? { ...s, height: null } : undefined
  }

  /** The caller has validated the transaction against the chain and this mempool. */
  add(entry: MempoolEntry): void {
    this.entries.set(entry.txid, entry)
    entry.tx.inputs.forEach((input, inputIndex) => this.spenders.set(outpointKey(input.prevout), { txid: entry.txid, inputIndex }))
  }

  /** Empties the mempool, returning what it held in mining order. */
  drain(): MempoolEntry[] {
    const all = this.all()
    this.entries.clear()
    this.spenders.clear()
    return all
  }
}
