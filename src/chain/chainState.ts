/**
 * The whole state of one mock chain in memory: blocks, the transaction index,
 * the UTXO set and the mempool, with the two things that change it (accepting
 * a transaction, mining a block) and the queries the daemon serves. The daemon
 * adds persistence through `BlockSink`; MemoryChain uses it as it is.
 */
import type { Sat } from '../core/amount.js'
import { InvalidInputError } from '../core/errors.js'
import type { Condition } from './condition.js'
import { blockHash, blockSubsidy, coinbaseTransaction, makeBlock, ZERO_HASH, type Block } from './block.js'
import { Mempool, type MempoolEntry } from './mempool.js'
import { isCoinbase, txid as txidOf, type OutPoint, type Transaction, type TxOutput } from './transaction.js'
import { UtxoSet, conditionKey, type UnspentOutput } from './utxoSet.js'
import { validateTransaction, type Coin, type Spender, type UtxoView, type ValidatedTransaction } from './validate.js'

/** Where mined blocks go before anyone hears of them (the daemon's block file). */
export interface BlockSink {
  append(block: Block): void
  /** makes every appended block durable; called before a mine call returns or announces its blocks */
  sync(): void
  /** forgets every block above `height` (a reorganization replaces them) */
  truncate?(height: number): void
}

/**
 * The deepest reorganization the chain makes on request. Bitcoin's deepest accidental ones were a few blocks; a
 * test needs no more than a channel's confirmations and a little over.
 */
export const MAX_REORG_DEPTH = 20

/** What a reorganization did. */
export interface Reorganization {
  /** the last block both branches share */
  forkHeight: number
  /** the hashes of the blocks replaced, lowest first */
  replaced: string[]
  /** the blocks that replace them, one more than were replaced */
  blocks: Block[]
  /** transactions of the replaced blocks left out of the new ones, back in the mempool */
  leftOut: string[]
  /** transactions of the replaced blocks or the mempool that are no longer valid, gone from the chain */
  invalidated: string[]
}

export interface ChainStateOptions {
  sink?: BlockSink
  /** unix seconds; block times never go backwards whatever it says */
  now?: () => number
}

export interface ConnectedBlock {
  block: Block
  txids: string[]
  /** per transaction, the coins its inputs spent (none for the coinbase) */
  spent: Coin[][]
  fees: Sat
}

export interface ConfirmedTransaction {
  txid: string
  tx: Transaction
  fee: Sat
  blockHeight: number
  blockHash: string
  /** index in the block; 0 is the coinbase */
  position: number
}

export type TransactionStatus =
  | { status: 'mempool'; txid: string; tx: Transaction; fee: Sat; confirmations: 0 }
  | {
      status: 'confirmed'
      txid: string
      tx: Transaction
      fee: Sat
      confirmations: number
      blockHeight: number
      blockHash: string
      /** index in its block; 0 is the coinbase */
      position: number
    }

export interface OutputStatus extends Coin {
  outpoint: OutPoint
  spender: Spender | undefined
}

const unixNow = (): number => Math.floor(Date.now() / 1000)

export class ChainState implements UtxoView {
  readonly mempool = new Mempool()
  private readonly blocks: Block[] = []
  private readonly blocksByHash = new Map<string, Block>()
  private readonly confirmed = new Map<string, ConfirmedTransaction>()
  private utxos = new UtxoSet()
  /** no block is stamped earlier: a replacing block must differ from the one it replaces, even in the same second */
  private notBefore = 0
  private readonly reorgListeners = new Set<(r: Reorganization) => void>()
  private readonly blockListeners = new Set<(b: ConnectedBlock) => void>()
  private readonly txListeners = new Set<(e: MempoolEntry) => void>()
  private readonly sink: BlockSink | undefined
  private readonly now: () => number

  /** Starts from the genesis block and replays the given blocks, checking that each links to the one before. */
  constructor(genesis: Block, options: ChainStateOptions = {}, blocks: Block[] = []) {
    this.sink = options.sink
    this.now = options.now ?? unixNow
    if (genesis.height !== 0 || genesis.prevHash !== ZERO_HASH)
      throw new Error('the genesis block must have height 0 and no previous block')
    this.connectStored(genesis)
    for (const b of blocks) this.connectStored(b)
  }

  get height(): number {
    return this.blocks.length - 1
  }

  get tip(): Block {
    return this.blocks[this.blocks.length - 1]!
  }

  /** The genesis block hash, which names this chain (as BOLT's chain_hash). */
  get chainHash(): string {
    return this.blocks[0]!.hash
  }

  // UtxoView: the chain and the mempool together

  coin(outpoint: OutPoint): Coin | undefined {
    return this.utxos.coin(outpoint) ?? this.mempool.coin(outpoint)
  }

