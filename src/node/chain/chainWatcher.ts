/**
 * Follows the mock chain block by block and tells channels what they watch
 * for: a transaction reaching its depth, an output being spent. The chain is
 * told what the node watches (its channels' outpoints and transactions, and
 * what the node broadcasts) and sends each block's header with only the
 * matching transactions, so a block costs the node, and the chain, what
 * concerns this node rather than the whole block. Progress is persisted; a
 * restart registers again from the first block not yet processed, so no spend
 * is ever missed.
 */
import { outpointKey, type OutPoint, type Transaction } from '../../chain/transaction.js'
import type { KvLog } from '../store/durableStore.js'
import type { Logger } from '../logger.js'
import type { BlockWatch, ChainAccess, WatchedBlock, WatchedTransaction } from './chainAccess.js'

export interface WatchState {
  lastHeight: number
  spent: Record<string, { channel: string; outpoint: OutPoint }>
  confirmed: Record<string, { channel: string; depth: number; blockHeight?: number; txIndex?: number }>
}

export interface WatcherEvents {
  onBlock(height: number): void
  onConfirmed(channel: string, txid: string, blockHeight: number, txIndex: number): void
  onSpent(channel: string, outpoint: OutPoint, tx: Transaction, txid: string, blockHeight: number): void
  /**
   * each block's watched transactions (the node's own among them, see watchTransaction) and its channel outputs, for
   * the broadcaster and gossip
   */
  onTransactions(block: WatchedBlock): void
  /** watched transactions found mined in blocks processed before they were watched (a block or two) */
  onMinedEarlier(matches: WatchedTransaction[]): void
  /** the chain's fee-rate estimate (sat/kw) */
  onFeerate?(satPerKw: number): void
}

const KEY = 'watch'

/**
 * How long a broadcast waits for the chain to hold the watch of its transaction first. Watched first, the transaction
 * comes back with its block; broadcast first, a block mined at once can beat the watch, and the broadcaster would
 * submit it again until the chain's late word of it arrives.
 */
export const OWN_WATCH_WAIT_MS = 5_000

