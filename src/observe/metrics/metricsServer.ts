/**
 * A Prometheus endpoint (`GET /metrics`) for a running network, on 127.0.0.1 only: the metrics say who pays whom
 * and how much, so they are not offered to the network. Anything but GET /metrics is a 404.
 */
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { ObserveError } from '../errors.js'
import {
  METRICS_PATH,
  PROMETHEUS_CONTENT_TYPE,
  renderPrometheus,
  type MetricFamily,
} from '../../api/http/prometheusText.js'

export const METRICS_HOST = '127.0.0.1'

export interface MetricsServer {
  url: string
  stop(): Promise<void>
}

export async function startMetricsServer(port: number, families: () => MetricFamily[]): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (req.method !== 'GET' || path !== METRICS_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`only GET ${METRICS_PATH} is served\n`)
      return
    }
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(renderPrometheus(families()))
  })
  server.listen(port, METRICS_HOST)
  try {
    await once(server, 'listening')
  } catch (err) {
    throw new ObserveError(
      'PORT_IN_USE',
      `cannot serve metrics on ${METRICS_HOST}:${port} (${(err as Error).message}); give another --metrics-port, ` +
        'or 0 for any free one',
    )
  }
  const address = server.address()
  const bound = typeof address === 'object' && address ? address.port : port
  return {
    url: `http://${METRICS_HOST}:${bound}${METRICS_PATH}`,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}
