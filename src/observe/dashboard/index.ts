/**
 * The web dashboard: the network's graph with channel balances, payments
 * moving hop by hop, the payments table, fees per node, and the chain, in a
 * browser, on 127.0.0.1.
 *
 * @example
 * ```ts
 * // beside a runner that already reads every node's and the chain's events:
 * const dashboard = await startDashboard({ port: 0 })
 * console.log(dashboard.url)
 * net.onEvent((e) => dashboard.publish(e))
 * // …
 * await dashboard.stop()
 * ```
 *
 * Or attached to a running network (`nodes`, `chainUrl`), or serving a
 * finished run's events file (`replay`, from readEventsFile).
 */
import type { NodeClient } from '../../api/node/client.js'
import type { NodeEvent } from '../../api/node/events.js'
import { DashboardHub } from './hub.js'
import { followChain, followNode } from './liveSources.js'
import { serveDashboard } from './server.js'
import type { ChainBlockEvent, ChainTxEvent, DashboardInput } from './views.js'

export { readEventsFile, toDashboardInput, EventsFileError } from './eventsFile.js'
export { readRunDir, type RunTargets } from './runDir.js'
export type { ChainBlockEvent, ChainTxEvent, DashboardInput } from './views.js'

export interface DashboardOptions {
  /** port to listen on. @default 0 (a free one) */
  port?: number
  /** address to listen on. @default 127.0.0.1 */
  host?: string
  /** ms between two updates sent to the browser. @default 150 */
  batchIntervalMs?: number
  /** nodes to attach to: a snapshot of each control API, then its event stream */
  nodes?: NodeClient[]
  /** the chain's HTTP API, for its height and blocks */
  chainUrl?: string
  /** a finished run's inputs (readEventsFile): served with a timeline, and live inputs are ignored */
  replay?: readonly DashboardInput[]
}

export interface Dashboard {
  /** where to point a browser, e.g. http://127.0.0.1:40123/ */
  url: string
  /**
   * Feeds one event (a node's, or the chain's); cheap, the page is updated at the next batch. Events it does not show
   * are ignored.
   */
  publish(event: NodeEvent | ChainBlockEvent | ChainTxEvent): void
  /** Stops following sources and closes the server and every browser's stream. */
  stop(): Promise<void>
}

export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const hub = new DashboardHub({
    ...(options.batchIntervalMs !== undefined ? { batchIntervalMs: options.batchIntervalMs } : {}),
    ...(options.replay ? { replay: options.replay } : {}),
  })
  const server = await serveDashboard(hub, options.port ?? 0, options.host)
  hub.start()
  const sources = new AbortController()
  const publish = (input: DashboardInput): void => hub.publish(input)
  // a mempool transaction shows once a node labels it or a block holds it
  const publishEvent = (event: NodeEvent | ChainBlockEvent | ChainTxEvent): void => {
    if (event.type !== 'chain_tx') publish(event)
  }
  const following = [
    ...(options.nodes ?? []).map((client) => followNode(client, publish, sources.signal)),
    ...(options.chainUrl ? [followChain(options.chainUrl, publish, sources.signal)] : []),
  ]
  let stopped: Promise<void> | undefined
  return {
    url: server.url,
    publish: publishEvent,
    stop() {
      stopped ??= (async () => {
        sources.abort()
        await Promise.allSettled(following)
        hub.stop()
        await server.close()
      })()
      return stopped
    },
  }
}
