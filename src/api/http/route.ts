/**
 * What a server answers: routes (a method, a path pattern, a body schema and
 * a handler whose value is the JSON answer), event streams and static files.
 */
import type { z } from 'zod'

export type HttpMethod = 'GET' | 'POST' | 'DELETE'

export interface RouteContext<B> {
  /** the pattern's `:name` segments, percent-decoded */
  params: Record<string, string>
  query: URLSearchParams
  /** the JSON body parsed by the route's schema (an empty body reads as `{}`); undefined for a route without one */
  body: B
}

export interface Route {
  method: HttpMethod
  /** e.g. /v1/outpoints/:txid/:vout */
  path: string
  body?: z.ZodType<unknown, unknown>
  /** Returns the answer, sent as JSON with status 200; throws an LnsimError for a refusal. */
  handler(ctx: RouteContext<unknown>): unknown
}

export function route<B>(
  method: HttpMethod,
  path: string,
  body: z.ZodType<B, unknown> | undefined,
  handler: (ctx: RouteContext<B>) => unknown,
): Route {
  return {
    method,
    path,
    ...(body ? { body: body as z.ZodType<unknown, unknown> } : {}),
    handler: handler as Route['handler'],
  }
}

/** A server-sent-event stream answered on GET at `path` (sseStream.ts bounds each subscriber). */
export interface EventStream {
  path: string
  /** Throws (an InvalidInputError, answered 400) when the subscriber's query asks for something the stream has not. */
  checkQuery?(query: URLSearchParams): void
  /**
   * Called for each subscriber with its send function, its query, and how many bytes it has not read yet (for a
   * stream that paces a long burst); returns the unsubscribe.
   */
  open(send: (event: string, data: unknown) => void, query: URLSearchParams, unsentBytes: () => number): () => void
  /** written before any event. @default ': connected\n\n' */
  preamble?: string
  /** @default 'no-cache' */
  cacheControl?: string
  /** @default SSE_MAX_BUFFERED_BYTES */
  maxBufferedBytes?: number
}

/** A file answered on GET at its path; one without a body (`{ body: null }`) is answered 204 No Content. */
export type StaticAsset = { contentType: string; body: Uint8Array } | { body: null }
