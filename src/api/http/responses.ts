/**
 * Writing an answer: JSON or a static file, each in one write with its length.
 */
import type { ServerResponse } from 'node:http'
import { toJson } from '../../core/json.js'
import { RawJson } from './rawJson.js'
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus, type MetricFamily } from './prometheusText.js'
import type { StaticAsset } from './route.js'

/**
 * `value` as JSON (bigints as decimal strings; RawJson as it is written), its length in the headers and
 * the body in one `end()`. `no-store`: an answer is the state of a live
 * process, which a browser (the dashboard's page) must ask for again.
 */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = value instanceof RawJson ? value.text : toJson(value)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  })
  res.end(body)
}

/**
 * `no-cache`: the files belong to the installed lnsim, which an update changes under the same names; a browser asks
 * whether its copy is still good.
 */
export function sendAsset(res: ServerResponse, asset: StaticAsset): void {
  if (asset.body === null) return void res.writeHead(204).end()
  res.writeHead(200, {
    'content-type': asset.contentType,
    'content-length': asset.body.byteLength,
    'cache-control': 'no-cache',
  })
  res.end(asset.body)
}

/** Metrics in the Prometheus text format; `no-store` as for JSON: a scrape is the state of a live process. */
export function sendMetrics(res: ServerResponse, families: readonly MetricFamily[]): void {
  const body = renderPrometheus(families)
  res.writeHead(200, {
    'content-type': PROMETHEUS_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  })
  res.end(body)
}
