/**
 * Gets transactions mined: holds each until the chain reaches the height it is
 * valid from, submits it, and submits it again every block until it is seen in
 * a block (a chain restart may lose its mempool). A transaction that can no
 * longer be mined (its input went elsewhere) is dropped with a log line.
 */
import type { Transaction } from '../../chain/transaction.js'
import type { KvLog } from '../store/durableStore.js'
import type { Logger } from '../logger.js'
import type { ChainAccess } from './chainAccess.js'
import type { EventBus } from '../eventBus.js'

export interface PendingBroadcast {
  tx: Transaction
  label: string
  channel: string
  validFromHeight: number
}

/** Chain rejections after which retrying cannot help. */
const FINAL = new Set([
  'INPUT_ALREADY_SPENT',
  'MEMPOOL_CONFLICT',
  'UNKNOWN_INPUT',
  'MALFORMED_TRANSACTION',
  'INVALID_SIGNATURE',
  'CONDITION_NOT_SATISFIED',
  'OUTPUTS_EXCEED_INPUTS',
  'UNUSED_WITNESS_ITEM',
])

/** Where the broadcaster hears that its transactions were mined: the chain is told to send them with their block. */
export interface OwnTransactionWatch {
  /** resolves once the chain will send the transaction with its block */
  watchTransaction(txid: string): Promise<void>
}

export class Broadcaster {
  /** the tip height when the chain last took each transaction, in this process */
  private readonly acceptedAt = new Map<string, number>()
  /** callers waiting for the chain to take a transaction (see taken()) */
  private readonly waiting = new Map<string, Array<() => void>>()
  private tip = 0

  constructor(
    private readonly chain: ChainAccess,
    private readonly pending: KvLog<PendingBroadcast>,
    private readonly log: Logger,
    /** told of every transaction the chain took, for the node's event stream */
    private readonly bus: Pick<EventBus, 'emit'>,
    private readonly watch: OwnTransactionWatch,
  ) {
    for (const txid of pending.keys()) void watch.watchTransaction(txid)
  }

  /**
   * Resolves once the chain has it (or it is held for later, or will be retried); rejects if the chain refuses it for
   * good.
   */
  async broadcast(
    tx: Transaction,
    txid: string,
    label: string,
    validFromHeight: number,
    channel: string,
    tipHeight: number,
  ): Promise<void> {
    if (this.pending.has(txid)) return
    const p: PendingBroadcast = { tx, label, channel, validFromHeight }
    this.pending.set(txid, p)
    // submitted at once, not after the watch is registered: a block mined in between is reported by the watch's
    // answer (onMined), and a block mined right after a close must hold its transaction
    const watched = this.watch.watchTransaction(txid)
    this.tip = Math.max(this.tip, tipHeight)
    if (validFromHeight <= tipHeight + 1) await this.submit(txid, p)
    await watched
  }

  /** Called after each block with the watched transactions it holds: drop what was mined, submit what became valid. */
  onBlock(height: number, minedTxids: string[]): void {
    this.tip = Math.max(this.tip, height)
    this.onMined(minedTxids)
    for (const [txid, p] of this.pending.entries()) {
      // taken just before this block: it is in the block, and the chain's word of it may still be on its way (a watch
      // registered a moment after the block was mined); a mempool the chain lost shows a block later
      if ((this.acceptedAt.get(txid) ?? -2) >= height - 1) continue
      if (p.validFromHeight <= height + 1) this.submit(txid, p).catch(() => {})
    }
  }

  /**
   * Resolves once the chain has taken the transaction (or it is mined, held until a later height, dropped, or
   * `timeoutMs` passed): what `lnsim close --force` waits for, so a block mined right after it holds the commitment.
   */
  taken(txid: string, timeoutMs: number): Promise<void> {
    const p = this.pending.get(txid)
    if (!p || this.acceptedAt.has(txid) || p.validFromHeight > this.tip + 1) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs)
      const list = this.waiting.get(txid) ?? []
      list.push(done)
      this.waiting.set(txid, list)
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
    })
  }

  /** Mined (also in a block processed before the chain was told to watch them): nothing more to submit. */
  onMined(txids: string[]): void {
    for (const txid of txids) {
      this.pending.delete(txid)
      this.acceptedAt.delete(txid)
      this.wake(txid)
    }
  }

  list(): Array<{ txid: string } & PendingBroadcast> {
    return [...this.pending.entries()].map(([txid, p]) => ({ txid, ...p }))
  }

  private async submit(txid: string, p: PendingBroadcast): Promise<void> {
    try {
      await this.chain.submit(p.tx)
      this.acceptedAt.set(txid, this.tip)
      this.wake(txid)
      this.bus.emit({
        type: 'onchain',
        channelId: p.channel || null,
        txid,
        label: p.label,
        amountSat: null,
        spendableFromHeight: null,
      })
    } catch (err) {
      const code = (err as { code?: string }).code ?? ''
      if (code === 'ALREADY_KNOWN') {
        this.acceptedAt.set(txid, this.tip)
        return this.wake(txid)
      }
      if (FINAL.has(code)) {
        this.log.info('transaction can no longer be mined; dropping it', { txid, label: p.label, code })
        this.pending.delete(txid)
        this.wake(txid)
        throw err
      }
      this.log.debug('broadcast will be retried', { txid, label: p.label, code, error: (err as Error).message })
    }
  }

  private wake(txid: string): void {
    for (const done of this.waiting.get(txid) ?? []) done()
    this.waiting.delete(txid)
  }
}
