/**
 * What the chain writes once per block and sends to everyone: the block's JSON
 * for GET /v1/blocks/:id, and the header and channel outputs every watching
 * session receives. With a few hundred nodes asking for the same block, each
 * serialization done per request was the chain's whole CPU; these keep the
 * recent blocks' text, so a block is written once however many ask.
 */
import type { Block } from '../chain/block.js'
import type { ChainState } from '../chain/chainState.js'
import { formatCondition, type Condition } from '../chain/condition.js'
import { isCoinbase, txid as txidOf } from '../chain/transaction.js'
import { blockToJson } from '../chain/transactionJson.js'
import { toJson } from '../core/json.js'

/**
 * Blocks whose text is kept. Nodes ask for the newest blocks (the tip and the few below it while they catch up);
 * an older block is written again when asked, and then kept.
 */
export const BLOCK_TEXT_CACHE_BLOCKS = 64

/** A channel's funding output: two signatures, both needed (BOLT #3's 2-of-2, in the chain's condition language). */
export function isChannelOutput(c: Condition): boolean {
  return c.type === 'all' && c.conditions.length === 2 && c.conditions.every((s) => s.type === 'sig')
}

export interface BlockText {
  /** the block and its txids, without `confirmations` (which changes with the tip): `{…,"txids":[…]` */
  bodyWithoutEnd: string
  /**
   * the start of a watch session's block event, up to the matches: `{"height":…,"channelOutputs":{…},"matches":`
   */
  watchEventStart: string
  txids: string[]
}

export class BlockDigests {
  private readonly texts = new Map<number, BlockText>()

  constructor(private readonly state: ChainState) {
    // a replaced block's text must not stand for the block now at its height
    state.onReorg((r) => {
      for (const h of [...this.texts.keys()]) if (h > r.forkHeight) this.texts.delete(h)
    })
  }

  /** The block's text, written now if it is not kept. */
  of(block: Block, txids?: string[]): BlockText {
    const kept = this.texts.get(block.height)
    if (kept && kept.txids.length === block.txs.length) return kept
    const ids = txids ?? block.txs.map(txidOf)
    const body = toJson({ ...blockToJson(block), txids: ids })
    const header = toJson({ height: block.height, hash: block.hash, prevHash: block.prevHash, time: block.time })
    const text: BlockText = {
      bodyWithoutEnd: body.slice(0, -1),
      watchEventStart: `${header.slice(0, -1)},"channelOutputs":${toJson(this.channelOutputs(block, ids))},"matches":`,
      txids: ids,
    }
    this.texts.set(block.height, text)
    for (const h of this.texts.keys()) {
      if (this.texts.size <= BLOCK_TEXT_CACHE_BLOCKS) break
      this.texts.delete(h)
    }
    return text
  }

  /** GET /v1/blocks/:id's answer: the kept text and the confirmations at the current tip. */
  responseText(block: Block): string {
    return `${this.of(block).bodyWithoutEnd},"confirmations":${this.state.confirmations(block.height)}}`
  }

  private channelOutputs(block: Block, txids: string[]) {
    const created: Array<{ txIndex: number; vout: number; txid: string; valueSat: string; condition: string }> = []
    const spent: Array<{ txid: string; vout: number }> = []
    block.txs.forEach((tx, txIndex) => {
      if (!isCoinbase(tx))
        for (const input of tx.inputs) {
          const coin = this.state.output(input.prevout)
          if (coin && isChannelOutput(coin.output.condition)) spent.push(input.prevout)
        }
      tx.outputs.forEach((o, vout) => {
        if (isChannelOutput(o.condition))
          created.push({
            txIndex,
            vout,
            txid: txids[txIndex]!,
            valueSat: o.value.toString(),
            condition: formatCondition(o.condition),
          })
      })
    })
    return { created, spent }
  }
}