  spenderOf(outpoint: OutPoint): Spender | undefined {
    return this.utxos.spenderOf(outpoint) ?? this.mempool.spenderOf(outpoint)
  }

  hasTransaction(txid: string): boolean {
    return this.confirmed.has(txid) || this.mempool.has(txid)
  }

  /** Would this transaction be accepted now? Throws ChainRuleError if not. */
  validate(tx: Transaction): ValidatedTransaction {
    return validateTransaction(tx, this, { height: this.height })
  }

  /** Validates and adds to the mempool; throws ChainRuleError. */
  submit(tx: Transaction): MempoolEntry {
    const v = this.validate(tx)
    const entry: MempoolEntry = { txid: v.txid, tx, fee: v.fee, spent: v.spent, time: this.now() }
    this.mempool.add(entry)
    for (const l of this.txListeners) l(entry)
    return entry
  }

  /** Mines `count` blocks, the first with the whole mempool, each paying subsidy and fees to `miner`. */
  mine(count: number, miner: Condition): Block[] {
    const connected: ConnectedBlock[] = []
    try {
      this.mineInto(connected, count, miner)
    } finally {
      // what was appended before a failure is still made durable and announced
      if (connected.length > 0) {
        this.sink?.sync()
        for (const c of connected) for (const l of this.blockListeners) l(c)
      }
    }
    return connected.map((c) => c.block)
  }

  private mineInto(connected: ConnectedBlock[], count: number, miner: Condition): void {
    for (let i = 0; i < count; i++) {
      const entries = this.mempool.miningOrder()
      const fees = entries.reduce((sum, e) => sum + e.fee, 0n)
      const height = this.height + 1
      const block = makeBlock({
        height,
        prevHash: this.tip.hash,
        time: Math.max(this.now(), this.tip.time, this.notBefore),
        txs: [
          coinbaseTransaction(height, [{ value: blockSubsidy(height) + fees, condition: miner }]),
          ...entries.map((e) => e.tx),
        ],
      })
      // written before it changes anything, so a failed write leaves the state as it was
      this.sink?.append(block)
      this.mempool.drain()
      connected.push(this.connect(block))
    }
  }

  /**
   * Replaces the last `depth` blocks with `depth + 1` new ones, as a competing branch that overtook them would: their
   * transactions go back to the mempool and into the first new block, but for those in `leaveOut` (and what spends
   * them), which wait in the mempool for a later block. Listeners hear of the reorganization before the new blocks.
   */
  reorg(depth: number, leaveOut: ReadonlySet<string>, miner: Condition): Reorganization {
    if (!Number.isInteger(depth) || depth < 1 || depth > Math.min(MAX_REORG_DEPTH, this.height))
      throw new InvalidInputError(
        `a reorganization replaces 1 to ${Math.min(MAX_REORG_DEPTH, this.height)} blocks (the chain is at ` +
          `${this.height}; at most ${MAX_REORG_DEPTH}), not ${depth}`,
        { field: 'depth' },
        'INVALID_REORG',
      )
    const forkHeight = this.height - depth
    const stale = this.blocks.slice(forkHeight + 1)
    const staleTxs = stale.flatMap((b) => b.txs.slice(1))
    const unknown = [...leaveOut].filter((t) => !staleTxs.some((tx) => txidOf(tx) === t))
    if (unknown.length > 0)
      throw new InvalidInputError(
        `not in the ${depth} block(s) replaced, so not theirs to leave out: ${unknown.join(', ')}`,
        { field: 'leaveOut' },
        'INVALID_REORG',
      )
    // cut from the block file before anything changes here, as a mined block is written before it is connected
    this.sink?.truncate?.(forkHeight)
    const waiting = this.mempool.drain().map((e) => e.tx)
    const kept = this.blocks.slice(0, forkHeight + 1)
    this.blocks.length = 0
    this.blocksByHash.clear()
    this.confirmed.clear()
    this.utxos = new UtxoSet()
    for (const b of kept) this.connect(b)

    const heldBack = new Set(leaveOut)
    const heldTxs: Transaction[] = []
    const invalidated: string[] = []
    for (const tx of [...staleTxs, ...waiting]) {
      const id = txidOf(tx)
      if (heldBack.has(id) || tx.inputs.some((i) => heldBack.has(i.prevout.txid))) {
        heldBack.add(id)
        heldTxs.push(tx)
        continue
      }
      try {
        this.submit(tx)
      } catch {
        invalidated.push(id)
      }
    }
    const reorganization: Reorganization = {
      forkHeight,
      replaced: stale.map((b) => b.hash),
      blocks: [],
      leftOut: [],
      invalidated,
    }
    for (const l of this.reorgListeners) l(reorganization)
    this.notBefore = stale.at(-1)!.time + 1
    reorganization.blocks = this.mine(depth + 1, miner)
    for (const tx of heldTxs) {
      try {
        reorganization.leftOut.push(this.submit(tx).txid)
      } catch {
        invalidated.push(txidOf(tx))
      }
    }
    return reorganization
  }

