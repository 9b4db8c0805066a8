/**
 * The chain as the dashboard shows it: the height, the last few blocks, and
 * the transactions nodes labelled (funding, close, penalty, claims) placed in
 * the blocks that mined them. Heights come from whichever source is ahead:
 * the chain's own blocks, or nodes' block events when only those were recorded.
 */
import type { Sat } from '../../core/amount.js'
import type { BlockView, ChainBlockEvent, ChainView, TxKind, TxView } from './views.js'

export const RECENT_BLOCKS = 12
const MAX_LABELLED_TXS = 5000

export function txKind(label: string): TxKind {
  const l = label.toLowerCase()
  if (/penalty|justice|revoked|breach/.test(l)) return 'penalty'
  if (/fund/.test(l)) return 'funding'
  if (/claim|sweep|htlc/.test(l)) return 'claim'
  if (/close|commit/.test(l)) return 'close'
  return 'other'
}

interface LabelledTx {
  txid: string
  label: string
  channelId: string | null
  amountSat: Sat | null
  node: string
}

export class ChainModel {
  private height = 0
  private readonly blocks = new Map<number, ChainBlockEvent>()
  private readonly txHeight = new Map<string, number>()
  private readonly labelled = new Map<string, LabelledTx>()

  seeHeight(height: number): boolean {
    if (height <= this.height) return false
    this.height = height
    return true
  }

  addBlock(block: ChainBlockEvent): void {
    this.seeHeight(block.height)
    this.blocks.set(block.height, block)
    for (const txid of block.txids) this.txHeight.set(txid, block.height)
    // keep only recent blocks, but remember where labelled transactions were mined
    for (const h of this.blocks.keys()) {
      if (h > this.height - RECENT_BLOCKS * 4) continue
      for (const txid of this.blocks.get(h)!.txids) if (!this.labelled.has(txid)) this.txHeight.delete(txid)
      this.blocks.delete(h)
    }
  }

  /** Both ends of a channel report its funding transaction: the first label wins, the rest add nothing. */
  labelTx(tx: LabelledTx): boolean {
    if (this.labelled.has(tx.txid)) return false
    this.labelled.set(tx.txid, tx)
    if (this.labelled.size > MAX_LABELLED_TXS) this.labelled.delete(this.labelled.keys().next().value!)
    return true
  }

  private txView(tx: LabelledTx): TxView {
    return { ...tx, kind: txKind(tx.label), height: this.txHeight.get(tx.txid) ?? null }
  }

  view(): ChainView {
    const blocks: BlockView[] = [...this.blocks.values()]
      .sort((a, b) => b.height - a.height)
      .slice(0, RECENT_BLOCKS)
      .map((b) => ({
        height: b.height,
        hash: b.hash,
        time: b.time,
        txCount: b.txids.length,
        txs: b.txids.flatMap((id) => {
          const tx = this.labelled.get(id)
          return tx ? [this.txView(tx)] : []
        }),
      }))
    const unplaced = [...this.labelled.values()]
      .filter((tx) => !this.txHeight.has(tx.txid))
      .slice(-50)
      .reverse()
      .map((tx) => this.txView(tx))
    return { height: this.height, blocks, unplaced }
  }
}
