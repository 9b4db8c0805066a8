/**
 * Admission control on lnsim's HTTP server (the chain daemon's): past its limit of requests worked on at once, a
 * request is answered at once with 503 OVERLOADED and a Retry-After; the limit frees as answers go out, failures
 * included; event streams do not count. And the wait a refused client takes: never sooner than Retry-After, spread
 * with jitter so that clients refused together do not come back together.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { LnsimError } from '../../../../src/core/errors.js'
import { http, parseRetryAfter } from '../../../../src/api/http/client.js'
import { backoffDelay, retryAfterDelay } from '../../../../src/api/http/backoff.js'
import { route } from '../../../../src/api/http/route.js'
import { startHttpServer, type RunningHttpServer } from '../../../../src/api/http/server.js'

const servers: RunningHttpServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** A server whose /slow answers only when the test says; /fail throws at once. */
async function gatedServer(limit: number) {
  const waiting: Array<() => void> = []
  const server = await startHttpServer({
    name: 'the chain daemon',
    port: 0,
    maxConcurrentRequests: limit,
    routes: [
      route('POST', '/slow', z.object({}), () => new Promise((done) => waiting.push(() => done({ ok: true })))),
      route('GET', '/fail', undefined, () => {
        throw new LnsimError('SOME_RULE', 'refused')
      }),
    ],
    streams: [{ path: '/events', open: () => () => {} }],
  })
  servers.push(server)
  const releaseAll = (): void => waiting.splice(0).forEach((f) => f())
  const arrived = async (n: number): Promise<void> => {
    while (waiting.length < n) await new Promise((r) => setTimeout(r, 5))
  }
  return { server, releaseAll, arrived }
}

async function post(url: string) {
  const res = await http(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
  return { status: res.status, retryAfterMs: res.retryAfterMs, json: JSON.parse(await res.text()) as unknown }
}

describe('an HTTP server with an admission limit', () => {
  it('answers 503 OVERLOADED with a Retry-After past the limit, and serves again once answers went out', async () => {
    const { server, releaseAll, arrived } = await gatedServer(2)
    // an event stream open all along does not take a place
    const stream = await http(`${server.url}/events`)
    expect(stream.status).toBe(200)
    const first = [post(`${server.url}/slow`), post(`${server.url}/slow`)]
    await arrived(2)
    const refused = await post(`${server.url}/slow`)
    expect(refused.status).toBe(503)
    expect(refused.retryAfterMs).toBe(1000)
    expect(refused.json).toMatchObject({ error: { code: 'OVERLOADED' } })
    releaseAll()
    expect((await Promise.all(first)).map((a) => a.status)).toEqual([200, 200])
    // the places are free again: two more are worked on
    const again = [post(`${server.url}/slow`), post(`${server.url}/slow`)]
    await arrived(2)
    releaseAll()
    expect((await Promise.all(again)).map((a) => a.status)).toEqual([200, 200])
  })

  it('frees a place when a route fails', async () => {
    const { server } = await gatedServer(1)
    for (let i = 0; i < 3; i++) {
      const res = await http(`${server.url}/fail`)
      expect(res.status).toBe(422)
      await res.text()
    }
  })
})

describe('the wait after a Retry-After', () => {
  it('is never sooner than Retry-After, and spread over half as long again', () => {
    expect(retryAfterDelay(0, 1000, undefined, () => 0)).toBe(1000)
    expect(retryAfterDelay(0, 1000, undefined, () => 1)).toBe(1500)
    const waits = Array.from({ length: 50 }, () => retryAfterDelay(0, 1000))
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000)
    expect(new Set(waits.map((w) => Math.round(w))).size).toBeGreaterThan(25)
  })

  it('grows with the backoff when the server keeps saying the same short wait', () => {
    expect(retryAfterDelay(6, 1000, undefined, () => 0)).toBe(backoffDelay(6, undefined, () => 0))
    expect(retryAfterDelay(6, 1000, undefined, () => 0)).toBeGreaterThan(1000)
  })

  it('reads Retry-After in seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000)
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })
})