  onReorg(listener: (r: Reorganization) => void): () => void {
    this.reorgListeners.add(listener)
    return () => this.reorgListeners.delete(listener)
  }

  onBlock(listener: (b: ConnectedBlock) => void): () => void {
    this.blockListeners.add(listener)
    return () => this.blockListeners.delete(listener)
  }

  onTransaction(listener: (e: MempoolEntry) => void): () => void {
    this.txListeners.add(listener)
    return () => this.txListeners.delete(listener)
  }

  // queries

  block(heightOrHash: number | string): Block | undefined {
    return typeof heightOrHash === 'number' ? this.blocks[heightOrHash] : this.blocksByHash.get(heightOrHash)
  }

  /** Blocks from `from` to `to` inclusive, e.g. to replay them to a listener. */
  blockRange(from: number, to = this.height): Block[] {
    return this.blocks.slice(Math.max(0, from), to + 1)
  }

  confirmations(height: number | null): number {
    return height === null ? 0 : this.height - height + 1
  }

  transaction(txid: string): TransactionStatus | undefined {
    const c = this.confirmed.get(txid)
    if (c)
      return {
        status: 'confirmed',
        txid,
        tx: c.tx,
        fee: c.fee,
        confirmations: this.confirmations(c.blockHeight),
        blockHeight: c.blockHeight,
        blockHash: c.blockHash,
        position: c.position,
      }
    const m = this.mempool.get(txid)
    return m ? { status: 'mempool', txid, tx: m.tx, fee: m.fee, confirmations: 0 } : undefined
  }

  /** Any output ever created, spent or not, with who spent it. */
  output(outpoint: OutPoint): OutputStatus | undefined {
    const c = this.confirmed.get(outpoint.txid)
    const output: TxOutput | undefined = c
      ? c.tx.outputs[outpoint.vout]
      : this.mempool.get(outpoint.txid)?.tx.outputs[outpoint.vout]
    if (!output) return undefined
    return {
      outpoint,
      output,
      height: c ? c.blockHeight : null,
      coinbase: c?.position === 0,
      spender: this.spenderOf(outpoint),
    }
  }

  /** Outputs locked by exactly this condition that nothing spends, not even a mempool transaction; confirmed first. */
  unspentWithCondition(condition: Condition): UnspentOutput[] {
    const key = conditionKey(condition)
    const confirmed = this.utxos.withCondition(condition).filter((u) => !this.mempool.spenderOf(u.outpoint))
    const pending: UnspentOutput[] = this.mempool.all().flatMap((e) =>
      e.tx.outputs.flatMap((output, vout) => {
        const outpoint = { txid: e.txid, vout }
        return conditionKey(output.condition) === key && !this.mempool.spenderOf(outpoint)
          ? [{ outpoint, output, height: null, coinbase: false }]
          : []
      }),
    )
    return [...confirmed, ...pending]
  }

  private connectStored(block: Block): void {
    const expected =
      this.blocks.length === 0
        ? { height: 0, prevHash: ZERO_HASH }
        : { height: this.height + 1, prevHash: this.tip.hash }
    if (block.height !== expected.height || block.prevHash !== expected.prevHash)
      throw new Error(`block ${block.height} (${block.hash}) does not follow block ${this.height}`)
    if (blockHash(block) !== block.hash)
      throw new Error(`block ${block.height} does not hash to ${block.hash}: its contents were changed`)
    if (block.txs.length === 0 || !isCoinbase(block.txs[0]!) || block.txs.slice(1).some(isCoinbase))
      throw new Error(`block ${block.height} must start with its one coinbase`)
    this.connect(block)
  }

  private connect(block: Block): ConnectedBlock {
    const txids = block.txs.map(txidOf)
    let fees = 0n
    const spent = block.txs.map((tx, position) => {
      const txid = txids[position]!
      const coins = this.utxos.apply(tx, txid, block.height)
      const fee =
        position === 0
          ? 0n
          : coins.reduce((s, c) => s + c.output.value, 0n) - tx.outputs.reduce((s, o) => s + o.value, 0n)
      fees += fee
      this.confirmed.set(txid, { txid, tx, fee, blockHeight: block.height, blockHash: block.hash, position })
      return coins as Coin[]
    })
    this.blocks.push(block)
    this.blocksByHash.set(block.hash, block)
    return { block, txids, spent, fees }
  }
}
