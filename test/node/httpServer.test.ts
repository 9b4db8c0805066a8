/**
 * The control API's HTTP layer on its own: routes matched by method and path
 * pattern (parameters decoded), 404 and 405 that say what exists, and a body
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
      route('GET', '/v1/channels/:channelId', undefined, async ({ params }) => ({ got: params.channelId })),
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
