/**
 * Server-sent events, both ends: the writer every lnsim server uses for its
 * event streams (the chain daemon's, a node's control API's, the dashboard's),
 * and a small reader over a response body (src/core/http.ts's, or fetch's).
 *
 * The writer bounds what one subscriber can cost the server: a write that
 * cannot reach the socket waits in the process's memory, so a subscriber that
 * stops reading (a hung client, a paused socket) would hold every later event
 * there. Once its unsent bytes pass a limit the subscriber is dropped (its
 * connection ended); a real client reconnects and starts again from the
 * current state, as every lnsim client does after any broken stream.
 */
import type { ServerResponse } from 'node:http'
import { toJson } from './json.js'

/**
 * Unsent bytes one event-stream subscriber may hold in the server before it
 * is dropped. Twice the largest burst a server writes at once: mining 10,000
 * blocks in one request sends 10,000 block events of about 190 bytes, all
 * within one turn of the event loop, which a subscriber that reads cannot take
 * in before they are queued.
 */
export const SSE_MAX_BUFFERED_BYTES = 4 * 1024 * 1024

/** Events waiting for the end of the event loop's turn are written once they reach this size. */
const SSE_WRITE_CHUNK_BYTES = 64 * 1024

/** A comment this often keeps proxies and clients from taking a quiet stream for a dead one. */
export const SSE_HEARTBEAT_MS = 15_000

export interface SseStreamOptions {
  /** written first, before any event (a comment, or a `retry:` line) */
  preamble?: string
  /** @default SSE_MAX_BUFFERED_BYTES */
  maxBufferedBytes?: number
  /** @default SSE_HEARTBEAT_MS */
  heartbeatMs?: number
  /** @default 'no-cache' */
  cacheControl?: string
  /** told when the subscriber is dropped for not reading, with the bytes it left unsent */
  onDrop?(unsentBytes: number): void
  /** called once when the stream ends, whoever ended it */
  onClose?(): void
}

export interface SseStream {
  /** Queues one event; ignored once the stream has ended. */
  send(event: string, data: unknown): void
  /** Ends the stream gently (the server is stopping). */
  end(): void
}

/** Answers a request with an event stream on `res`. */
export function openSseStream(res: ServerResponse, options: SseStreamOptions = {}): SseStream {
  const maxBuffered = options.maxBufferedBytes ?? SSE_MAX_BUFFERED_BYTES
  let open = true
  // the events of one turn of the event loop go out as one write: queued apart, each write
  // costs the process about twice its own size again (measured: 10,000 block events held
  // ~6 MB for ~2 MB of text), and a burst makes one system call instead of thousands
  let pending = ''
  const flush = (): void => {
    if (!open || pending === '') return
    const text = pending
    pending = ''
    res.write(text)
  }
  const write = (text: string): void => {
    if (!open) return
    // checked before adding, so one message larger than the limit (a dashboard snapshot) still goes to a reader
    const unsent = res.writableLength + pending.length
    if (unsent > maxBuffered) {
      // ending gently would wait for the very bytes the subscriber does not read
      open = false
      pending = ''
      options.onDrop?.(unsent)
      res.destroy()
      return
    }
    if (pending === '') queueMicrotask(flush)
    pending += text
    // a long burst goes out as it grows, so the socket takes what a reading subscriber makes room for
    if (pending.length >= SSE_WRITE_CHUNK_BYTES) flush()
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': options.cacheControl ?? 'no-cache', connection: 'keep-alive' })
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs ?? SSE_HEARTBEAT_MS)
  res.once('close', () => {
    open = false
    pending = ''
    clearInterval(heartbeat)
    options.onClose?.()
  })
  if (options.preamble) write(options.preamble)
  return {
    send: (event, data) => write(`event: ${event}\ndata: ${toJson(data)}\n\n`),
    end: () => {
      flush()
      open = false
      res.end()
    },
  }
}

export interface SseMessage {
  event: string
  data: string
}

/**
 * Yields { event, data } for each message and ignores comments (heartbeats).
 * It ends when the body ends; the request's abort signal ends it too, as the
 * body then fails.
 */
export async function* readSse(body: AsyncIterable<Uint8Array> | null): AsyncGenerator<SseMessage> {
  if (!body) return
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      let event = 'message'
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue
        if (line.startsWith('event:')) event = line.slice(6).trim()
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
      }
      if (data.length > 0) yield { event, data: data.join('\n') }
    }
  }
}
