/**
 * Test-only (a node started with --testing): a chain backend that misbehaves
 * toward this node, as Core Lightning's tests make bitcoind's answers fail or
 * lag. While stalled, the blocks the chain sends the node are held back and
 * then arrive together, as when a node's bitcoind falls behind and catches up;
 * while refusing, every transaction the node submits is turned down with a
 * retryable error, as when the backend is down, so the node must broadcast it
 * again later. Never active in a normal run.
 */
import { LnsimError } from '../../core/errors.js'
import { txid, type Transaction } from '../../chain/transaction.js'
import type { BlockWatchHandlers, ChainAccess, WatchedBlock } from '../chain/chainAccess.js'

/** The code of a refused broadcast: not one of the chain's rule codes, so the broadcaster tries again. */
export const BROADCAST_REFUSED = 'BROADCAST_REFUSED'

export class ChainTrouble {
  private stalledUntil = 0
  private refusingUntil = 0
  private readonly held: WatchedBlock[] = []
  private heldTip: number | undefined
  private release: (() => void) | undefined
  private releaseTimer: NodeJS.Timeout | undefined

  constructor(
    /** told of each refused transaction, so a run's log shows the trouble reached the node */
    private readonly onRefused: (txid: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /** Blocks stop reaching the node for `ms` (from now; a later call replaces the end), then come together. */
  stall(ms: number): { until: number } {
    this.stalledUntil = this.now() + ms
    clearTimeout(this.releaseTimer)
    this.releaseTimer = setTimeout(() => this.release?.(), ms)
    this.releaseTimer.unref?.()
    return { until: this.stalledUntil }
  }

  /** Every transaction the node submits for `ms` is refused; the node's broadcaster retries each block. */
  refuseBroadcasts(ms: number): { until: number } {
    this.refusingUntil = this.now() + ms
    return { until: this.refusingUntil }
  }

  get stalled(): boolean {
    return this.now() < this.stalledUntil
  }

  get refusing(): boolean {
    return this.now() < this.refusingUntil
  }

  /** Blocks held back now. */
  get heldBlocks(): number {
    return this.held.length
  }

  /** The chain as this node sees it: the same, but for stalls and refusals. */
  wrap(chain: ChainAccess): ChainAccess {
    const submit = async (tx: Transaction): Promise<string> => {
      if (this.refusing) {
        this.onRefused(txid(tx))
        throw new LnsimError(BROADCAST_REFUSED, 'the chain refuses this node’s transactions for now (--testing)')
      }
      return chain.submit(tx)
    }
    const watch = (handlers: BlockWatchHandlers, signal: AbortSignal) => {
      this.release = () => {
        if (this.stalled) return
        const tip = this.heldTip
        this.heldTip = undefined
        for (const block of this.held.splice(0)) handlers.onBlock(block)
        if (tip !== undefined) handlers.onTip(tip)
      }
      return chain.watch(
        {
          ...handlers,
          onBlock: (block) => {
            if (!this.stalled && this.held.length === 0) return handlers.onBlock(block)
            this.held.push(block)
            this.release?.()
          },
          onReorg: (forkHeight) => {
            // blocks held back from the replaced branch must never be delivered
            this.held.length = 0
            this.heldTip = undefined
            handlers.onReorg?.(forkHeight)
          },
          onTip: (height) => {
            if (!this.stalled && this.held.length === 0) return handlers.onTip(height)
            this.heldTip = Math.max(this.heldTip ?? 0, height)
            this.release?.()
          },
        },
        signal,
      )
    }
    return {
      info: () => chain.info(),
      utxos: (addresses) => chain.utxos(addresses),
      output: (outpoint) => chain.output(outpoint),
      outputAt: (height, txIndex, vout) => chain.outputAt(height, txIndex, vout),
      submit,
      watch,
    }
  }
}
