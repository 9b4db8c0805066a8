/**
 * HTTP requests on node:http with kept-alive connections, shaped like the part
 * of fetch() the clients use. Node 20's fetch (undici) is slow to load in every
 * process that first calls it and costs more CPU per request (figures in
 * bench/results.md), and a node process and the scenario runner make thousands
 * of small local requests.
 */
import { setMaxListeners } from 'node:events'
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http'

export interface HttpInit {
  method?: string
  headers?: Record<string, string>
  body?: string
  signal?: AbortSignal
  /**
   * ms until the exchange (the answer and its body) is given up with an
   * HttpTimeoutError: one timer, where AbortSignal.timeout() and the listener a
   * signal needs on every request cost the clients a tenth of their time
   */
  timeoutMs?: number
}

/** No whole answer within the request's timeoutMs. */
export class HttpTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`)
    this.name = 'HttpTimeoutError'
  }
}

export interface HttpResponse {
  status: number
  ok: boolean
  text(): Promise<string>
  /** the body as it arrives, for streams (server-sent events) */
  body: AsyncIterable<Uint8Array>
  /** the answer's Retry-After in ms (seconds, or an HTTP date), when it has one */
  retryAfterMs?: number
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 })

/**
 * Resolves once the status line and headers have arrived; rejects as fetch does
 * (network error, or an AbortError). A request that found its kept-alive socket
 * reset before any answer is sent once more on a new one: the server closed the
 * socket as idle just as it was reused, so it never saw the request (Node's own
 * advice for kept-alive clients).
 */
export function http(url: string, init: HttpInit = {}): Promise<HttpResponse> {
  const deadline = init.timeoutMs === undefined ? undefined : performance.now() + init.timeoutMs
  return send(url, init, deadline).catch((err: Error & { code?: string; reusedSocket?: boolean }) => {
    if (err.reusedSocket && err.code === 'ECONNRESET' && !init.signal?.aborted) return send(url, init, deadline)
    throw err
  })
}

function send(url: string, init: HttpInit, deadline: number | undefined): Promise<HttpResponse> {
  // one signal often guards many requests at once (a bring-up's opens, a network's
  // event streams), each listening until it ends: more than ten is expected, not a
  // leak, and Node's warning about it would reach the user's terminal
  if (init.signal) setMaxListeners(0, init.signal)
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...init.headers }
    if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body)
    let timedOut: HttpTimeoutError | undefined
    const req = httpRequest(
      url,
      { method: init.method ?? 'GET', headers, agent, ...(init.signal ? { signal: init.signal } : {}) },
      (res) => resolve(responseOf(res, () => timedOut)),
    )
    req.on('error', (err: Error & { reusedSocket?: boolean }) =>
      reject(timedOut ?? Object.assign(err, { reusedSocket: req.reusedSocket })),
    )
    if (deadline !== undefined) {
      const timer = setTimeout(
        () => req.destroy((timedOut = new HttpTimeoutError(init.timeoutMs!))),
        Math.max(0, deadline - performance.now()),
      )
      req.once('close', () => clearTimeout(timer))
    }
    req.end(init.body)
  })
}

function responseOf(res: IncomingMessage, timedOut: () => HttpTimeoutError | undefined): HttpResponse {
  const status = res.statusCode ?? 0
  const retryAfterMs = parseRetryAfter(res.headers['retry-after'])
  return {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ok: status >= 200 && status < 300,
    body: res,
    text: () =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
        res.on('error', (err) => reject(timedOut() ?? err))
        res.on('aborted', () =>
          reject(timedOut() ?? new Error('the connection closed before the whole answer arrived')),
        )
      }),
  }
}

/** RFC 9110 §10.2.3: a number of seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
