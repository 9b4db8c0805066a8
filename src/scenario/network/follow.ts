/**
 * Following event streams for as long as they matter: a node's (reconnecting
 * when the stream breaks, since a node may restart on a new API port) and the
 * chain's. Used by a launched network and by `lnsim watch`.
 */
import type { NodeClient } from '../../api/node/client.js'
import type { ChainClient } from '../../api/chain/index.js'
import type { NetworkEvent } from './observer.js'
import { sleep } from './pool.js'

/** Pause before reconnecting a broken stream. */
export const RECONNECT_MS = 300

/** Streams a node's events to onEvent until the signal aborts or `alive()` says the node is gone for good. */
export async function followNodeEvents(
  client: () => NodeClient | Promise<NodeClient>,
  onEvent: (e: NetworkEvent) => void,
  signal: AbortSignal,
  alive: () => boolean = () => true,
): Promise<void> {
  while (!signal.aborted && alive()) {
    try {
      for await (const e of (await client()).events({ signal })) onEvent(e)
    } catch {
      // the node stopped or the stream broke: try again while it runs
    }
    await sleep(RECONNECT_MS, signal).catch(() => {})
  }
}

/** Blocks and mempool transactions until the signal aborts, or until the chain is gone for good (`alive`). */
export async function followChainEvents(
  chain: ChainClient,
  onEvent: (e: NetworkEvent) => void,
  signal: AbortSignal,
  alive: () => boolean = () => true,
): Promise<void> {
  const following = new AbortController()
  const stop = (): void => following.abort()
  signal.addEventListener('abort', stop, { once: true })
  try {
    await chain.subscribe(
      (e) => {
        // the chain counts unix seconds, events ms
        if (e.type === 'block')
          onEvent({ type: 'chain_block', height: e.height, hash: e.hash, time: e.time * 1000, txids: e.txids })
        else if (e.type === 'tx') onEvent({ type: 'chain_tx', txid: e.txid, time: Date.now() })
      },
      // the chain restarted or the stream broke: it reconnects, unless the chain is gone
      {
        signal: following.signal,
        types: ['block', 'tx'],
        reconnectDelayMs: RECONNECT_MS,
        onError: () => alive() || stop(),
      },
    )
  } finally {
    signal.removeEventListener('abort', stop)
  }
}
