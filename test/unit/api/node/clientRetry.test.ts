/**
 * The control-API client (used by the scenario runner, the CLI and the dashboard) and the chain client against a
 * server that fails: a read that got no answer is asked again with backoff and a longer timeout; a request that
 * changes something and got no answer is not (it may have been done); any request refused as overloaded (503) is
 * asked again, never sooner than the Retry-After, and clients refused together come back at different moments.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { NodeClient } from '../../../../src/api/node/client.js'
import { ChainClient } from '../../../../src/api/chain/client.js'

const servers: Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) s.closeAllConnections()
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
})

type Behaviour = 'answer' | 'silent' | 'overloaded'

/** A server that treats the requests in turn as `script` says (then answers), noting when each arrived. */
async function scriptedServer(script: Behaviour[], answer: (req: IncomingMessage) => unknown = () => ({ n: 1 })) {
  const arrivals: Array<{ at: number; method: string; path: string }> = []
  const s = createServer((req: IncomingMessage, res: ServerResponse) => {
    arrivals.push({ at: performance.now(), method: req.method ?? '', path: req.url ?? '' })
    const what = script[arrivals.length - 1] ?? 'answer'
    req.resume()
    if (what === 'silent') return // never answers
    if (what === 'overloaded') {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' })
      return void res.end(JSON.stringify({ error: { code: 'OVERLOADED', message: 'busy' } }))
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(answer(req)))
  })
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, arrivals }
}

const Answer = z.object({ n: z.number() })

describe('the control-API client', () => {
  it('asks a read again after a timeout, allowing it twice the time', async () => {
    const s = await scriptedServer(['silent'])
    const client = new NodeClient({ url: s.url, token: 't', timeoutMs: 200 })
    const started = performance.now()
    await expect(client.call('GET', '/v1/x', Answer)).resolves.toEqual({ n: 1 })
    expect(s.arrivals).toHaveLength(2)
    // the retry waited (backoff, at least 125 ms with jitter) after the 200 ms timeout
    expect(performance.now() - started).toBeGreaterThanOrEqual(200 + 125 - 5)
  })

  it('gives up a read after its attempts, and never repeats a request that changes something', async () => {
    const reads = await scriptedServer(['silent', 'silent', 'silent', 'silent'])
    const client = new NodeClient({ url: reads.url, token: 't', timeoutMs: 100 })
    await expect(client.call('GET', '/v1/x', Answer)).rejects.toMatchObject({ code: 'TIMEOUT' })
    expect(reads.arrivals).toHaveLength(3)

    const writes = await scriptedServer(['silent'])
    const writer = new NodeClient({ url: writes.url, token: 't', timeoutMs: 100 })
    await expect(writer.call('POST', '/v1/channels', Answer, {})).rejects.toMatchObject({ code: 'TIMEOUT' })
    expect(writes.arrivals).toHaveLength(1)
  })

  it('asks again any request refused as overloaded, not before its Retry-After', async () => {
    const s = await scriptedServer(['overloaded'])
    const client = new NodeClient({ url: s.url, token: 't' })
    await expect(client.call('POST', '/v1/channels', Answer, {})).resolves.toEqual({ n: 1 })
    expect(s.arrivals.map((a) => a.method)).toEqual(['POST', 'POST'])
    expect(s.arrivals[1]!.at - s.arrivals[0]!.at).toBeGreaterThanOrEqual(1000 - 5)
  })

  it('spreads the clients it refused together over time (jitter)', async () => {
    const clients = 10
    const s = await scriptedServer(Array<Behaviour>(clients).fill('overloaded'))
    await Promise.all(
      Array.from({ length: clients }, (_, i) =>
        new NodeClient({ url: s.url, token: 't' }).call('GET', `/v1/x?client=${i}`, Answer),
      ),
    )
    // each client's wait, from its refusal to its retry
    const waits = Array.from({ length: clients }, (_, i) => {
      const [refused, retried] = s.arrivals.filter((a) => a.path.endsWith(`client=${i}`))
      return retried!.at - refused!.at
    })
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000 - 5)
    // ten waits jittered over 500 ms: they differ
    expect(Math.max(...waits) - Math.min(...waits)).toBeGreaterThan(100)
  })

  it('stops after its overload attempts, with the code the node gave', async () => {
    const s = await scriptedServer(['overloaded', 'overloaded'])
    const client = new NodeClient({ url: s.url, token: 't', overloadAttempts: 2 })
    await expect(client.call('GET', '/v1/x', Answer)).rejects.toMatchObject({ code: 'OVERLOADED', status: 503 })
    expect(s.arrivals).toHaveLength(2)
  })
})

describe('the chain client', () => {
  it('asks again a request refused as overloaded, even one it never repeats after a timeout (mining)', async () => {
    const s = await scriptedServer(['overloaded'], () => ({ height: 1, hashes: ['00'.repeat(32)] }))
    const chain = new ChainClient({ url: s.url })
    await chain.mine(1)
    expect(s.arrivals.map((a) => `${a.method} ${a.path}`)).toEqual(['POST /v1/mine', 'POST /v1/mine'])
    expect(s.arrivals[1]!.at - s.arrivals[0]!.at).toBeGreaterThanOrEqual(1000 - 5)
  })
})
