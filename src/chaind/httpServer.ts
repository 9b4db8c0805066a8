/**
 * A small JSON-over-HTTP server on loopback: routes by method and path
 * pattern, bodies capped at 1 MB and parsed with the route's schema, every
 * failure a `{ "error": { code, message, field? } }` with a 4xx status (5xx
 * only for a bug), and server-sent-event streams with a heartbeat. Requests
 * from web pages of other sites are refused (src/api/http/loopbackGuard.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { z } from 'zod'
import { InvalidInputError, LnsimError } from '../core/errors.js'
import { toJson } from '../core/json.js'
import { FOREIGN_REQUEST_STATUS, foreignRequest } from '../api/http/loopbackGuard.js'
import { openSseStream } from '../api/http/sseStream.js'
import { parseWith } from '../chain/transactionJson.js'

export const MAX_BODY_BYTES = 1024 * 1024
/** How long an idle kept-alive connection stays open (Node's default is 5 s). */
export const KEEP_ALIVE_TIMEOUT_MS = 60_000

export interface RouteContext<B> {
  params: Record<string, string>
  body: B
}

export interface Route {
  method: 'GET' | 'POST'
  /** e.g. /v1/outpoints/:txid/:vout */
  path: string
  body?: z.ZodType<unknown, unknown>
  handler(ctx: RouteContext<unknown>): unknown
}

export function route<B>(method: Route['method'], path: string, body: z.ZodType<B, unknown> | undefined, handler: (ctx: RouteContext<B>) => unknown): Route {
  return { method, path, ...(body ? { body } : {}), handler: handler as Route['handler'] }
}

export interface EventStream {
  path: string
  /** Throws (an InvalidInputError, answered 400) when the subscriber's query asks for something the stream has not. */
  checkQuery?(query: URLSearchParams): void
  /** Called for each subscriber with its send function and query; returns the unsubscribe. */
  open(send: (event: string, data: unknown) => void, query: URLSearchParams): () => void
}

/** HTTP status per error code; any other LnsimError is a rule the request broke: 422. */
const STATUS: Record<string, number> = {
  INVALID_JSON: 400,
  INVALID_REQUEST: 400,
  INVALID_ADDRESS: 400,
  NOT_FOUND: 404,
  UNKNOWN_TRANSACTION: 404,
  UNKNOWN_BLOCK: 404,
  UNKNOWN_OUTPOINT: 404,
  METHOD_NOT_ALLOWED: 405,
  BODY_TOO_LARGE: 413,
  FORBIDDEN_HOST: FOREIGN_REQUEST_STATUS,
  FORBIDDEN_ORIGIN: FOREIGN_REQUEST_STATUS,
  INTERNAL: 500,
}

export interface HttpServerOptions {
  port: number
  routes: Route[]
  streams: EventStream[]
  /** for errors that are bugs, not bad requests */
  onInternalError(err: unknown): void
  /** an event-stream subscriber was dropped for not reading (src/api/http/sseStream.ts) */
  onSubscriberDropped?(path: string, unsentBytes: number): void
}

export interface RunningHttpServer {
  url: string
  port: number
  close(): Promise<void>
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = toJson(value)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), ...headers })
  res.end(body)
}

function sendError(res: ServerResponse, err: LnsimError, headers: Record<string, string> = {}): void {
  const field = typeof err.details.field === 'string' ? err.details.field : undefined
  const details = Object.keys(err.details).length > 0 ? { details: err.details } : {}
  sendJson(res, STATUS[err.code] ?? 422, { error: { code: err.code, message: err.message, ...(field ? { field } : {}), ...details } }, headers)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > MAX_BODY_BYTES) throw new LnsimError('BODY_TOO_LARGE', `the request body is ${declared} bytes; the limit is ${MAX_BODY_BYTES}`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new LnsimError('BODY_TOO_LARGE', `the request body is over the ${MAX_BODY_BYTES}-byte limit`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const a = pattern.split('/')
  const b = path.split('/')
  if (a.length !== b.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.startsWith(':')) {
      try {
        params[a[i]!.slice(1)] = decodeURIComponent(b[i]!)
      } catch {
        return undefined
      }
    } else if (a[i] !== b[i]) return undefined
  }
  return params
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const open = new Set<{ end(): void }>()
  let port = options.port

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refused = foreignRequest(req.headers, port)
    if (refused) throw refused
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const path = url.pathname
    const stream = options.streams.find((s) => s.path === path)
    if (stream && req.method === 'GET') {
      stream.checkQuery?.(url.searchParams)
      let unsubscribe = (): void => {}
      const sse = openSseStream(res, {
        preamble: ': connected\n\n',
        onDrop: (unsent) => options.onSubscriberDropped?.(path, unsent),
        onClose: () => {
          unsubscribe()
          open.delete(sse)
        },
      })
      open.add(sse)
      unsubscribe = stream.open((event, data) => sse.send(event, data), url.searchParams)
      return
    }
    const candidates = options.routes.flatMap((r) => {
      const params = match(r.path, path)
      return params ? [{ r, params }] : []
    })
    if (candidates.length === 0 && !stream) throw new LnsimError('NOT_FOUND', `no route ${path}; the routes are under /v1 (e.g. GET /v1/info)`)
    const found = candidates.find((c) => c.r.method === req.method)
    if (!found) {
      const allowed = [...new Set([...candidates.map((c) => c.r.method), ...(stream ? ['GET'] : [])])]
      throw new LnsimError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; use ${allowed.join(' or ')}`)
    }
    let body: unknown
    if (found.r.body) {
      const text = await readBody(req)
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        throw new InvalidInputError('the request body is not valid JSON', {}, 'INVALID_JSON')
      }
      body = parseWith(found.r.body, json, 'request body')
    }
    sendJson(res, 200, await found.r.handler({ params: found.params, body }))
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end()
      if (err instanceof LnsimError) {
        // an unread body would otherwise be parsed as the next request
        if (err.code === 'BODY_TOO_LARGE') return sendError(res, err, { connection: 'close' })
        return sendError(res, err)
      }
      options.onInternalError(err)
      sendError(res, new LnsimError('INTERNAL', `the chain daemon failed to answer: ${(err as Error)?.message ?? String(err)}`))
    })
  })
  // Clients keep their sockets open between requests (src/api/http/client.ts). Node closes an idle one
  // after 5 s by default, and a daemon whose event loop lags (tens of processes on two cores) can
  // close one that a request has just reached: the client sees ECONNRESET.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n')
    else socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      for (const s of [...open]) s.end()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
