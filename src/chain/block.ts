/**
 * Blocks: a header (height, previous hash, merkle root of the txids, time)
 * whose double sha256 is the block hash, and the transactions, coinbase first.
 * The coinbase pays the regtest subsidy (50 BTC, halving every 150 blocks, as
 * bitcoind -regtest) plus the block's fees; the genesis coinbase instead holds
 * the faucet's premine.
 */
import type { Sat } from '../core/amount.js'
import { concatBytes, fromHex, toHex, u32be } from '../core/bytes.js'
import { sha256 } from '../crypto/hash.js'
import type { Condition } from './condition.js'
import { txidBytes, type Transaction, type TxOutput } from './transaction.js'

export interface Block {
  height: number
  /** 64 hex characters */
  hash: string
  prevHash: string
  /** unix seconds */
  time: number
  /** the coinbase first */
  txs: Transaction[]
}

export const ZERO_HASH = '00'.repeat(32)
/** 1,000,000 BTC to the faucet in the genesis block. */
export const GENESIS_PREMINE_SAT: Sat = 100_000_000_000_000n
export const INITIAL_SUBSIDY_SAT: Sat = 50n * 100_000_000n
/** bitcoind's regtest halving interval */
export const HALVING_INTERVAL = 150

export function blockSubsidy(height: number): Sat {
  const halvings = Math.floor(height / HALVING_INTERVAL)
  return halvings >= 64 ? 0n : INITIAL_SUBSIDY_SAT >> BigInt(halvings)
}

/** Bitcoin's merkle tree: pairs hashed with double sha256, an odd last node paired with itself. */
export function merkleRoot(txids: Uint8Array[]): Uint8Array {
  if (txids.length === 0) return new Uint8Array(32)
  let level = txids
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2) next.push(sha256(sha256(level[i]!, level[i + 1] ?? level[i]!)))
    level = next
  }
  return level[0]!
}

export function blockHash(header: { height: number; prevHash: string; time: number; txs: Transaction[] }): string {
  const root = merkleRoot(header.txs.map(txidBytes))
  return toHex(
    sha256(sha256(concatBytes(u32be(header.height), fromHex(header.prevHash, 32), root, u32be(header.time)))),
  )
}

export function makeBlock(header: { height: number; prevHash: string; time: number; txs: Transaction[] }): Block {
  return { ...header, hash: blockHash(header) }
}

/**
 * lockTime carries the height, so every coinbase has its own txid (BIP 34). A block with nothing to pay has no outputs.
 */
export function coinbaseTransaction(height: number, outputs: TxOutput[]): Transaction {
  return { version: 1, lockTime: height, inputs: [], outputs: outputs.filter((o) => o.value > 0n) }
}

export function genesisBlock(faucet: Condition, time: number): Block {
  return makeBlock({
    height: 0,
    prevHash: ZERO_HASH,
    time,
    txs: [coinbaseTransaction(0, [{ value: GENESIS_PREMINE_SAT, condition: faucet }])],
  })
}
