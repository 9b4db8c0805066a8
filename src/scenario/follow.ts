/**
 * Following event streams for as long as they matter: a node's (reconnecting
 * when the stream breaks, since a node may restart on a new API port) and the
 * chain's. Used by a launched network and by `lnsim watch`.
 */
import type { NodeClient } from '../api/client.js'
import type { ChainHttp } from './chainHttp.js'
import type { NetworkEvent } from './observer.js'
import { sleep } from './pool.js'

/** Pause before reconnecting a broken stream. */
export const RECONNECT_MS = 300

/** Streams a node's events to onEvent until the signal aborts or `alive()` says the node is gone for good. */
export async function followNodeEvents(client: () => NodeClient | Promise<NodeClient>, onEvent: (e: NetworkEvent) => void, signal: AbortSignal, alive: () => boolean = () => true): Promise<void> {
  while (!signal.aborted && alive()) {
    try {
      for await (const e of (await client()).events({ signal })) onEvent(e)
    } catch {
      // the node stopped or the stream broke: try again while it runs
    }
    await sleep(RECONNECT_MS, signal).catch(() => {})
  }
}

export async function followChainEvents(chain: ChainHttp, onEvent: (e: NetworkEvent) => void, signal: AbortSignal, alive: () => boolean = () => true): Promise<void> {
  while (!signal.aborted && alive()) {
    try {
      for await (const e of chain.events(signal)) onEvent(e.type === 'block' ? { type: 'chain_block', ...e.block } : { type: 'chain_tx', txid: e.txid, time: Date.now() })
    } catch {
      // the chain restarted or the stream broke: reconnect below
    }
    await sleep(RECONNECT_MS, signal).catch(() => {})
  }
}
