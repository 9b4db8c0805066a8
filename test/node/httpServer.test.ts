/**
 * The control API's HTTP layer on its own: routes matched by method and path
 * pattern (parameters decoded, the query read), 404 and 405 that say what
 * exists, a path parameter that is not percent-encoding refused, a body
 * over the cap refused with 413 on a connection that goes on serving, requests
 * from web pages of other sites refused, and event-stream subscribers that stop
 * reading dropped.
 */
import { setImmediate as nextTurn } from 'node:timers/promises'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { z } from 'zod'
import { http } from '../../src/api/http/client.js'
import { readSse } from '../../src/api/http/sseReader.js'
import { SSE_MAX_BUFFERED_BYTES } from '../../src/api/http/limits.js'
import { MAX_BODY_BYTES, route, startApiServer, type RunningServer } from '../../src/node/api/httpServer.js'
import { rawRequest } from '../helpers/rawRequest.js'
import { drain, stalledSubscriber } from '../helpers/stalledSubscriber.js'

let server: RunningServer
const auth = { authorization: 'Bearer secret' }
/** the event stream's subscribers, for the test to send to */
const subscribers = new Set<(event: string, data: unknown) => void>()
const dropped: string[] = []

beforeAll(async () => {
  server = await startApiServer({
    port: 0,
    token: 'secret',
    sse: [{ path: '/v1/events', open: (send) => (subscribers.add(send), () => subscribers.delete(send)) }],
    onError: (err) => { throw err },
    onSubscriberDropped: (path) => dropped.push(path),
    routes: [
      route('GET', '/v1/channels/:channelId', undefined, async ({ params, query }) => ({ got: params.channelId, ...(query.has('limit') ? { limit: query.get('limit') } : {}) })),
      route('POST', '/v1/channels/:channelId/close', z.object({ force: z.boolean() }), async ({ params, body }) => ({ closing: params.channelId, force: body.force })),
      route('POST', '/v1/echo', z.object({ text: z.string() }), async ({ body }) => ({ length: body.text.length })),
    ],
  })
})
afterAll(() => server.close())

async function call(method: string, path: string, body?: string): Promise<{ status: number; json: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const res = await http(`${server.url}${path}`, { method, headers: auth, ...(body === undefined ? {} : { body }) })
  return { status: res.status, json: JSON.parse(await res.text()) }
}

it('matches a route by method and pattern, with its parameters decoded', async () => {
  expect(await call('GET', '/v1/channels/a%20b')).toEqual({ status: 200, json: { got: 'a b' } })
  expect(await call('POST', '/v1/channels/c1/close', '{"force":true}')).toEqual({ status: 200, json: { closing: 'c1', force: true } })
})

it('reads the query string, and a path with none', async () => {
  expect(await call('GET', '/v1/channels/c1?limit=5&x=%20')).toEqual({ status: 200, json: { got: 'c1', limit: '5' } })
  expect(await call('GET', '/v1/channels/c1?')).toEqual({ status: 200, json: { got: 'c1' } })
})

it('refuses a path parameter that is not percent-encoding with 400, naming it', async () => {
  const bad = await call('GET', '/v1/channels/%ZZ')
  expect(bad.status).toBe(400)
  expect(bad.json.error?.code).toBe('INVALID_REQUEST')
  expect(bad.json.error?.message).toContain('%ZZ')
})

it('answers 404 for a path no route has, and 405 naming the methods a path has', async () => {
  expect((await call('GET', '/v1/channels/c1/open')).status).toBe(404)
  const wrong = await call('DELETE', '/v1/channels/c1/close')
  expect(wrong.status).toBe(405)
  expect(wrong.json.error?.message).toContain('try POST')
})

it('refuses a body over the cap with 413, and the connection serves the next request', async () => {
  const big = await call('POST', '/v1/echo', JSON.stringify({ text: 'x'.repeat(MAX_BODY_BYTES) }))
  expect(big.status).toBe(413)
  expect(big.json.error?.code).toBe('BODY_TOO_LARGE')
  expect(await call('POST', '/v1/echo', '{"text":"hello"}')).toEqual({ status: 200, json: { length: 5 } })
})

function raw(method: string, path: string, headers: Record<string, string>, body?: string): ReturnType<typeof rawRequest> {
  return rawRequest(server.url, method, path, { ...auth, ...headers }, body)
}

it('refuses, with 403 and a JSON error, a request addressed to another host name (DNS rebinding) or sent by a page of another origin', async () => {
  const { port } = new URL(server.url)
  const rebound = await raw('GET', '/v1/channels/c1', { host: `attacker.example:${port}` })
  expect(rebound.status).toBe(403)
  expect(rebound.json).toMatchObject({ error: { code: 'FORBIDDEN_HOST' } })
  // a form's text/plain POST needs no preflight: it must not reach the route
  const posted = await raw('POST', '/v1/echo', { host: `127.0.0.1:${port}`, origin: 'http://attacker.example', 'content-type': 'text/plain' }, '{"text":"hi"}')
  expect(posted.status).toBe(403)
  expect(posted.json).toMatchObject({ error: { code: 'FORBIDDEN_ORIGIN' } })
  expect((await raw('GET', '/v1/channels/c1', { host: `127.0.0.1:${port}`, origin: 'null' })).status).toBe(403)
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
