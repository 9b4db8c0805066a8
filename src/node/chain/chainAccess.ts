/**
 * What the node needs from the mock chain, as a narrow interface: the wallet,
 * the watcher, the broadcaster and gossip depend on this, and startNode adapts
 * the chain's typed client to it. Tests can hand in an in-memory chain.
 */
import type { Condition } from '../../chain/condition.js'
import type { OutPoint, Transaction } from '../../chain/transaction.js'

export interface UtxoView {
  txid: string
  vout: number
  valueSat: bigint
  confirmations: number
}

/** A transaction of a block that matches what the node watches. */
export interface WatchedTransaction {
  height: number
  txIndex: number
  txid: string
  tx: Transaction
}

/** A block as the node receives it: its header, the transactions it watches, and every channel output. */
export interface WatchedBlock {
  height: number
  hash: string
  matches: WatchedTransaction[]
  channelOutputs: {
    /** `condition`: the output's spending condition as text (`parseCondition`) */
    created: Array<{ txIndex: number; vout: number; txid: string; valueSat: bigint; condition: string }>
    spent: OutPoint[]
  }
}

export interface BlockWatchHandlers {
  /** the last height processed: blocks above it come first */
  from(): number
  /** everything watched, registered again whenever the connection to the chain is new */
  watched(): { txids: Iterable<string>; outpoints: Iterable<OutPoint> }
  onBlock(block: WatchedBlock): void
  /** items added later that had already matched in blocks delivered before */
  onEarlierMatches(matches: WatchedTransaction[]): void
  onTip(height: number): void
  /** blocks above `forkHeight` were replaced: rewind to it; the blocks of the new branch follow */
  onReorg?(forkHeight: number): void
  /** the chain's fee-rate estimate (sat/kw), when the connection is new and at each change */
  onFeerate?(satPerKw: number): void
}

export interface BlockWatch {
  /** resolves once the chain holds the items (a later block that has them comes with them) */
  add(items: { txids?: string[]; outpoints?: OutPoint[] }): Promise<void>
  /** starts again from the last processed height (a block came out of order) */
  resync(): void
}

export interface ChainAccess {
  /** the chain's genesis hash and height, in one question */
  info(): Promise<{ chainHash: Uint8Array; height: number }>
  /** per address asked, its unspent outputs (unconfirmed included), in as few requests as the chain allows */
  utxos(addresses: readonly string[]): Promise<Map<string, UtxoView[]>>
  /** an output by outpoint, or undefined when the chain never had it; `spent` once any transaction spends it */
  output(outpoint: OutPoint): Promise<{ value: bigint; condition: Condition; spent: boolean } | undefined>
  /** an output by its position (a short channel id's parts), or undefined when there is none */
  outputAt(
    height: number,
    txIndex: number,
    vout: number,
  ): Promise<{ txid: string; value: bigint; condition: Condition; spent: boolean } | undefined>
  /**
   * resolves with the txid; rejects with the chain's rule code (ALREADY_KNOWN is not an error for callers that
   * rebroadcast)
   */
  submit(tx: Transaction): Promise<string>
  /** follows the chain block by block, with only the watched transactions, until the signal aborts */
  watch(handlers: BlockWatchHandlers, signal: AbortSignal): BlockWatch
}
