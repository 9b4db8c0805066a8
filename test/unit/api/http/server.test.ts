/**
 * The HTTP server of the chain daemon, the node's control API and the
 * dashboard, on its own: routes matched by method and path pattern
 * (parameters decoded, the query read), 404 and 405 that say what exists, a
 * path parameter that is not percent-encoding refused, bodies parsed by the
 * route's schema and a body over the cap refused with 413 on a connection that
 * goes on serving, the bearer token when asked for, typed JSON errors (with
 * their details when asked for), requests from web pages of other sites
 * refused, event streams (and subscribers that stop reading dropped), static
 * files, and the trace hook.
 */
import { Agent, request } from 'node:http'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { InvalidInputError, LnsimError } from '../../../../src/core/errors.js'
import { http } from '../../../../src/api/http/client.js'
import { readSse } from '../../../../src/api/http/sseReader.js'
import { MAX_BODY_BYTES, SSE_MAX_BUFFERED_BYTES } from '../../../../src/api/http/limits.js'
import { route } from '../../../../src/api/http/route.js'
import { startHttpServer, type RunningHttpServer } from '../../../../src/api/http/server.js'
import { rawRequest } from '../../../helpers/rawRequest.js'
import { drain, stalledSubscriber } from '../../../helpers/stalledSubscriber.js'

type Answer = {
  status: number
  json: { error?: { code: string; message: string; field?: string; details?: Record<string, unknown> } } & Record<
    string,
    unknown
  >
}