export class ChainWatcher {
  private state: WatchState
  private tip = 0
  /** transactions the node broadcasts: the broadcaster hears when they are mined (not persisted: it says again) */
  private readonly own = new Set<string>()
  private watch: BlockWatch | undefined
  private caughtUp: { height: number; done: () => void } | undefined
  /** matches the chain answered for blocks sent but not yet processed here, by height */
  private readonly ahead = new Map<number, WatchedTransaction[]>()

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
    void this.watch?.add({ outpoints: [outpoint] })
  }

  watchConfirmed(txid: string, depth: number, channel: string): void {
    const known = this.state.confirmed[txid]
    this.state.confirmed[txid] = { ...known, channel, depth }
    this.save()
    // already mined: it may be deep enough now
    if (known?.blockHeight !== undefined) this.checkDepths()
    else void this.watch?.add({ txids: [txid] })
  }

  /**
   * A transaction the node broadcasts: its block is passed on with the others it watches. Resolves once the chain
   * holds the watch (or after OWN_WATCH_WAIT_MS, when the chain is unreachable: the broadcast goes ahead anyway).
   */
  async watchTransaction(txid: string): Promise<void> {
    if (this.own.has(txid)) return
    this.own.add(txid)
    if (!this.watch) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      this.watch.add({ txids: [txid] }),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, OWN_WATCH_WAIT_MS))),
    ])
    clearTimeout(timer)
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

  /** Registers with the chain and resolves once the blocks mined while the node was away are processed. */
  start(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      this.caughtUp = {
        height: Number.POSITIVE_INFINITY,
        done: () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      this.watch = this.chain.watch(
        {
          from: () => this.state.lastHeight,
          watched: () => ({
            txids: [
              ...Object.keys(this.state.confirmed).filter((t) => this.state.confirmed[t]!.blockHeight === undefined),
              ...this.own,
            ],
            outpoints: Object.values(this.state.spent).map((w) => w.outpoint),
          }),
          onTip: (height) => {
            this.tip = Math.max(this.tip, height)
            if (this.caughtUp) this.caughtUp.height = height
            this.checkCaughtUp()
          },
          onBlock: (block) => this.onBlock(block),
          onReorg: (forkHeight) => this.onReorg(forkHeight),
          onEarlierMatches: (matches) => this.onEarlierMatches(matches),
          onFeerate: (satPerKw) => this.events.onFeerate?.(satPerKw),
        },
        signal,
      )
    })
  }

  /** start() resolves once the height the chain had when the node connected is processed. */
  private checkCaughtUp(): void {
    if (!this.caughtUp || this.state.lastHeight < this.caughtUp.height) return
    const { done } = this.caughtUp
    this.caughtUp = undefined
    done()
  }

  private onBlock(block: WatchedBlock): void {
    if (block.height <= this.state.lastHeight) return
    if (block.height !== this.state.lastHeight + 1) {
      this.log.warn('a block came out of order; asking the chain again from the last one processed', {
        expected: this.state.lastHeight + 1,
        got: block.height,
      })
      return this.watch?.resync()
    }
    this.tip = Math.max(this.tip, block.height)
    const joining = this.ahead.get(block.height)
    this.ahead.delete(block.height)
    if (joining) {
      const known = new Set(block.matches.map((m) => m.txid))
      const matches = [...block.matches, ...joining.filter((m) => !known.has(m.txid))]
      block = { ...block, matches: matches.sort((a, b) => a.txIndex - b.txIndex) }
    }
    for (const m of block.matches) this.apply(m)
    this.state.lastHeight = block.height
    this.checkDepths()
    this.save()
    for (const m of block.matches) this.own.delete(m.txid)
    this.events.onTransactions(block)
    this.events.onBlock(block.height)
    this.checkCaughtUp()
  }

  /**
   * Blocks above `forkHeight` were replaced. A transaction seen in them but not yet deep enough is unseen again: it is
   * watched anew and counted from the block of the new branch that holds it, so a funding reorganized out waits for
   * its confirmations again (and takes its new position). A spend already reported stays reported: its transaction
   * went back to the mempool and the node's claims on it wait for it to be mined again (their timelocks say when).
   */
  private onReorg(forkHeight: number): void {
    if (forkHeight >= this.state.lastHeight) return
    this.log.warn('the chain reorganized: processing again from the fork', {
      forkHeight,
      lastHeight: this.state.lastHeight,
    })
    for (const [txid, c] of Object.entries(this.state.confirmed))
      if (c.blockHeight !== undefined && c.blockHeight > forkHeight)
        this.state.confirmed[txid] = { channel: c.channel, depth: c.depth }
    this.state.lastHeight = forkHeight
    this.tip = forkHeight
    this.ahead.clear()
    this.save()
  }

  /** Matches the chain found for items added after it had sent their block (at most a block or two before). */
  private onEarlierMatches(matches: WatchedTransaction[]): void {
    // the chain had sent their block, but it is still on its way here: they join it when it comes
    for (const m of matches.filter((m) => m.height > this.state.lastHeight))
      this.ahead.set(m.height, [...(this.ahead.get(m.height) ?? []), m])
    const earlier = matches.filter((m) => m.height <= this.state.lastHeight)
    let changed = false
    for (const m of earlier) changed = this.apply(m) || changed
    if (changed) {
      this.checkDepths()
      this.save()
    }
    for (const m of earlier) this.own.delete(m.txid)
    if (earlier.length > 0) this.events.onMinedEarlier(earlier)
  }

  private apply(m: WatchedTransaction): boolean {
    let changed = false
    for (const input of m.tx.inputs) {
      const key = outpointKey(input.prevout)
      const w = this.state.spent[key]
      if (w) {
        delete this.state.spent[key]
        this.events.onSpent(w.channel, w.outpoint, m.tx, m.txid, m.height)
        changed = true
      }
    }
    const c = this.state.confirmed[m.txid]
    if (c && c.blockHeight === undefined) {
      this.state.confirmed[m.txid] = { ...c, blockHeight: m.height, txIndex: m.txIndex }
      changed = true
    }
    return changed
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
