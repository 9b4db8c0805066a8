/**
 * Live inputs for the dashboard, read the way any client reads them: each
 * node's control API (a snapshot on attach and after every reconnect) and its
 * event stream, and the chain's blocks. Nothing here reaches into a process.
 */
import type { NodeClient } from '../../api/node/client.js'
import { ChainClient, type ChainEvent } from '../../api/chain/index.js'
import { RECENT_BLOCKS } from './chainModel.js'
import type { DashboardInput } from './views.js'

export type Publish = (input: DashboardInput) => void

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', () => (clearTimeout(timer), done()), { once: true })
  })
}

/** Follows one node until the signal aborts: its stream first, then its snapshot, so nothing falls between them. */
export async function followNode(
  client: NodeClient,
  publish: Publish,
  signal: AbortSignal,
  retryMs = 1000,
): Promise<void> {
  let nodeId: string | null = null
  while (!signal.aborted) {
    // caught at once: a stream that fails while the snapshot is read must not be an unhandled rejection
    const streamed = (async () => {
      for await (const e of client.events({ signal })) publish(e)
    })().catch(() => {})
    try {
      const [info, channels, payments] = await Promise.all([client.info(), client.channels(), client.payments()])
      nodeId = info.nodeId
      publish({ type: 'node_snapshot', time: Date.now(), info, channels, payments })
      await streamed
    } catch {
      // the node is down or restarting; the stream's own failure is the same news
    }
    await streamed
    if (signal.aborted) return
    if (nodeId) publish({ type: 'node_offline', node: nodeId, time: Date.now() })
    await sleep(retryMs, signal)
  }
}

function blockInput(b: Omit<Extract<ChainEvent, { type: 'block' }>, 'type'>): DashboardInput {
  // the chain counts unix seconds, the dashboard ms
  return { type: 'chain_block', height: b.height, hash: b.hash, time: b.time * 1000, txids: b.txids }
}

/** Follows the chain: the last blocks on attach, then each new one. */
export async function followChain(chainUrl: string, publish: Publish, signal: AbortSignal): Promise<void> {
  const chain = new ChainClient({ url: chainUrl })
  try {
    const tip = (await chain.info({ signal })).height
    for (let h = Math.max(0, tip - RECENT_BLOCKS + 1); h <= tip; h++)
      publish(blockInput(await chain.getBlock(h, { signal })))
  } catch {
    // not up yet, or a block could not be read: the block stream carries on from here
  }
  await chain.subscribe((e) => e.type === 'block' && publish(blockInput(e)), { signal, types: ['block'] })
}
