/**
 * The one HTTP server of lnsim's processes: the chain daemon, each node's
 * control API and the dashboard. JSON over HTTP on 127.0.0.1: routes by method
 * and path pattern, bodies capped and parsed with the route's schema, every
 * failure a typed JSON error (errors.ts) with a 4xx status (5xx only for a
 * bug), server-sent-event streams that drop a subscriber that stops reading,
 * static files, and optionally a bearer token. Requests from web pages of
 * other sites, or addressed to another host name, are refused first
 * (loopbackGuard.ts).
 *
 *   const server = await startHttpServer({ name: 'the chain daemon', port: 0, routes })
 *   await fetch(`${server.url}/v1/info`)
 *   await server.close()
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { LnsimError, errorMessage } from '../../core/errors.js'
import { AdmissionGate, OVERLOAD_RETRY_AFTER_SECONDS, OverloadedError } from './admission.js'
import { bearerTokenCheck } from './bearerToken.js'
import { BASE_ERROR_STATUS, HttpRequestError, RULE_BROKEN_STATUS, errorBody } from './errors.js'
import { KEEP_ALIVE_TIMEOUT_MS, MAX_BODY_BYTES } from './limits.js'
import { foreignRequest } from './loopbackGuard.js'
import { advertisedHost, hostNamesFor, LOOPBACK_HOST, urlHost } from './bindAddress.js'
import { readJsonBody } from './requestBody.js'
import { requestTarget } from './requestTarget.js'
import { METRICS_PATH, type MetricFamily } from './prometheusText.js'
import { sendAsset, sendJson, sendMetrics } from './responses.js'
import type { EventStream, Route, StaticAsset } from './route.js'
import { RouteTable } from './routeTable.js'
import { openSseStream, type SseStream } from './sseStream.js'

/**
 * Where every lnsim server listens unless told otherwise: other machines cannot reach it (and loopbackGuard.ts keeps
 * web pages out).
 */
export const LISTEN_HOST = LOOPBACK_HOST

/** What a stream sends first, so that a client knows it is connected before the first event. */
const DEFAULT_SSE_PREAMBLE = ': connected\n\n'

/**
 * Told when a request arrives ('http in', with its target) and when its JSON answer is written ('http out');
 * src/core/trace.ts's `trace` fits.
 */
export type HttpTraceHook = (label: string, detail?: string) => void

