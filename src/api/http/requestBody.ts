/**
 * A request's JSON body: read up to a limit, parsed, and checked by the
 * route's schema, each failure an HttpRequestError naming what was wrong.
 */
import type { IncomingMessage } from 'node:http'
import type { z } from 'zod'
import { HttpRequestError } from './errors.js'

/**
 * The body as text, refused past `maxBytes` (at once when Content-Length says
 * so). The rest of a refused body is still read and dropped, so the
 * connection serves the client's next request. Events, not `for await`, which
 * costs a few promise turns per request.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > maxBytes) {
    req.resume()
    return Promise.reject(
      new HttpRequestError('BODY_TOO_LARGE', `the request body is ${declared} bytes; the limit is ${maxBytes}`),
    )
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) return void chunks.push(chunk)
      req.removeAllListeners('data').resume()
      reject(new HttpRequestError('BODY_TOO_LARGE', `the request body is over the ${maxBytes}-byte limit`))
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Parses a value with a schema, or throws INVALID_REQUEST naming the first field that was wrong. */
export function parseRequest<T>(schema: z.ZodType<T, unknown>, value: unknown, what: string): T {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const issue = r.error.issues[0]!
  const field = issue.path.length ? issue.path.map(String).join('.') : undefined
  throw new HttpRequestError('INVALID_REQUEST', `${what}: ${field ? `${field}: ` : ''}${issue.message}`, field)
}

/** The body read, parsed as JSON (an empty one as `{}`: a command with no options) and checked by `schema`. */
export async function readJsonBody<T>(
  req: IncomingMessage,
  schema: z.ZodType<T, unknown>,
  maxBytes: number,
): Promise<T> {
  const text = await readBody(req, maxBytes)
  let json: unknown
  try {
    json = text === '' ? {} : JSON.parse(text)
  } catch {
    throw new HttpRequestError('INVALID_JSON', 'the request body is not valid JSON')
  }
  return parseRequest(schema, json, 'request body')
}
