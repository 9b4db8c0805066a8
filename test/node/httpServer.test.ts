/**
 * The control API's HTTP layer on its own: routes matched by method and path
 * pattern (parameters decoded, the query read), 404 and 405 that say what
 * exists, a path parameter that is not percent-encoding refused, and a body
 * over the cap refused with 413 on a connection that goes on serving.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { z } from 'zod'
import { http } from '../../src/core/http.js'
import { MAX_BODY_BYTES, route, startApiServer, type RunningServer } from '../../src/node/api/httpServer.js'

let server: RunningServer
const auth = { authorization: 'Bearer secret' }

beforeAll(async () => {
  server = await startApiServer({
    port: 0,
    token: 'secret',
    sse: [],
    onError: (err) => { throw err },
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