async function call(
  server: RunningHttpServer,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await http(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
  return { status: res.status, json: JSON.parse(await res.text()) }
}

describe('a server with a bearer token (the node control API)', () => {
  let server: RunningHttpServer
  const auth = { authorization: 'Bearer secret' }
  /** the event stream's subscribers, for the test to send to */
  const subscribers = new Set<(event: string, data: unknown) => void>()
  const dropped: string[] = []
  const traced: string[] = []
  const internal: unknown[] = []

  beforeAll(async () => {
    server = await startHttpServer({
      name: 'the node',
      port: 0,
      token: 'secret',
      streams: [{ path: '/v1/events', open: (send) => (subscribers.add(send), () => subscribers.delete(send)) }],
      onInternalError: (err) => internal.push(err),
      onSubscriberDropped: (path) => dropped.push(path),
      trace: (label, detail) => traced.push(detail === undefined ? label : `${label} ${detail}`),
      errorStatus: { UNKNOWN_CHANNEL: 404 },
      routes: [
        route('GET', '/v1/channels/:channelId', undefined, async ({ params, query }) => {
          if (params.channelId === 'gone') throw new LnsimError('UNKNOWN_CHANNEL', 'no channel gone', { field: 'd' })
          if (params.channelId === 'broken') throw new TypeError('x is undefined')
          return { got: params.channelId, ...(query.has('limit') ? { limit: query.get('limit') } : {}) }
        }),
        route(
          'POST',
          '/v1/channels/:channelId/close',
          z.object({ force: z.boolean().optional() }),
          async ({ params, body }) => ({ closing: params.channelId, force: body.force ?? false }),
        ),
        route('POST', '/v1/echo', z.object({ text: z.string() }), async ({ body }) => ({ length: body.text.length })),
      ],
    })
  })
  afterAll(() => server.close())

  const get = (method: string, path: string, body?: string): Promise<Answer> => call(server, method, path, body, auth)

  it('matches a route by method and pattern, with its parameters decoded', async () => {
    expect(await get('GET', '/v1/channels/a%20b')).toEqual({ status: 200, json: { got: 'a b' } })
    expect(await get('POST', '/v1/channels/c1/close', '{"force":true}')).toEqual({
      status: 200,
      json: { closing: 'c1', force: true },
    })
  })

  it('reads the query string, and a path with none', async () => {
    expect(await get('GET', '/v1/channels/c1?limit=5&x=%20')).toEqual({ status: 200, json: { got: 'c1', limit: '5' } })
    expect(await get('GET', '/v1/channels/c1?')).toEqual({ status: 200, json: { got: 'c1' } })
  })

  it('refuses a path parameter that is not percent-encoding with 400, naming it', async () => {
    const bad = await get('GET', '/v1/channels/%ZZ')
    expect(bad.status).toBe(400)
    expect(bad.json.error?.code).toBe('INVALID_REQUEST')
    expect(bad.json.error?.message).toContain('%ZZ')
    expect(bad.json.error?.field).toBe('channelId')
  })

  it('answers 404 for a path no route has, and 405 naming the methods a path has (an event stream: GET)', async () => {
    expect((await get('GET', '/v1/channels/c1/open')).status).toBe(404)
    const wrong = await get('DELETE', '/v1/channels/c1/close')
    expect(wrong.status).toBe(405)
    expect(wrong.json.error?.message).toContain('try POST')
    expect(await get('POST', '/v1/events', '{}')).toMatchObject({
      status: 405,
      json: { error: { code: 'METHOD_NOT_ALLOWED', message: expect.stringContaining('try GET') } },
    })
  })

  it('refuses a body over the cap with 413, and the connection serves the next request', async () => {
    const big = await get('POST', '/v1/echo', JSON.stringify({ text: 'x'.repeat(MAX_BODY_BYTES) }))
    expect(big.status).toBe(413)
    expect(big.json.error?.code).toBe('BODY_TOO_LARGE')
    expect(await get('POST', '/v1/echo', '{"text":"hello"}')).toEqual({ status: 200, json: { length: 5 } })
  })

  it('refuses a chunked body past the cap (no Content-Length) with 413, keeping the connection', async () => {
    const { port } = new URL(server.url)
    const answers = await new Promise<number[]>((done, fail) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 })
      const statuses: number[] = []
      const sockets = new Set<unknown>()
      const send = (body: string[], then: () => void): void => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/v1/echo',
            agent,
            headers: { ...auth, 'transfer-encoding': 'chunked' },
          },
          (res) => {
            sockets.add(req.socket)
            statuses.push(res.statusCode ?? 0)
            res.resume().on('end', then)
          },
        )
        req.once('error', fail)
        for (const chunk of body) req.write(chunk)
        req.end()
      }
      const chunk = 'x'.repeat(64 * 1024)
      send(
        ['{"text":"', ...Array.from({ length: Math.ceil(MAX_BODY_BYTES / chunk.length) + 1 }, () => chunk), '"}'],
        () =>
          send(['{"text":"hi"}'], () => {
            agent.destroy()
            done([...statuses, sockets.size])
          }),
      )
    })
    expect(answers).toEqual([413, 200, 1])
  })

  it('reads an empty body as {} (a command with no options), refuses one not JSON or not the schema', async () => {
    expect(await get('POST', '/v1/channels/c1/close', '')).toEqual({
      status: 200,
      json: { closing: 'c1', force: false },
    })
    expect(await get('POST', '/v1/echo', '{"text":')).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_JSON' } },
    })
    expect(await get('POST', '/v1/echo', '{"text":5}')).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_REQUEST', field: 'text' } },
    })
  })

  it('asks every request for the bearer token, with 401 UNAUTHORIZED, before anything else', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer secreT' },
      { authorization: 'Bearer secret2' },
      { authorization: 'secret' },
    ]) {
      expect(await call(server, 'GET', '/v1/channels/c1', undefined, headers)).toMatchObject({
        status: 401,
        json: { error: { code: 'UNAUTHORIZED' } },
      })
    }
    expect((await call(server, 'GET', '/v1/nothing')).status).toBe(401)
    expect((await call(server, 'GET', '/v1/events')).status).toBe(401)
  })

  it("answers a route's refusal with its code and status, without details, and a bug with 500 INTERNAL", async () => {
    expect(await get('GET', '/v1/channels/gone')).toEqual({
      status: 404,
      json: { error: { code: 'UNKNOWN_CHANNEL', message: 'no channel gone' } },
    })
    expect(await get('GET', '/v1/channels/broken')).toEqual({
      status: 500,
      json: { error: { code: 'INTERNAL', message: 'the node failed to answer: x is undefined' } },
    })
    expect(internal).toEqual([expect.any(TypeError)])
  })

  it('tells the trace hook when a request arrives, with its target, and when its answer leaves', async () => {
    traced.length = 0
    await get('GET', '/v1/channels/c9')
    expect(traced).toEqual(['http in /v1/channels/c9', 'http out'])
  })

  function raw(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): ReturnType<typeof rawRequest> {
    return rawRequest(server.url, method, path, { ...auth, ...headers }, body)
  }

  it('refuses with 403 and a JSON error another Host name (DNS rebinding) or a page of another origin', async () => {
    const { port } = new URL(server.url)
    const rebound = await raw('GET', '/v1/channels/c1', { host: `attacker.example:${port}` })
    expect(rebound.status).toBe(403)
    expect(rebound.json).toMatchObject({ error: { code: 'FORBIDDEN_HOST' } })
    // a form's text/plain POST needs no preflight: it must not reach the route
    const posted = await raw(
      'POST',
      '/v1/echo',
      { host: `127.0.0.1:${port}`, origin: 'http://attacker.example', 'content-type': 'text/plain' },
      '{"text":"hi"}',
    )
    expect(posted.status).toBe(403)
    expect(posted.json).toMatchObject({ error: { code: 'FORBIDDEN_ORIGIN' } })
    expect((await raw('GET', '/v1/channels/c1', { host: `127.0.0.1:${port}`, origin: 'null' })).status).toBe(403)
    // a page of another site, even without the token, learns nothing more than 403
    expect((await rawRequest(server.url, 'GET', '/v1/channels/c1', { host: `attacker.example:${port}` })).status).toBe(
      403,
    )
    // its own names answer, with an Origin of its own or none (curl, the CLI)
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await raw('GET', '/v1/channels/c1', { host })).status, host).toBe(200)
      expect((await raw('GET', '/v1/channels/c1', { host, origin: `http://${host}` })).status, host).toBe(200)
    }
  })

  it('drops an event subscriber that stops reading, and keeps giving one that reads every event', async () => {
    const { port } = new URL(server.url)
    const stalled = stalledSubscriber(Number(port), '/v1/events', auth)
    const controller = new AbortController()
    const res = await http(`${server.url}/v1/events`, { headers: auth, signal: controller.signal })
    let heard = 0
    const reading = (async () => {
      for await (const m of readSse(res.body)) if (m.event === 'tick') heard++
    })().catch(() => {})
    while (subscribers.size < 2) await nextTurn()

    // 16 MB of events, a turn of the event loop for every 100 kB, as a busy node sends them
    const EVENTS = 16_000
    const padding = 'x'.repeat(1000)
    for (let i = 0; i < EVENTS; i++) {
      for (const send of subscribers) send('tick', { i, padding })
      if (i % 100 === 99) await nextTurn()
    }
    const after = await drain(stalled, 'tick', 5_000)
    expect(after.ended).toBe(true)
    expect(after.events).toBeLessThan(EVENTS)
    expect(dropped).toEqual(['/v1/events'])
    expect(EVENTS * padding.length).toBeGreaterThan(3 * SSE_MAX_BUFFERED_BYTES)

    const deadline = Date.now() + 5_000
    while (heard < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(heard).toBe(EVENTS)
    controller.abort()
    await reading
    // and the server let go of both
    while (subscribers.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(subscribers.size).toBe(0)
  })
})

