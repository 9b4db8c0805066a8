/**
 * The chain's watch contract, in the spirit of Electrum's subscriptions: a
 * client opens the watch stream, registers what it watches (its own txids, the
 * outpoints whose spend it waits for) on the session the stream named, and then
 * receives each block as its header and only the transactions that match, plus
 * the block's channel outputs (every 2-of-2 output created or spent, which
 * gossip checks announcements against). A block's channel outputs are written
 * once and sent to every session as the same bytes; nothing a session receives
 * grows with the rest of the block.
 *
 *   GET  /v1/watch/events          → `session` {id, height, hash}, then `block` events once registered
 *   POST /v1/watch/:session        {from?, add}: registers, catches up from `from`, answers earlier matches of `add`
 *   GET  /v1/outputs/:height/:txIndex/:vout  an output by its position in the chain (a short channel id's parts)
 *   POST /v1/utxos                 the unspent outputs of many addresses at once
 */
import { z } from 'zod'
import { CONDITION_TEXT_MAX, TransactionJson, hex32, satAmount, uint32 } from '../../chain/transactionJson.js'

const height = z.number().int().min(0)

/** The most items one watch request adds: a node watches a few per channel. */
export const MAX_WATCH_ITEMS_PER_REQUEST = 10_000
/** The most addresses one utxos request asks about. */
export const MAX_UTXO_ADDRESSES_PER_REQUEST = 1_000

const OutPointJson = z.strictObject({ txid: hex32, vout: uint32 })

export const WatchItems = z.strictObject({
  /** transactions whose confirmation the client waits for (its own, a channel's funding) */
  txids: z.array(hex32).max(MAX_WATCH_ITEMS_PER_REQUEST).default([]),
  /** outputs whose spend the client waits for (a channel's funding output, a commitment's outputs) */
  outpoints: z.array(OutPointJson).max(MAX_WATCH_ITEMS_PER_REQUEST).default([]),
})
export type WatchItems = z.output<typeof WatchItems>

export const WatchRequest = z.strictObject({
  /**
   * on a session's first request: the last height the client has processed. The session then sends every block
   * above it (with the matches of everything watched so far), and every later block as it is mined.
   */
  from: height.optional(),
  add: WatchItems,
})
export type WatchRequest = z.input<typeof WatchRequest>

/** A transaction of a block that matches what a session watches. */
export const WatchMatch = z.object({ height, txIndex: z.number().int().min(0), txid: hex32, tx: TransactionJson })
export type WatchMatch = z.output<typeof WatchMatch>

/** What a watch request adds, as far as the blocks the session already sent: found before it was watched. */
export const WatchResponse = z.object({
  /** the highest block the session has sent (or will have sent once its catch-up is written) */
  height,
  matches: z.array(WatchMatch),
})
export type WatchResponse = z.output<typeof WatchResponse>

/** A 2-of-2 output a block created: the funding output of a channel, identified as a short channel id does. */
export const ChannelOutputJson = z.object({
  txIndex: z.number().int().min(0),
  vout: uint32,
  txid: hex32,
  valueSat: satAmount,
  /**
   * its spending condition as text, parsed by whoever needs it: a node checks a channel's funding output once, when
   * the announcement comes, and most blocks' outputs are those of channels it hears of later or never (private ones)
   */
  condition: z.string().max(CONDITION_TEXT_MAX),
})
export const ChannelOutputs = z.object({
  created: z.array(ChannelOutputJson),
  /** 2-of-2 outputs the block spent (a channel closed) */
  spent: z.array(OutPointJson),
})
export type ChannelOutputs = z.output<typeof ChannelOutputs>

/** The first event of a watch stream: the session to register on, and the tip when it opened. */
export const WatchSessionEvent = z.object({ id: z.string().min(1).max(64), height, hash: hex32 })
export type WatchSessionEvent = z.output<typeof WatchSessionEvent>

/**
 * Blocks this session was sent were replaced (a reorganization): the last block both branches share. The session is
 * closed; the client rewinds to `forkHeight` and opens a new one.
 */
export const WatchReorgEvent = z.object({ forkHeight: height })
export type WatchReorgEvent = z.output<typeof WatchReorgEvent>

/** One block, as a watching session receives it. */
export const FilteredBlockEvent = z.object({
  height,
  hash: hex32,
  prevHash: hex32,
  time: uint32,
  /** the block's transactions that match what the session watches, in block order */
  matches: z.array(WatchMatch),
  channelOutputs: ChannelOutputs,
})
export type FilteredBlock = z.output<typeof FilteredBlockEvent>

export const UtxosRequest = z.strictObject({
  addresses: z.array(z.string().max(200)).min(1).max(MAX_UTXO_ADDRESSES_PER_REQUEST),
})
export type UtxosRequest = z.input<typeof UtxosRequest>
const UtxoJson = z.object({
  txid: hex32,
  vout: uint32,
  valueSat: satAmount,
  blockHeight: height.nullable(),
  confirmations: z.number().int().min(0),
})
/** Per address asked, in the same order: its unspent outputs, unconfirmed ones included. */
export const UtxosResponse = z.object({
  addresses: z.array(z.object({ address: z.string(), utxos: z.array(UtxoJson) })),
})
export type UtxosResponse = z.output<typeof UtxosResponse>
