/**
 * The dashboard's HTTP server, on loopback only: the page and its scripts
 * (read as they are from the source tree: no build step at run time),
 * cytoscape from node_modules, the current picture as JSON, a server-sent
 * events feed of batches, and the replay timeline's controls.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import { LnsimError } from '../../core/errors.js'
import { toJson } from '../../core/json.js'
import { FOREIGN_REQUEST_STATUS, foreignRequest } from '../../api/http/loopbackGuard.js'
import { openSseStream, type SseStream } from '../../api/http/sseStream.js'
import { ReplayCommand, type DashboardHub, type HubMessage } from './hub.js'

export const DASHBOARD_HOST = '127.0.0.1'
const MAX_BODY = 10_000
/**
 * A browser this far behind gets cut off; it reconnects and starts again from
 * a snapshot. Above the node and chain streams' limit: one snapshot of a
 * 500-node network is a few MB, and a tab in the background reads slowly.
 */
export const DASHBOARD_MAX_BUFFERED_BYTES = 16 * 1024 * 1024

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
}

interface Asset {
  type: string
  body: Buffer
}

/**
 * Source runs (tsx, vitest) find static/ beside this file; the bundle finds it
 * in the source tree it ships with, from dist/ or from one of dist/chunks/.
 */
function staticDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const shipped = (up: string): string => join(here, up, 'src', 'observe', 'dashboard', 'static')
  for (const dir of [join(here, 'static'), shipped('..'), shipped(join('..', '..'))]) {
    if (existsSync(join(dir, 'index.html'))) return dir
  }
  throw new LnsimError('DASHBOARD_ASSETS_MISSING', `the dashboard page is missing (looked beside ${here}); reinstall lnsim`)
}

function loadAssets(): Map<string, Asset> {
  const dir = staticDir()
  const assets = new Map<string, Asset>()
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)]
    if (type) assets.set(`/assets/${name}`, { type, body: readFileSync(join(dir, name)) })
  }
  assets.set('/', assets.get('/assets/index.html')!)
  let cytoscape: string
  try {
    cytoscape = join(dirname(createRequire(import.meta.url).resolve('cytoscape/dist/cytoscape.min.js')), 'cytoscape.esm.min.mjs')
  } catch {
    throw new LnsimError('DASHBOARD_ASSETS_MISSING', 'cytoscape is not installed: run `npm install` in the lnsim folder')
  }
  assets.set('/vendor/cytoscape.mjs', { type: CONTENT_TYPES['.mjs']!, body: readFileSync(cytoscape) })
  return assets
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = toJson(body)
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(text)
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { error: { code, message } })
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY) throw new LnsimError('BODY_TOO_LARGE', `a request body is at most ${MAX_BODY} bytes`)
    chunks.push(chunk)
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

export interface DashboardServer {
  url: string
  close(): Promise<void>
}

export async function serveDashboard(hub: DashboardHub, port = 0): Promise<DashboardServer> {
  const assets = loadAssets()
  const streams = new Set<SseStream>()
  let boundPort = port

  const openStream = (res: ServerResponse): void => {
    let unsubscribe = (): void => {}
    const stream = openSseStream(res, {
      preamble: 'retry: 1000\n\n',
      cacheControl: 'no-store',
      maxBufferedBytes: DASHBOARD_MAX_BUFFERED_BYTES,
      onClose: () => {
        unsubscribe()
        streams.delete(stream)
      },
    })
    streams.add(stream)
    unsubscribe = hub.subscribe((m: HubMessage) => stream.send(m.event, m.data))
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // loopback only, and only for its own page: another site can neither call it nor rebind its DNS to it
    const refused = foreignRequest(req.headers, boundPort)
    if (refused) return sendError(res, FOREIGN_REQUEST_STATUS, refused.code, refused.message)
    const host = req.headers.host!
    const path = new URL(req.url ?? '/', `http://${host}`).pathname
    if (req.method === 'GET') {
      const asset = assets.get(path)
      if (asset) {
        res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache' })
        return void res.end(asset.body)
      }
      if (path === '/favicon.ico') return void res.writeHead(204).end()
      if (path === '/api/state') return send(res, 200, hub.snapshot())
      if (path === '/api/events') return openStream(res)
      return sendError(res, 404, 'NOT_FOUND', `no page ${path}`)
    }
    if (req.method === 'POST' && path === '/api/replay') {
      let body: unknown
      try {
        body = await readBody(req)
      } catch (err) {
        return sendError(res, 400, 'INVALID_BODY', err instanceof LnsimError ? err.message : 'the body must be JSON')
      }
      const command = ReplayCommand.safeParse(body)
      if (!command.success) return sendError(res, 400, 'INVALID_BODY', `${command.error.issues[0]!.path.join('.') || 'body'}: ${command.error.issues[0]!.message}`)
      if (hub.mode !== 'replay') return sendError(res, 409, 'NOT_REPLAYING', 'this dashboard shows a live network; the timeline exists only with --replay')
      return send(res, 200, hub.control(command.data))
    }
    return sendError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} ${path} is not served`)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', (err as Error).message)
      else res.end()
    })
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'EADDRINUSE' ? new LnsimError('PORT_IN_USE', `port ${port} on ${DASHBOARD_HOST} is taken; pick another with --port, or 0 for any free one`) : err),
    )
    server.listen(port, DASHBOARD_HOST, () => ok())
  })
  boundPort = (server.address() as AddressInfo).port
  return {
    url: `http://${DASHBOARD_HOST}:${boundPort}/`,
    async close() {
      for (const stream of [...streams]) stream.end()
      await new Promise<void>((ok) => {
        server.close(() => ok())
        server.closeAllConnections()
      })
    },
  }
}
