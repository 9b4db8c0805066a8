/**
 * Every 2-of-2 output the node has seen in the blocks it processed, by short
 * channel id, and whether it is still unspent: lets gossip check a
 * channel_announcement's funding output without asking the chain. The chain
 * sends each block's channel outputs with the block, written once for every
 * node. For funding outputs older than what this process has seen, the chain
 * is asked for the one output, a few requests at a time, and the answers are
 * kept.
 */
import { shortChannelId, scidParts, type ShortChannelId } from '../../core/shortChannelId.js'
import { parseCondition, type Condition } from '../../chain/condition.js'
import { outpointKey } from '../../chain/transaction.js'
import type { ChainAccess, WatchedBlock } from '../chain/chainAccess.js'

export interface FundingOutput {
  value: bigint
  condition: Condition
}

/** An output as a block gave it: its condition as text, parsed only if an announcement asks for it. */
interface SeenOutput {
  value: bigint
  conditionText: string
}

const MAX_CONCURRENT_LOOKUPS = 2

export class FundingIndex {
  private readonly outputs = new Map<ShortChannelId, SeenOutput | FundingOutput>()
  private readonly byOutpoint = new Map<string, ShortChannelId>()
  /** the outpoint of each funding output known, the way back */
  private readonly outpoints = new Map<ShortChannelId, string>()
  private readonly spent = new Set<ShortChannelId>()
  /** spends seen in blocks, oldest first, until gossip takes them to forget their channels */
  private readonly recentSpends: Array<{ scid: ShortChannelId; height: number }> = []
  /** the first height this process saw itself; below it, ask the chain */
  private firstSeen: number | undefined
  private processed = -1
  private readonly heightWaiters: Array<{ height: number; done: () => void }> = []
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor(private readonly chain: ChainAccess) {}

  /** Called for every block, in order, with the block's channel outputs. */
  onBlock(height: number, channelOutputs: WatchedBlock['channelOutputs']): void {
    this.firstSeen ??= height
    this.processed = height
    for (const outpoint of channelOutputs.spent) {
      const scid = this.byOutpoint.get(outpointKey(outpoint))
      if (scid === undefined || this.spent.has(scid)) continue
      this.spent.add(scid)
      this.recentSpends.push({ scid, height })
    }
    for (const o of channelOutputs.created) {
      if (o.txIndex > 0xffffff || o.vout > 0xffff) continue
      const scid = shortChannelId(height, o.txIndex, o.vout)
      this.outputs.set(scid, { value: o.valueSat, conditionText: o.condition })
      this.note(scid, `${o.txid}:${o.vout}`)
    }
    for (const w of this.heightWaiters.splice(0)) {
      if (w.height <= height) w.done()
      else this.heightWaiters.push(w)
    }
  }

  private note(scid: ShortChannelId, outpoint: string): void {
    this.byOutpoint.set(outpoint, scid)
    this.outpoints.set(scid, outpoint)
  }

  /**
   * The channel's announcement was checked and stored: its funding output (a spending condition, kept for each of
   * a big graph's channels until then) is not needed again. A copy of the announcement is known to the store without
   * it, and one that comes after the channel was forgotten asks the chain. The outpoint stays, so its spend is seen.
   */
  release(scid: ShortChannelId): void {
    this.outputs.delete(scid)
  }

  /** The funding outpoint (`txid:vout`) of a channel, if this index has seen it. */
  outpointOf(scid: ShortChannelId): string | undefined {
    return this.outpoints.get(scid)
  }

  /**
   * A channel's funding outpoint, as saved before a restart: its spend in a later block is then seen, though the block
   * that created it is older than this process.
   */
  remember(scid: ShortChannelId, outpoint: string): void {
    if (!this.outpoints.has(scid)) this.note(scid, outpoint)
  }

  /** Whether the funding output at this short channel id was seen spent. */
  isSpent(scid: ShortChannelId): boolean {
    return this.spent.has(scid)
  }

  /**
   * The channels whose funding output was spent in a block at or below `height`, each given once: the caller forgets
   * them once the spend is deep enough.
   */
  takeSpentAtOrBelow(height: number): ShortChannelId[] {
    let n = 0
    while (n < this.recentSpends.length && this.recentSpends[n]!.height <= height) n++
    return this.recentSpends.splice(0, n).map((s) => s.scid)
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
    if (this.outputs.has(scid)) return this.parsed(scid)
    const { blockHeight } = scidParts(scid)
    if (this.firstSeen !== undefined && blockHeight >= this.firstSeen && (await this.reach(blockHeight, 10_000))) {
      if (this.spent.has(scid)) return undefined
      if (this.outputs.has(scid)) return this.parsed(scid)
      // seen in a block, and released once its announcement was stored: ask again
      return this.outpoints.has(scid) ? this.askChain(scid) : undefined
    }
    return this.askChain(scid)
  }

  /** A known output with its condition parsed (once); one whose text does not parse is no funding output. */
  private parsed(scid: ShortChannelId): FundingOutput | undefined {
    const o = this.outputs.get(scid)!
    if (!('conditionText' in o)) return o
    let condition: Condition
    try {
      condition = parseCondition(o.conditionText)
    } catch {
      this.outputs.delete(scid)
      return undefined
    }
    const output = { value: o.value, condition }
    this.outputs.set(scid, output)
    return output
  }

  private async askChain(scid: ShortChannelId): Promise<FundingOutput | undefined> {
    while (this.active >= MAX_CONCURRENT_LOOKUPS) await new Promise<void>((r) => this.waiting.push(r))
    this.active++
    try {
      const { blockHeight, txIndex, outputIndex } = scidParts(scid)
      const output = await this.chain.outputAt(blockHeight, txIndex, outputIndex)
      if (!output) return undefined
      const txid = output.txid
      if (output.spent) {
        this.spent.add(scid)
        return undefined
      }
      const found = { value: output.value, condition: output.condition }
      this.outputs.set(scid, found)
      this.note(scid, `${txid}:${outputIndex}`)
      return found
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }
}
