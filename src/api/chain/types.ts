/**
 * The chain daemon's HTTP contract: request bodies, response bodies and events.
 * The server writes the JSON (input) side of these schemas; the client parses
 * responses through them into typed values (bigint sat, Uint8Array, Transaction).
 */
import { z } from 'zod'
import { fromHex } from '../../core/bytes.js'
import { BlockJson, TransactionJson, conditionText, hex32, satAmount, uint32 } from '../../chain/transactionJson.js'
import { TX_LIMITS } from '../../chain/transaction.js'

export const NETWORK_NAME = 'lnsim-regtest'
export const API_PREFIX = '/v1'
/**
 * Where `lnsim chain start` listens by default: a port no common daemon takes. Not 18443 (bitcoind's regtest RPC,
 * which Polar, Nigiri and anyone running regtest already hold; Polar numbers further bitcoinds 18444, 18445, …),
 * nor 19444+ / 28334+ (Polar's bitcoind P2P and ZMQ), 9735 (Lightning P2P), 10009 or 8080 (LND). Below Linux's and
 * Windows' ephemeral ranges (32768+, 49152+), so no outgoing connection is handed it. Not assigned by IANA.
 */
export const DEFAULT_CHAIN_PORT = 18800
export const DEFAULT_CHAIN_URL = `http://127.0.0.1:${DEFAULT_CHAIN_PORT}`
export const MAX_BLOCKS_PER_MINE = 10_000

const height = z.number().int().min(0)
const count = z.number().int().min(0)

export const ChainInfo = z.object({
  network: z.string(),
  chainHash: hex32.transform((h) => fromHex(h, 32)),
  height,
  tipHash: hex32,
  tipTime: uint32,
  mempoolSize: count,
  faucetAddress: z.string(),
  faucetPaidOutSat: satAmount,
  blockIntervalMs: z.number().int().positive().nullable(),
  /** requests answered since the daemon started (absent from daemons older than the watch contract) */
  requestsServed: count.optional(),
  /** of those, requests refused as overloaded (503) because the daemon was at its admission limit */
  requestsRefused: count.optional(),
  /** watch streams open now */
  watchSessions: count.optional(),
})
export type ChainInfo = z.output<typeof ChainInfo>

export const SubmitResponse = z.object({ txid: hex32, feeSat: satAmount })
export type SubmitResponse = z.output<typeof SubmitResponse>

export const TransactionStatus = z.object({
  txid: hex32,
  tx: TransactionJson,
  status: z.enum(['mempool', 'confirmed']),
  blockHeight: height.nullable(),
  blockHash: hex32.nullable(),
  confirmations: count,
  feeSat: satAmount,
})
export type TransactionStatus = z.output<typeof TransactionStatus>

export const BlockResponse = BlockJson.extend({ txids: z.array(hex32), confirmations: count })
export type BlockResponse = z.output<typeof BlockResponse>

export const OutpointStatus = z.object({
  txid: hex32,
  vout: uint32,
  valueSat: satAmount,
  condition: conditionText,
  /** for sig() outputs */
  address: z.string().nullable(),
  coinbase: z.boolean(),
  blockHeight: height.nullable(),
  confirmations: count,
  /** null while unspent; blockHeight null while the spend is in the mempool */
  spentBy: z.object({ txid: hex32, inputIndex: count, blockHeight: height.nullable() }).nullable(),
})
export type OutpointStatus = z.output<typeof OutpointStatus>

export const AddressUtxos = z.object({
  address: z.string(),
  utxos: z.array(
    z.object({ txid: hex32, vout: uint32, valueSat: satAmount, blockHeight: height.nullable(), confirmations: count }),
  ),
})
export type AddressUtxos = z.output<typeof AddressUtxos>

/** What the chain estimates when nothing set it: the floor of 1 sat/vbyte (bitcoind's minimum relay fee). */
export const DEFAULT_FEERATE_PER_KW = 253
/** The lowest estimate the chain takes: below 253 sat/kw a transaction would not relay. */
export const MIN_FEERATE_PER_KW = 253
/** The highest: 1,000,000 sat/kw is 4,000 sat/vbyte, far above any fee spike Bitcoin has seen. */
export const MAX_FEERATE_PER_KW = 1_000_000

/** The chain's fee-rate estimate, in sat per 1000 weight units (GET and POST /v1/feerate). */
export const Feerate = z.strictObject({
  satPerKw: z.number().int().min(MIN_FEERATE_PER_KW).max(MAX_FEERATE_PER_KW),
})
export type Feerate = z.output<typeof Feerate>

export const MineRequest = z.strictObject({
  blocks: z.number().int().min(1).max(MAX_BLOCKS_PER_MINE),
  address: z.string().optional(),
})
export type MineRequest = z.input<typeof MineRequest>
export const MineResponse = z.object({ height, hashes: z.array(hex32) })
export type MineResponse = z.output<typeof MineResponse>

/**
 * Replaces the last `depth` blocks with `depth + 1` new ones (a reorganization); transactions in `leaveOut` (and
 * what spends them) stay out of the new blocks and wait in the mempool.
 */
export const ReorgRequest = z.strictObject({
  depth: z.number().int().min(1),
  leaveOut: z.array(hex32).max(1000).default([]),
})
export type ReorgRequest = z.input<typeof ReorgRequest>
export const ReorgResponse = z.object({
  forkHeight: height,
  replaced: z.array(hex32),
  height,
  hashes: z.array(hex32),
  leftOut: z.array(hex32),
  invalidated: z.array(hex32),
})
export type ReorgResponse = z.output<typeof ReorgResponse>

export const FaucetRequest = z.strictObject({
  address: z.string(),
  amountSat: satAmount,
  confirm: z.boolean().optional(),
})
export type FaucetRequest = z.input<typeof FaucetRequest>
export const FaucetResponse = z.object({
  txid: hex32,
  vout: uint32,
  address: z.string(),
  amountSat: satAmount,
  blockHeight: height.nullable(),
  blockHash: hex32.nullable(),
})
export type FaucetResponse = z.output<typeof FaucetResponse>
/** The most payments one faucet transaction makes: a transaction's outputs, less the faucet's change. */
export const MAX_FAUCET_PAYMENTS = TX_LIMITS.maxOutputs - 1
export const FaucetBatchRequest = z.strictObject({
  payments: z
    .array(z.strictObject({ address: z.string(), amountSat: satAmount }))
    .min(1)
    .max(MAX_FAUCET_PAYMENTS),
  confirm: z.boolean().optional(),
})
export type FaucetBatchRequest = z.input<typeof FaucetBatchRequest>
/** One transaction: payment i is output i. */
export const FaucetBatchResponse = z.object({
  txid: hex32,
  blockHeight: height.nullable(),
  blockHash: hex32.nullable(),
})
export type FaucetBatchResponse = z.output<typeof FaucetBatchResponse>

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
})

/** Server-sent events: `tip` once on connecting, then `block` and `tx` as they happen. */
export const TipEvent = z.object({ height, hash: hex32 })
export const BlockEvent = z.object({ height, hash: hex32, time: uint32, txids: z.array(hex32) })
export const TxEvent = z.object({ txid: hex32 })

export type ChainEvent =
  | ({ type: 'tip' } & z.output<typeof TipEvent>)
  | ({ type: 'block' } & z.output<typeof BlockEvent>)
  | ({ type: 'tx' } & z.output<typeof TxEvent>)
