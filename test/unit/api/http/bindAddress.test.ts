/**
 * A server told to listen beyond loopback (`--host`): the URL it gives names
 * an address a client elsewhere can dial, it answers requests addressed to
 * that address (and still to the loopback names), it still refuses other
 * names (DNS rebinding) and still demands its token. Requests travel over
 * loopback here, with the Host header a remote client would send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { route } from '../../../../src/api/http/route.js'
import { startHttpServer, type RunningHttpServer } from '../../../../src/api/http/server.js'
import {
  BindAddressError,
  advertisedHost,
  hostNamesFor,
  parseBindHost,
  routableAddresses,
} from '../../../../src/api/http/bindAddress.js'
import { foreignRequest } from '../../../../src/api/http/loopbackGuard.js'
import { rawRequest } from '../../../helpers/rawRequest.js'

const TOKEN = 'f'.repeat(64)
const auth = { authorization: `Bearer ${TOKEN}` }

describe('bind address', () => {
  it('takes IP literals and localhost, and refuses names', () => {
    expect(parseBindHost('0.0.0.0')).toBe('0.0.0.0')
    expect(parseBindHost('[::]')).toBe('::')
    expect(parseBindHost('localhost')).toBe('127.0.0.1')
    expect(() => parseBindHost('example.com')).toThrow(BindAddressError)
  })

  it('a loopback server answers the loopback names only; a specific address adds itself', () => {
    expect(hostNamesFor('127.0.0.1')).toEqual(['127.0.0.1', 'localhost', '[::1]'])
    expect(foreignRequest({ host: '10.1.2.3:80' }, 80)).toMatchObject({ code: 'FORBIDDEN_HOST' })
    const names = hostNamesFor('10.1.2.3')
    expect(names).toContain('10.1.2.3')
    expect(foreignRequest({ host: '10.1.2.3:9000' }, 9000, names)).toBeUndefined()
    expect(foreignRequest({ host: '10.1.2.4:9000' }, 9000, names)).toMatchObject({ code: 'FORBIDDEN_HOST' })
    expect(hostNamesFor('fd00::7')).toContain('[fd00::7]')
  })
})

describe.skipIf(routableAddresses().length === 0)('a server on 0.0.0.0', () => {
  let server: RunningHttpServer
  const routable = routableAddresses()[0]!
  beforeAll(async () => {
    server = await startHttpServer({
      name: 'test',
      port: 0,
      host: '0.0.0.0',
      token: TOKEN,
      routes: [route('GET', '/v1/info', undefined, () => ({ ok: true }))],
    })
  })
  afterAll(() => server.close())

  it('gives a URL on the machine’s routable address, not 127.0.0.1', () => {
    expect(advertisedHost('0.0.0.0')).toBe(routable)
    expect(new URL(server.url).hostname).toBe(routable.includes(':') ? `[${routable}]` : routable)
  })

  it('answers requests addressed to that address and to loopback, with the token', async () => {
    const host = new URL(server.url).host
    expect(await rawRequest(server.url, 'GET', '/v1/info', { host, ...auth })).toMatchObject({
      status: 200,
      json: { ok: true },
    })
    const { port } = new URL(server.url)
    expect((await rawRequest(server.url, 'GET', '/v1/info', { host: `127.0.0.1:${port}`, ...auth })).status).toBe(200)
  })

  it('still demands the token and still refuses other names', async () => {
    const host = new URL(server.url).host
    expect(await rawRequest(server.url, 'GET', '/v1/info', { host })).toMatchObject({
      status: 401,
      json: { error: { code: 'UNAUTHORIZED' } },
    })
    const { port } = new URL(server.url)
    expect(
      await rawRequest(server.url, 'GET', '/v1/info', { host: `attacker.example:${port}`, ...auth }),
    ).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN_HOST' } } })
  })
})
