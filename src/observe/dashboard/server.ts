/**
 * The dashboard's HTTP server (src/api/http/server.ts), on loopback unless told otherwise: the
 * page and its scripts, the current picture as JSON, a server-sent events feed
 * of batches, and the replay timeline's controls.
 */
import { route } from '../../api/http/route.js'
import { LISTEN_HOST, startHttpServer, type RunningHttpServer } from '../../api/http/server.js'
import { loadAssets } from './assets.js'
import { ReplayCommand, type DashboardHub, type HubMessage } from './hub.js'
import { ObserveError } from '../errors.js'

/** The page sends small replay commands only. */
const DASHBOARD_MAX_BODY_BYTES = 10_000
/**
 * A browser this far behind gets cut off; it reconnects and starts again from
 * a snapshot. Above the node and chain streams' limit: one snapshot of a
 * 500-node network is a few MB, and a tab in the background reads slowly.
 */
export const DASHBOARD_MAX_BUFFERED_BYTES = 16 * 1024 * 1024

export interface DashboardServer {
  url: string
  close(): Promise<void>
}

export async function serveDashboard(hub: DashboardHub, port = 0, host = LISTEN_HOST): Promise<DashboardServer> {
  let server: RunningHttpServer
  try {
    server = await startHttpServer({
      name: 'the dashboard',
      port,
      host,
      assets: loadAssets(),
      routes: [
        route('GET', '/api/state', undefined, () => hub.snapshot()),
        // a live dashboard has no timeline: NotReplayingError, 409
        route('POST', '/api/replay', ReplayCommand, ({ body }) => hub.control(body)),
      ],
      streams: [
        {
          path: '/api/events',
          // EventSource reconnects after a second, and the hub starts it again from a snapshot
          preamble: 'retry: 1000\n\n',
          cacheControl: 'no-store',
          maxBufferedBytes: DASHBOARD_MAX_BUFFERED_BYTES,
          open: (send) => hub.subscribe((m: HubMessage) => send(m.event, m.data)),
        },
      ],
      errorStatus: { NOT_REPLAYING: 409 },
      maxBodyBytes: DASHBOARD_MAX_BODY_BYTES,
      notFoundHint: 'the page is at /',
    })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new ObserveError(
        'PORT_IN_USE',
        `port ${port} on ${host} is taken; pick another with --port, or 0 for any free one`,
      )
    throw err
  }
  return { url: `${server.url}/`, close: () => server.close() }
}
