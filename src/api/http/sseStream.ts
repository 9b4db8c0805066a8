/**
 * Server-sent events, the writing end: what the HTTP server (server.ts) answers
 * a subscriber of an event stream with (the chain daemon's, a node's control
 * API's, the dashboard's). The reading end is sseReader.ts.
 *
 * The writer bounds what one subscriber can cost the server: a write that
 * cannot reach the socket waits in the process's memory, so a subscriber that
 * stops reading (a hung client, a paused socket) would hold every later event
 * there. Once its unsent bytes pass a limit the subscriber is dropped (its
 * connection ended); a real client reconnects and starts again from the
 * current state, as every lnsim client does after any broken stream.
 */
import type { ServerResponse } from 'node:http'
import { toJson } from '../../core/json.js'
import { RawJson } from './rawJson.js'
import { SSE_HEARTBEAT_MS, SSE_MAX_BUFFERED_BYTES, SSE_WRITE_CHUNK_BYTES } from './limits.js'

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
  /** Queues one event (RawJson is sent as it is written); ignored once the stream has ended. */
  send(event: string, data: unknown): void
  /** Bytes queued for this subscriber that its socket has not taken yet. */
  unsentBytes(): number
  /** Ends the stream gently (the server is stopping). */
  end(): void
}

/** Answers a request with an event stream on `res`. */
export function openSseStream(res: ServerResponse, options: SseStreamOptions = {}): SseStream {
  const maxBuffered = options.maxBufferedBytes ?? SSE_MAX_BUFFERED_BYTES
  let open = true
  // the events of one turn of the event loop go out as one write: queued apart, each write
  // costs the process a multiple of its own size (figures in bench/results.md), and a burst
  // makes one system call instead of thousands
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
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': options.cacheControl ?? 'no-cache',
    connection: 'keep-alive',
  })
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs ?? SSE_HEARTBEAT_MS)
  res.once('close', () => {
    open = false
    pending = ''
    clearInterval(heartbeat)
    options.onClose?.()
  })
  if (options.preamble) write(options.preamble)
  return {
    send: (event, data) => write(`event: ${event}\ndata: ${data instanceof RawJson ? data.text : toJson(data)}\n\n`),
    unsentBytes: () => res.writableLength + pending.length,
    end: () => {
      flush()
      open = false
      res.end()
    },
  }
}
