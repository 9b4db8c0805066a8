/**
 * The consensus and mempool rules of the mock chain, as one pure function over
 * a view of the unspent outputs. The chain daemon, the in-memory test chain and
 * anyone who wants to know "would this be mined?" all call this same code.
 *
 * Rules are checked cheapest first, and every rejection has its own code:
 * shape, duplicates, inputs (unknown, spent, double spent in the mempool,
 * immature coinbase), value, the transaction's lockTime, then each input's
 * condition and witness.
 */
import type { Sat } from '../core/amount.js'
import { ChainRuleError } from './errors.js'
import { evaluateCondition } from './evaluate.js'
import {
  assertWellFormed,
  isCoinbase,
  outpointKey,
  sighashes,
  txid as txidOf,
  type OutPoint,
  type Transaction,
  type TxOutput,
} from './transaction.js'

/** Blocks a coinbase output waits before it can be spent (as Bitcoin's COINBASE_MATURITY). */
export const COINBASE_MATURITY = 100

/** An unspent output as validation sees it. */
export interface Coin {
  output: TxOutput
  /** height of the block that confirmed it; null for an output of a mempool transaction */
  height: number | null
  coinbase: boolean
}

/** Who spent an output: in a block (height) or in the mempool (height null). */
export interface Spender {
  txid: string
  inputIndex: number
  height: number | null
}

export interface UtxoView {
  /** an output no block has spent: confirmed, or created by a mempool transaction */
  coin(outpoint: OutPoint): Coin | undefined
  /**
   * tells a spent output from an unknown one, and finds mempool double spends; without it both are UNKNOWN_INPUT /
   * unchecked
   */
  spenderOf?(outpoint: OutPoint): Spender | undefined
  /** true for a txid already confirmed or in the mempool */
  hasTransaction?(txid: string): boolean
}

export interface ValidationOptions {
  /** the chain's current height: the transaction is checked for the next block, height + 1 */
  height: number
}

export interface ValidatedTransaction {
  txid: string
  fee: Sat
  /** the coins the inputs spend, in input order */
  spent: Coin[]
}

/** Throws ChainRuleError with the first rule the transaction breaks; returns what a mempool needs to know. */
export function validateTransaction(tx: Transaction, view: UtxoView, options: ValidationOptions): ValidatedTransaction {
  try {
    assertWellFormed(tx)
  } catch (err) {
    throw new ChainRuleError('MALFORMED_TRANSACTION', (err as Error).message)
  }
  if (isCoinbase(tx))
    throw new ChainRuleError(
      'MALFORMED_TRANSACTION',
      'a transaction needs at least one input (only blocks make coinbases)',
    )
  const txid = txidOf(tx)
  if (view.hasTransaction?.(txid))
    throw new ChainRuleError('ALREADY_KNOWN', `transaction ${txid} is already in the mempool or a block`, { txid })
  const spendingHeight = options.height + 1

  const spent = tx.inputs.map((input, inputIndex): Coin => {
    const key = outpointKey(input.prevout)
    const coin = view.coin(input.prevout)
    const spender = view.spenderOf?.(input.prevout)
    if (!coin) {
      if (spender)
        throw new ChainRuleError(
          'INPUT_ALREADY_SPENT',
          `input ${inputIndex} spends ${key}, which transaction ${spender.txid} spent in block ${spender.height}`,
          { txid, inputIndex, outpoint: key, spentBy: spender.txid, spentAtHeight: spender.height },
        )
      throw new ChainRuleError(
        'UNKNOWN_INPUT',
        `input ${inputIndex} spends ${key}, which does not exist (not in a block nor in the mempool)`,
        { txid, inputIndex, outpoint: key },
      )
    }
    if (spender)
      throw new ChainRuleError(
        'MEMPOOL_CONFLICT',
        `input ${inputIndex} spends ${key}, which mempool transaction ${spender.txid} already spends (no replacement)`,
        { txid, inputIndex, outpoint: key, conflictsWith: spender.txid },
      )
    // the genesis premine is spendable at once, so a fresh chain can fund wallets
    if (coin.coinbase && coin.height !== null && coin.height > 0 && spendingHeight - coin.height < COINBASE_MATURITY) {
      const from = coin.height + COINBASE_MATURITY
      throw new ChainRuleError(
        'IMMATURE_COINBASE',
        `input ${inputIndex} spends a coinbase output of block ${coin.height}, spendable from block ${from} ` +
          `(the next block is ${spendingHeight})`,
        { txid, inputIndex, outpoint: key, spendableFromHeight: from },
      )
    }
    return coin
  })

  const inputValue = spent.reduce((sum, c) => sum + c.output.value, 0n)
  const outputValue = tx.outputs.reduce((sum, o) => sum + o.value, 0n)
  if (outputValue > inputValue)
    throw new ChainRuleError(
      'OUTPUTS_EXCEED_INPUTS',
      `outputs add up to ${outputValue} sat but inputs to only ${inputValue} sat`,
      { txid, inputSat: inputValue.toString(), outputSat: outputValue.toString() },
    )

  if (tx.lockTime >= spendingHeight) {
    throw new ChainRuleError(
      'TIMELOCK_NOT_REACHED',
      `lockTime ${tx.lockTime} lets the transaction into block ${tx.lockTime + 1} at the earliest; ` +
        `the next block is ${spendingHeight}`,
      { txid, lockTime: tx.lockTime, validFromHeight: tx.lockTime + 1 },
    )
  }

  const digests = sighashes(
    tx,
    spent.map((c) => c.output),
  )
  tx.inputs.forEach((input, inputIndex) => {
    const result = evaluateCondition(spent[inputIndex]!.output.condition, input.witness, {
      sighash: digests[inputIndex]!,
      spendingHeight,
      lockTime: tx.lockTime,
      outputHeight: spent[inputIndex]!.height,
    })
    if (!result.satisfied)
      throw new ChainRuleError(result.code, `input ${inputIndex} (${outpointKey(input.prevout)}): ${result.reason}`, {
        txid,
        inputIndex,
        outpoint: outpointKey(input.prevout),
      })
  })
  return { txid, fee: inputValue - outputValue, spent }
}