describe('a server without a token, sending error details (the chain daemon)', () => {
  let server: RunningHttpServer
  const queries: string[] = []

  beforeAll(async () => {
    server = await startHttpServer({
      name: 'the chain daemon',
      port: 0,
      errorDetails: true,
      errorStatus: { UNKNOWN_BLOCK: 404 },
      notFoundHint: 'the routes are under /v1 (e.g. GET /v1/info)',
      streams: [
        {
          path: '/v1/events',
          checkQuery: (query) => {
            if (query.has('types') && query.get('types') !== 'block')
              throw new InvalidInputError('unknown event type', {}, 'INVALID_REQUEST')
          },
          open: (send, query) => {
            queries.push(query.toString())
            send('tip', { height: 7n })
            return () => {}
          },
        },
      ],
      routes: [
        route('GET', '/v1/info', undefined, () => ({ height: 7n })),
        route('GET', '/v1/blocks/tip', undefined, () => ({ tip: true })),
        route('GET', '/v1/blocks/:id', undefined, ({ params }) => {
          if (!/^[0-9]+$/.test(params.id!))
            throw new InvalidInputError(
              `a block is named by its height, not "${params.id}"`,
              { field: 'id' },
              'INVALID_REQUEST',
            )
          throw new LnsimError('UNKNOWN_BLOCK', `no block ${params.id}`, { id: params.id })
        }),
        route(
          'POST',
          '/v1/transactions',
          z.strictObject({ inputs: z.array(z.object({ txid: z.string() })) }),
          ({ body }) => {
            throw new LnsimError('UNKNOWN_INPUT', 'no such output', { inputIndex: body.inputs.length - 1 })
          },
        ),
      ],
    })
  })
  afterAll(() => server.close())

  it('needs no token, writes bigints as decimal strings, and tells browsers not to keep an answer', async () => {
    const res = await http(`${server.url}/v1/info`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('{"height":"7"}')
    const headers = await new Promise<Record<string, unknown>>((done) =>
      request(`${server.url}/v1/info`, (r) => done(r.resume().headers)).end(),
    )
    expect(headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'content-length': '14',
      'cache-control': 'no-store',
    })
  })

  it('tries routes in order: a fixed segment before a parameter', async () => {
    expect(await call(server, 'GET', '/v1/blocks/tip')).toEqual({ status: 200, json: { tip: true } })
  })

  it('sends a refusal with its details, the field of bad input, a status per code (422: a rule broken)', async () => {
    expect(await call(server, 'GET', '/v1/blocks/99')).toEqual({
      status: 404,
      json: { error: { code: 'UNKNOWN_BLOCK', message: 'no block 99', details: { id: '99' } } },
    })
    expect(await call(server, 'GET', '/v1/blocks/x')).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_REQUEST', field: 'id', details: { field: 'id' } } },
    })
    expect(await call(server, 'POST', '/v1/transactions', '{"inputs":[{"txid":"a"},{"txid":"b"}]}')).toEqual({
      status: 422,
      json: { error: { code: 'UNKNOWN_INPUT', message: 'no such output', details: { inputIndex: 1 } } },
    })
    expect(await call(server, 'POST', '/v1/transactions', '{"inputs":[{"txid":5}]}')).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_REQUEST', field: 'inputs.0.txid' } },
    })
    expect(await call(server, 'POST', '/v1/transactions', '{"inputs":[],"extra":1}')).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_REQUEST' } },
    })
  })

  it('says where the routes are in a 404', async () => {
    expect(await call(server, 'GET', '/v2/info')).toMatchObject({
      status: 404,
      json: {
        error: { code: 'NOT_FOUND', message: 'no route /v2/info; the routes are under /v1 (e.g. GET /v1/info)' },
      },
    })
  })

  it('refuses a body whose Content-Length is over the cap before reading it', async () => {
    const refused = await new Promise<Answer>((done, fail) => {
      const req = request(
        `${server.url}/v1/transactions`,
        { method: 'POST', headers: { 'content-length': String(MAX_BODY_BYTES + 1) } },
        (res) => {
          let text = ''
          res.on('data', (c: Buffer) => (text += c.toString()))
          res.on('end', () => done({ status: res.statusCode ?? 0, json: JSON.parse(text) }))
        },
      )
      req.once('error', fail)
      // the body is never sent: the answer comes from the header alone
      req.flushHeaders()
    })
    expect(refused).toMatchObject({
      status: 413,
      json: { error: { code: 'BODY_TOO_LARGE', message: expect.stringContaining(`${MAX_BODY_BYTES + 1} bytes`) } },
    })
  })

  it("opens a stream with a preamble, checks the subscriber's query first (400), passes the query on", async () => {
    expect(await call(server, 'GET', '/v1/events?types=mempool')).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_REQUEST' } },
    })
    const controller = new AbortController()
    const res = await http(`${server.url}/v1/events?types=block`, { signal: controller.signal })
    const reader = res.body[Symbol.asyncIterator]()
    let text = ''
    while (!text.includes('\n\n', text.indexOf('event:')))
      text += Buffer.from((await reader.next()).value as Uint8Array).toString()
    controller.abort()
    expect(text).toBe(': connected\n\nevent: tip\ndata: {"height":"7"}\n\n')
    expect(queries).toEqual(['types=block'])
  })
})

