import { afterEach, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { http, HttpTimeoutError } from '../../../../src/api/http/client.js'

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

/** A server that resets the connection, unanswered, on the requests numbered in `reset` (1-based). */
async function server(reset: number[]): Promise<{ url: string; seen: () => number }> {
  let n = 0
  const s = createServer((req, res) => {
    n++
    if (reset.includes(n)) return void req.socket.destroy()
    res.end(`answer ${n}`)
  })
  s.keepAliveTimeout = 60_000
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen: () => n }
}

describe('http()', () => {
  it('asks again, on a new socket, when a kept-alive socket is reset before any answer', async () => {
    const s = await server([2])
    expect(await (await http(`${s.url}/a`)).text()).toBe('answer 1')
    // the second request reuses the socket, which the server resets unanswered (as an idle close would)
    expect(await (await http(`${s.url}/b`, { method: 'POST', body: '{}' })).text()).toBe('answer 3')
    expect(s.seen()).toBe(3)
  })

  it('does not ask again when a fresh socket is reset: the server may have acted on it', async () => {
    const s = await server([1])
    await expect(http(`${s.url}/a`, { method: 'POST', body: '{}' })).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect(s.seen()).toBe(1)
  })

  it('lets one signal guard many requests at once without a listener-leak warning on the terminal', async () => {
    const s = await server([])
    const warnings: string[] = []
    const onWarning = (w: Error): void => void warnings.push(w.name)
    process.on('warning', onWarning)
    try {
      const signal = new AbortController().signal
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => http(`${s.url}/${i}`, { signal }).then((r) => r.text())),
      )
      expect(answers).toHaveLength(20)
      await new Promise((r) => setImmediate(r)) // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning')
  })

  it('gives up with HttpTimeoutError when no answer, or no whole body, comes within timeoutMs', async () => {
    const s = createServer((req, res) => {
      if (req.url === '/half') {
        res.writeHead(200, { 'content-length': 10 })
        res.write('abc')
      }
    })
    servers.push(s)
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`
    await expect(http(`${url}/silent`, { timeoutMs: 300 })).rejects.toBeInstanceOf(HttpTimeoutError)
    const half = await http(`${url}/half`, { timeoutMs: 300 })
    await expect(half.text()).rejects.toBeInstanceOf(HttpTimeoutError)
    s.closeAllConnections()
  })

  it('a timeout that did not fire is cleared, so it keeps no process alive after the answer', async () => {
    const s = await server([])
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const before = timers()
    expect(await (await http(`${s.url}/a`, { timeoutMs: 60_000 })).text()).toBe('answer 1')
    await new Promise((r) => setImmediate(r))
    expect(timers()).toBe(before)
  })
})
