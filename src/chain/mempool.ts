/**
 * Transactions accepted but not yet mined, in the order they were accepted.
 * A transaction may spend another mempool transaction's output, and it can only
 * have been accepted after that parent, so acceptance order is a valid mining
 * order. No replacement: the first spend of an output wins.
 *
 * Blocks take the mempool in a canonical order instead (parents first, then by
 * txid), as a miner is free to: a transaction's place in its block (and so a
 * channel's short_channel_id) then does not depend on which of several
 * processes broadcast first, and a seeded network mines the same blocks.
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

  /** Every transaction, parents before the transactions spending them, and otherwise by txid. */
  miningOrder(): MempoolEntry[] {
    const entries = [...this.entries.values()]
    const waitingOn = new Map<string, number>()
    const children = new Map<string, string[]>()
    for (const e of entries) {
      const parents = new Set(e.tx.inputs.map((i) => i.prevout.txid).filter((txid) => this.entries.has(txid)))
      waitingOn.set(e.txid, parents.size)
      for (const p of parents) children.set(p, [...(children.get(p) ?? []), e.txid])
    }
    const byTxid = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
    const ready = entries
      .filter((e) => waitingOn.get(e.txid) === 0)
      .map((e) => e.txid)
      .sort(byTxid)
    const order: MempoolEntry[] = []
    while (ready.length > 0) {
      const txid = ready.shift()!
      order.push(this.entries.get(txid)!)
      for (const child of children.get(txid) ?? []) {
        const left = waitingOn.get(child)! - 1
        waitingOn.set(child, left)
        if (left === 0) {
          // keep `ready` sorted: the smallest txid whose parents are all placed goes next
          let at = ready.findIndex((t) => t > child)
          if (at < 0) at = ready.length
          ready.splice(at, 0, child)
        }
      }
    }
    return order
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
    entry.tx.inputs.forEach((input, inputIndex) =>
      this.spenders.set(outpointKey(input.prevout), { txid: entry.txid, inputIndex }),
    )
  }

  /** Empties the mempool, returning what it held in mining order. */
  drain(): MempoolEntry[] {
    const all = this.all()
    this.entries.clear()
    this.spenders.clear()
    return all
  }
}
