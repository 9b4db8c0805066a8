/**
 * A small JSON-over-HTTP server for the control API: routes by method and path
 * pattern, a bearer token on every request, bodies capped and parsed with the
 * route's schema, errors as `{ "error": { code, message, field? } }`, and
 * server-sent-event streams. Bound to loopback only, and refusing requests
 * from web pages of other sites (src/api/http/loopbackGuard.ts).
 */
import { trace } from '../../core/trace.js'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { z } from 'zod'
import { LnsimError } from '../../core/errors.js'
import { toJson } from '../../core/json.js'
import { FOREIGN_REQUEST_STATUS, foreignRequest } from '../../api/http/loopbackGuard.js'
import { openSseStream, type SseStream } from '../../api/http/sseStream.js'
import { ApiShapeError, parseOrThrow } from '../../api/node/schemas.js'

export const MAX_BODY_BYTES = 1024 * 1024

export interface RouteContext<B> {
  params: Record<string, string>
  query: URLSearchParams
  body: B
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE'
  /** e.g. /v1/channels/:channelId/close */
  path: string
  body?: z.ZodType<unknown>
  handler(ctx: RouteContext<unknown>): Promise<unknown>
}

export interface SseRoute {
  path: string
  /** called with a send function; returns a cleanup */
  open(send: (event: string, data: unknown) => void): () => void
}

export function route<B>(method: Route['method'], path: string, body: z.ZodType<B> | undefined, handler: (ctx: RouteContext<B>) => Promise<unknown>): Route {
  return { method, path, ...(body ? { body: body as z.ZodType<unknown> } : {}), handler: handler as Route['handler'] }
}

/** HTTP statuses for the error codes the node raises. */
const STATUS: Record<string, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN_HOST: FOREIGN_REQUEST_STATUS,
  FORBIDDEN_ORIGIN: FOREIGN_REQUEST_STATUS,
  NOT_FOUND: 404,
  UNKNOWN_CHANNEL: 404,
  UNKNOWN_PEER: 404,
  UNKNOWN_INVOICE: 404,
  METHOD_NOT_ALLOWED: 405,
  BODY_TOO_LARGE: 413,
  INVALID_JSON: 400,
  INVALID_REQUEST: 400,
  TESTING_DISABLED: 403,
}

function statusFor(code: string): number {
  return STATUS[code] ?? 422
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  trace('http out')
  const body = toJson(value)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

function sendError(res: ServerResponse, code: string, message: string, field?: string): void {
  sendJson(res, statusFor(code), { error: { code, message, ...(field ? { field } : {}) } })
}

/** The body as text; events, not `for await`, which costs a few promise turns per request. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk)
      req.removeAllListeners('data').resume()
      reject(new LnsimError('BODY_TOO_LARGE', `request body is over ${MAX_BODY_BYTES} bytes`))
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** A route's path pattern split once at start: every request is matched against all of them. */
interface CompiledRoute {
  route: Route
  segments: string[]
}

function match(segments: string[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined
  for (let i = 0; i < segments.length; i++) if (segments[i]![0] !== ':' && segments[i] !== parts[i]) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < segments.length; i++) {
    if (segments[i]![0] !== ':') continue
    try {
      params[segments[i]!.slice(1)] = decodeURIComponent(parts[i]!)
    } catch {
      throw new ApiShapeError(`the path segment ${JSON.stringify(parts[i])} is not valid percent-encoding`, segments[i]!.slice(1))
    }
  }
  return params
}

/**
 * The path and query of a request target. Clients of this API send the
 * origin form ("/v1/pay?x=1"), split here directly: WHATWG URL parsing cost
 * ~12 µs of every request. Anything else goes through URL.
 */
function requestTarget(raw: string): { pathname: string; query: URLSearchParams } {
  if (raw[0] !== '/' || raw[1] === '/') {
    const url = new URL(raw, 'http://127.0.0.1')
    return { pathname: url.pathname, query: url.searchParams }
  }
  const q = raw.indexOf('?')
  return q < 0 ? { pathname: raw, query: new URLSearchParams() } : { pathname: raw.slice(0, q), query: new URLSearchParams(raw.slice(q + 1)) }
}

export interface ApiServerOptions {
  port: number
  token: string
  routes: Route[]
  sse: SseRoute[]
  onError: (err: unknown) => void
  /** an event-stream subscriber was dropped for not reading (src/api/http/sseStream.ts) */
  onSubscriberDropped?: (path: string, unsentBytes: number) => void
}

export interface RunningServer {
  url: string
  port: number
  close(): Promise<void>
}

export async function startApiServer(options: ApiServerOptions): Promise<RunningServer> {
  const expected = Buffer.from(`Bearer ${options.token}`)
  const authorized = (req: IncomingMessage): boolean => {
    const got = Buffer.from(req.headers.authorization ?? '')
    return got.length === expected.length && timingSafeEqual(got, expected)
  }
  const streams = new Set<SseStream>()
  let port = options.port
  const routes: CompiledRoute[] = options.routes.map((route) => ({ route, segments: route.path.split('/') }))
  const server: Server = createServer((req, res) => {
    trace('http in', req.url)
    void (async () => {
      const refused = foreignRequest(req.headers, port)
      if (refused) return sendError(res, refused.code, refused.message)
      const url = requestTarget(req.url ?? '/')
      if (!authorized(req)) return sendError(res, 'UNAUTHORIZED', 'missing or wrong bearer token (it is in the node data directory, api.token)')
      const sse = options.sse.find((s) => s.path === url.pathname)
      if (sse && req.method === 'GET') {
        let close = (): void => {}
        const stream = openSseStream(res, {
          preamble: ': connected\n\n',
          onDrop: (unsent) => options.onSubscriberDropped?.(url.pathname, unsent),
          onClose: () => {
            close()
            streams.delete(stream)
          },
        })
        streams.add(stream)
        close = sse.open((event, data) => stream.send(event, data))
        return
      }
      const parts = url.pathname.split('/')
      const candidates = routes.flatMap(({ route, segments }) => {
        const params = match(segments, parts)
        return params ? [{ r: route, params }] : []
      })
      if (candidates.length === 0) return sendError(res, 'NOT_FOUND', `no route ${url.pathname}`)
      const found = candidates.find((c) => c.r.method === req.method)
      if (!found) return sendError(res, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname} (try ${candidates.map((c) => c.r.method).join(', ')})`)
      let body: unknown
      if (found.r.body) {
        const text = await readBody(req)
        let json: unknown
        try {
          json = text === '' ? {} : JSON.parse(text)
        } catch {
          return sendError(res, 'INVALID_JSON', 'the request body is not valid JSON')
        }
        body = parseOrThrow(found.r.body, json, 'request body')
      }
      const value = await found.r.handler({ params: found.params, query: url.query, body })
      sendJson(res, 200, value)
    })().catch((err: unknown) => {
      if (res.headersSent) return res.end()
      if (err instanceof ApiShapeError) return sendError(res, 'INVALID_REQUEST', err.message, err.field)
      if (err instanceof LnsimError) return sendError(res, err.code, err.message)
      options.onError(err)
      sendError(res, 'INTERNAL', `internal error: ${(err as Error).message}`)
    })
  })
  server.requestTimeout = 0
  // clients keep sockets between calls; Node's default 5 s idle close, on a node whose event loop
  // lags (a 100-node bring-up on two cores), can drop one a request just reached (ECONNRESET)
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of [...streams]) s.end()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
