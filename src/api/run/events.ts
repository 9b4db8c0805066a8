/**
 * The events of a run, as `lnsim run --events FILE` writes them (one JSON
 * object a line) and as the runner, `lnsim watch` and the dashboard read them:
 * every node's events and the chain's on one clock (ms since the epoch).
 */
import { z } from 'zod'
import { NodeEvent } from '../node/events.js'
import { hex32 } from '../node/schemas.js'

/** A block, as the chain announced it. */
export const ChainBlockEvent = z.object({
  type: z.literal('chain_block'),
  height: z.number().int().nonnegative(),
  hash: z.string().max(128),
  time: z.number(),
  txids: z.array(hex32).max(100_000),
})
export type ChainBlockEvent = z.infer<typeof ChainBlockEvent>

/** A transaction entered the chain's mempool; `time` is when the runner heard of it. */
export const ChainTxEvent = z.object({ type: z.literal('chain_tx'), txid: hex32, time: z.number() })
export type ChainTxEvent = z.infer<typeof ChainTxEvent>

export const RunEvent = z.union([NodeEvent, ChainBlockEvent, ChainTxEvent])
export type RunEvent = z.infer<typeof RunEvent>
