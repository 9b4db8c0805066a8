/**
 * Live inputs for the dashboard, read the way any client reads them: each
 * node's control API (a snapshot on attach and after every reconnect) and its
 * event stream, and the chain's blocks. Nothing here reaches into a process.
 */
import type { NodeClient } from '../../api/client.js'
import { ChainReader } from '../chainReader.js'
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
export async function followNode(client: NodeClient, publish: Publish, signal: AbortSignal, retryMs = 1000): Promise<void> {
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

/** Follows the chain: the last blocks on attach, then each new one. */
export async function followChain(chainUrl: string, publish: Publish, signal: AbortSignal): Promise<void> {
  const reader = new ChainReader(chainUrl)
  let queue = Promise.resolve()
  const fetchBlock = (h: number): void => {
    queue = queue.then(async () => {
      try {
        publish(await reader.block(h, signal))
      } catch {
        // a block we could not read stays out of the recent list; the height still shows
      }
    })
  }
  try {
    const tip = await reader.tipHeight(signal)
    for (let h = Math.max(0, tip - RECENT_BLOCKS + 1); h <= tip; h++) fetchBlock(h)
  } catch {
    // not up yet: the block stream will catch up
  }
  await reader.followBlocks(fetchBlock, signal)
  await queue
}
