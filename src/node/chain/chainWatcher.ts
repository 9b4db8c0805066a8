/**
 * Follows the mock chain block by block (catching up on what it missed while
 * stopped) and tells channels what they watch for: a transaction reaching its
 * depth, an output being spent. Progress is persisted, so a restart resumes at
 * the first block not yet processed and no spend is ever missed.
 */
import { outpointKey, type OutPoint, type Transaction } from '../../chain/transaction.js'
import type { KvLog } from '../store/durableStore.js'
import type { Logger } from '../logger.js'
import type { ChainAccess } from './chainAccess.js'

export interface WatchState {
  lastHeight: number
  spent: Record<string, { channel: string; outpoint: OutPoint }>
  confirmed: Record<string, { channel: string; depth: number; blockHeight?: number; txIndex?: number }>
}

export interface WatcherEvents {
  onBlock(height: number): void
  onConfirmed(channel: string, txid: string, blockHeight: number, txIndex: number): void
  onSpent(channel: string, outpoint: OutPoint, tx: Transaction, txid: string, blockHeight: number): void
  /** every transaction of every block, for the wallet, the broadcaster and gossip */
  onTransactions(txids: string[], height: number, txs: Transaction[]): void
}

const KEY = 'watch'

export class ChainWatcher {
  private state: WatchState
  private tip = 0
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly chain: ChainAccess,
    private readonly store: KvLog<WatchState>,
    private readonly events: WatcherEvents,
    private readonly log: Logger,
    startHeight: number,
  ) {
    this.state = store.get(KEY) ?? { lastHeight: startHeight, spent: {}, confirmed: {} }
  }

  get height(): number {
    return Math.max(this.tip, this.state.lastHeight)
  }

  get processedHeight(): number {
    return this.state.lastHeight
  }

  watchSpent(outpoint: OutPoint, channel: string): void {
    this.state.spent[outpointKey(outpoint)] = { channel, outpoint }
    this.save()
  }

  watchConfirmed(txid: string, depth: number, channel: string): void {
    const known = this.state.confirmed[txid]
    this.state.confirmed[txid] = { ...known, channel, depth }
    this.save()
    // already mined: it may be deep enough now
    if (known?.blockHeight !== undefined) this.checkDepths()
  }

  /** Drops every watch of a channel that is forgotten (an opening that never reached the chain). */
  forget(channel: string): void {
    const spent = Object.keys(this.state.spent).filter((k) => this.state.spent[k]!.channel === channel)
    const confirmed = Object.keys(this.state.confirmed).filter((k) => this.state.confirmed[k]!.channel === channel)
    if (spent.length === 0 && confirmed.length === 0) return
    for (const k of spent) delete this.state.spent[k]
    for (const k of confirmed) delete this.state.confirmed[k]
    this.save()
  }

  private save(): void {
    this.store.set(KEY, this.state)
  }

  /** Catches up to the tip, then follows new blocks until the signal aborts. */
  async start(signal: AbortSignal): Promise<void> {
    this.tip = await this.chain.tipHeight()
    await this.enqueue(this.tip)
    this.chain.followBlocks((height) => {
      this.tip = Math.max(this.tip, height)
      void this.enqueue(height)
    }, signal)
  }

  /** Blocks are processed one at a time, in order, whatever order notifications arrive in. */
  enqueue(upTo: number): Promise<void> {
    this.queue = this.queue.then(async () => {
      while (this.state.lastHeight < upTo) {
        const height = this.state.lastHeight + 1
        try {
          await this.processBlock(height)
        } catch (err) {
          this.log.warn('could not process block; will retry on the next one', {
            height,
            error: (err as Error).message,
          })
          return
        }
      }
    })
    return this.queue
  }

  private async processBlock(height: number): Promise<void> {
    const block = await this.chain.block(height)
    block.txs.forEach((tx, txIndex) => {
      const txid = block.txids[txIndex]!
      for (const input of tx.inputs) {
        const key = outpointKey(input.prevout)
        const w = this.state.spent[key]
        if (w) {
          delete this.state.spent[key]
          this.events.onSpent(w.channel, w.outpoint, tx, txid, height)
        }
      }
      const c = this.state.confirmed[txid]
      if (c) this.state.confirmed[txid] = { ...c, blockHeight: height, txIndex }
    })
    this.state.lastHeight = height
    this.checkDepths()
    this.save()
    this.events.onTransactions(block.txids, height, block.txs)
    this.events.onBlock(height)
  }

  private checkDepths(): void {
    for (const [txid, c] of Object.entries(this.state.confirmed)) {
      if (c.blockHeight === undefined || c.txIndex === undefined) continue
      if (this.state.lastHeight - c.blockHeight + 1 >= c.depth) {
        delete this.state.confirmed[txid]
        this.events.onConfirmed(c.channel, txid, c.blockHeight, c.txIndex)
      }
    }
  }
}