export interface HttpServerOptions {
  /** who answers, for the message of an internal error ("the chain daemon failed to answer: …") */
  name: string
  /** TCP port; 0 picks a free one */
  port: number
  /** the address to listen on (bindAddress.ts). @default LISTEN_HOST, 127.0.0.1 */
  host?: string
  routes: readonly Route[]
  streams?: readonly EventStream[]
  /** files answered on GET, by path */
  assets?: ReadonlyMap<string, StaticAsset>
  /** when set, every request must say `Authorization: Bearer <token>`, or is answered 401 UNAUTHORIZED */
  token?: string
  /** statuses of the error codes this server's routes raise, beside BASE_ERROR_STATUS; any other code is 422 */
  errorStatus?: Readonly<Record<string, number>>
  /** send every error's details (and their `field`) in the answer (errors.ts, errorBody). @default false */
  errorDetails?: boolean
  /** @default MAX_BODY_BYTES */
  maxBodyBytes?: number
  /** added to a 404's message: where the routes are */
  notFoundHint?: string
  /** an error that is a bug, not a bad request; answered 500 INTERNAL */
  onInternalError?(err: unknown): void
  /** an event-stream subscriber was dropped for not reading (sseStream.ts) */
  onSubscriberDropped?(path: string, unsentBytes: number): void
  trace?: HttpTraceHook
  /**
   * Prometheus metrics answered on GET /metrics in the text format (prometheusText.ts), behind the same token as
   * every route
   */
  metrics?: () => readonly MetricFamily[]
  /** told of every request as it arrives (a daemon counts what it serves) */
  onRequest?(method: string, path: string): void
  /**
   * For tests only: every answer to a route waits this long first, as a server starved of CPU would (event streams
   * are not delayed). @default 0
   */
  answerDelayMs?: number
  /**
   * At most this many requests to routes are worked on at once; one more is answered 503 OVERLOADED with a Retry-After
   * (admission.ts). Event streams, static files and metrics are not counted. @default no limit
   */
  maxConcurrentRequests?: number
  /** the Retry-After of a refused request, in seconds. @default OVERLOAD_RETRY_AFTER_SECONDS */
  retryAfterSeconds?: number
  /** told of every request refused at the admission limit */
  onOverloaded?(method: string, path: string): void
}

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:18800 (no trailing slash); for a wildcard bind, the machine's first routable address */
  url: string
  port: number
  /** Ends every event stream, closes every connection and stops listening. */
  close(): Promise<void>
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { trace } = options
  const statusOf = { ...BASE_ERROR_STATUS, ...options.errorStatus }
  const withDetails = options.errorDetails ?? false
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES
  const answerDelayMs = options.answerDelayMs ?? 0
  const authorized = options.token === undefined ? undefined : bearerTokenCheck(options.token)
  const streams = new Map((options.streams ?? []).map((s) => [s.path, s]))
  const assets = options.assets ?? new Map<string, StaticAsset>()
  const served = new Set([...streams.keys(), ...assets.keys(), ...(options.metrics ? [METRICS_PATH] : [])])
  const table = new RouteTable(options.routes, served, options.notFoundHint)
  const open = new Set<SseStream>()
  const gate =
    options.maxConcurrentRequests === undefined ? undefined : new AdmissionGate(options.maxConcurrentRequests)
  const retryAfterSeconds = options.retryAfterSeconds ?? OVERLOAD_RETRY_AFTER_SECONDS
  let port = options.port
  const bindHost = options.host ?? LISTEN_HOST
  const hostNames = hostNamesFor(bindHost)

  const answer = (res: ServerResponse, status: number, value: unknown): void => {
    trace?.('http out')
    sendJson(res, status, value)
  }

  const subscribe = (stream: EventStream, res: ServerResponse, query: URLSearchParams): void => {
    stream.checkQuery?.(query)
    let unsubscribe = (): void => {}
    const sse = openSseStream(res, {
      preamble: stream.preamble ?? DEFAULT_SSE_PREAMBLE,
      ...(stream.cacheControl === undefined ? {} : { cacheControl: stream.cacheControl }),
      ...(stream.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: stream.maxBufferedBytes }),
      onDrop: (unsent) => options.onSubscriberDropped?.(stream.path, unsent),
      onClose: () => {
        unsubscribe()
        open.delete(sse)
      },
    })
    open.add(sse)
    unsubscribe = stream.open(
      (event, data) => sse.send(event, data),
      query,
      () => sse.unsentBytes(),
    )
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refused = foreignRequest(req.headers, port, hostNames)
    if (refused) throw refused
    if (authorized && !authorized(req.headers.authorization))
      throw new HttpRequestError(
        'UNAUTHORIZED',
        'missing or wrong bearer token (it is in the node data directory, api.token)',
      )
    const { pathname, query } = requestTarget(req.url ?? '/')
    options.onRequest?.(req.method ?? '', pathname)
    if (req.method === 'GET') {
      const stream = streams.get(pathname)
      if (stream) return subscribe(stream, res, query)
      const asset = assets.get(pathname)
      if (asset) return sendAsset(res, asset)
      if (options.metrics && pathname === METRICS_PATH) return sendMetrics(res, options.metrics())
    }
    const { route, params } = table.find(req.method ?? '', pathname)
    if (gate && !gate.tryEnter()) {
      // the body is not parsed; Node discards what is left of it once the answer is sent
      res.setHeader('retry-after', String(retryAfterSeconds))
      options.onOverloaded?.(req.method ?? '', pathname)
      throw new OverloadedError(retryAfterSeconds, gate.limit)
    }
    try {
      const body = route.body ? await readJsonBody(req, route.body, maxBodyBytes) : undefined
      if (answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, answerDelayMs))
      answer(res, 200, await route.handler({ params, query, body }))
    } finally {
      gate?.leave()
    }
  }

  const fail = (res: ServerResponse, err: unknown): void => {
    if (res.headersSent) return void res.end()
    if (err instanceof LnsimError)
      return answer(res, statusOf[err.code] ?? RULE_BROKEN_STATUS, errorBody(err, withDetails))
    options.onInternalError?.(err)
    answer(
      res,
      500,
      errorBody(new LnsimError('INTERNAL', `${options.name} failed to answer: ${errorMessage(err)}`), false),
    )
  }

  const server = createServer((req, res) => {
    trace?.('http in', req.url)
    handle(req, res).catch((err: unknown) => fail(res, err))
  })
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  // a request is not cut for arriving slowly (Node's default gives the whole request 300 s): on a machine
  // whose event loop lags, the server's own slowness would count against the client. Bodies are capped,
  // and headersTimeout (60 s) still bounds a client that never finishes its headers.
  server.requestTimeout = 0
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, bindHost, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://${urlHost(advertisedHost(bindHost))}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of [...open]) s.end()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
