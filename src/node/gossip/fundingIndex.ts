/**
 * Every 2-of-2 output the node has seen in the blocks it processed, by short
 * channel id, and whether it is still unspent: lets gossip check a
 * channel_announcement's funding output without asking the chain. For funding
 * outputs older than what this process has seen, the chain is asked, a few
 * requests at a time, and the answers are kept.
 */
import { shortChannelId, scidParts, type ShortChannelId } from '../../core/shortChannelId.js'
import type { Condition } from '../../chain/condition.js'
import { outpointKey, type Transaction } from '../../chain/transaction.js'
import type { ChainAccess } from '../chain/chainAccess.js'

export interface FundingOutput {
  value: bigint
  condition: Condition
}

const MAX_CONCURRENT_LOOKUPS = 2

function isTwoOfTwo(c: Condition): boolean {
  return c.type === 'all' && c.conditions.length === 2 && c.conditions.every((s) => s.type === 'sig')
}

export class FundingIndex {
  private readonly outputs = new Map<ShortChannelId, FundingOutput>()
  private readonly byOutpoint = new Map<string, ShortChannelId>()
  private readonly spent = new Set<ShortChannelId>()
  /** the first height this process saw itself; below it, ask the chain */
  private firstSeen: number | undefined
  private processed = -1
  private readonly heightWaiters: Array<{ height: number; done: () => void }> = []
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor(private readonly chain: ChainAccess) {}

  /** Called for every block, in order. */
  onBlock(height: number, txs: readonly Transaction[], txids: readonly string[]): void {
    this.firstSeen ??= height
    this.processed = height
    txs.forEach((tx, txIndex) => {
      for (const input of tx.inputs) {
        const scid = this.byOutpoint.get(outpointKey(input.prevout))
        if (scid !== undefined) this.spent.add(scid)
      }
      tx.outputs.forEach((o, vout) => {
        if (!isTwoOfTwo(o.condition) || txIndex > 0xffffff || vout > 0xffff) return
        const scid = shortChannelId(height, txIndex, vout)
        this.outputs.set(scid, { value: o.value, condition: o.condition })
        this.byOutpoint.set(`${txids[txIndex]}:${vout}`, scid)
      })
    })
    for (const w of this.heightWaiters.splice(0)) {
      if (w.height <= height) w.done()
      else this.heightWaiters.push(w)
    }
  }

  /** Gossip can be ahead of our own view of the chain by a block or two: wait for it (or give up after a while). */
  private async reach(height: number, timeoutMs: number): Promise<boolean> {
    if (height <= this.processed) return true
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      timer.unref()
      this.heightWaiters.push({ height, done: () => (clearTimeout(timer), resolve(true)) })
    })
  }

  /** The unspent funding output at a short channel id; throws when the chain cannot be asked (try again later). */
  async lookup(scid: ShortChannelId): Promise<FundingOutput | undefined> {
    if (this.spent.has(scid)) return undefined
    const known = this.outputs.get(scid)
    if (known) return known
    const { blockHeight } = scidParts(scid)
    if (this.firstSeen !== undefined && blockHeight >= this.firstSeen && (await this.reach(blockHeight, 10_000))) {
      if (this.spent.has(scid)) return undefined
      return this.outputs.get(scid)
    }
    return this.askChain(scid)
  }

  private async askChain(scid: ShortChannelId): Promise<FundingOutput | undefined> {
    while (this.active >= MAX_CONCURRENT_LOOKUPS) await new Promise<void>((r) => this.waiting.push(r))
    this.active++
    try {
      const { blockHeight, txIndex, outputIndex } = scidParts(scid)
      const block = await this.chain.block(blockHeight)
      const txid = block.txids[txIndex]
      if (!txid) return undefined
      const output = await this.chain.output({ txid, vout: outputIndex })
      if (!output) return undefined
      if (output.spent) {
        this.spent.add(scid)
        return undefined
      }
      const found = { value: output.value, condition: output.condition }
      this.outputs.set(scid, found)
      this.byOutpoint.set(`${txid}:${outputIndex}`, scid)
      return found
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }
}