describe('a server of static files (the dashboard)', () => {
  let server: RunningHttpServer

  beforeAll(async () => {
    server = await startHttpServer({
      name: 'the dashboard',
      port: 0,
      maxBodyBytes: 100,
      assets: new Map([
        ['/', { contentType: 'text/html; charset=utf-8', body: Buffer.from('<!doctype html>') }],
        ['/favicon.ico', { body: null }],
      ]),
      streams: [{ path: '/api/events', preamble: 'retry: 1000\n\n', cacheControl: 'no-store', open: () => () => {} }],
      routes: [route('POST', '/api/replay', z.object({ action: z.string() }), ({ body }) => ({ action: body.action }))],
    })
  })
  afterAll(() => server.close())

  it('serves a file with its type, and 204 for one without a body', async () => {
    const page = await fetch(`${server.url}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect(await page.text()).toBe('<!doctype html>')
    expect((await fetch(`${server.url}/favicon.ico`)).status).toBe(204)
  })

  it('does not resolve dot segments into a file, and answers 405 to a file posted to', async () => {
    expect((await rawRequest(server.url, 'GET', '/api/../', { host: new URL(server.url).host })).status).toBe(404)
    expect(await call(server, 'POST', '/', '{}')).toMatchObject({
      status: 405,
      json: { error: { code: 'METHOD_NOT_ALLOWED' } },
    })
  })

  it("streams with the stream's own preamble and cache header", async () => {
    const controller = new AbortController()
    const res = await fetch(`${server.url}/api/events`, { signal: controller.signal })
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const first = await res.body!.getReader().read()
    controller.abort()
    expect(Buffer.from(first.value!).toString()).toBe('retry: 1000\n\n')
  })

  it("keeps the server's own body limit", async () => {
    expect(await call(server, 'POST', '/api/replay', JSON.stringify({ action: 'x'.repeat(100) }))).toMatchObject({
      status: 413,
      json: { error: { code: 'BODY_TOO_LARGE' } },
    })
    expect(await call(server, 'POST', '/api/replay', '{"action":"pause"}')).toEqual({
      status: 200,
      json: { action: 'pause' },
    })
  })
})
