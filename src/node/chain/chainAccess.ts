/**
 * What the node needs from the mock chain, as a narrow interface: the wallet,
 * the watcher and the broadcaster depend on this, and startNode adapts the
 * chain's typed client to it. Tests can hand in an in-memory chain.
 */
import type { Condition } from '../../chain/condition.js'
import type { OutPoint, Transaction } from '../../chain/transaction.js'

export interface UtxoView {
  txid: string
  vout: number
  valueSat: bigint
  confirmations: number
}

export interface BlockView {
  height: number
  hash: string
  txs: Transaction[]
  txids: string[]
}

export interface ChainAccess {
  tipHeight(): Promise<number>
  chainHash(): Promise<Uint8Array>
  block(height: number): Promise<BlockView>
  utxos(address: string): Promise<UtxoView[]>
  /** an output by outpoint, or undefined when the chain never had it; `spent` once any transaction spends it */
  output(outpoint: OutPoint): Promise<{ value: bigint; condition: Condition; spent: boolean } | undefined>
  /**
   * resolves with the txid; rejects with the chain's rule code (ALREADY_KNOWN is not an error for callers that
   * rebroadcast)
   */
  submit(tx: Transaction): Promise<string>
  /** calls back for each new block height until the signal aborts, reconnecting as needed */
  followBlocks(onBlock: (height: number) => void, signal: AbortSignal): void
}
