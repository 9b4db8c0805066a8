/**
 * `--host` and `--announce` on the real daemons: a chain and a node bound to
 * every interface write URLs that name a routable address (not 127.0.0.1),
 * the node announces routable addresses before loopback ones, or exactly what
 * --announce says, and its control API still demands its token. Requests go
 * over loopback, with the Host header a client elsewhere would send.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { routableAddresses } from '../../../src/api/http/bindAddress.js'
import { cleanupProcesses, spawnReady, tempDir } from '../../helpers/processes.js'
import { rawRequest } from '../../helpers/rawRequest.js'

afterAll(cleanupProcesses)

describe.skipIf(routableAddresses().length === 0)('servers bound beyond loopback', () => {
  const routable = routableAddresses()[0]!

  it('write URLs and announce addresses a peer elsewhere can dial, and still demand the token', async () => {
    const dir = await tempDir()
    const chain = await spawnReady(['chain', 'start', '--host', '0.0.0.0', '--port', '0', '--data-dir', join(dir, 'c')])
    const chainUrl = new URL(String(chain.ready.url))
    expect(chainUrl.hostname).toBe(routable)
    expect((await readFile(join(dir, 'c', 'chain.url'), 'utf8')).trim()).toBe(String(chain.ready.url))

    const node = await spawnReady(
      ['node', 'start', '--name', 'alice', '--host', '0.0.0.0', '--data-dir', join(dir, 'alice')].concat([
        '--chain',
        `http://127.0.0.1:${chainUrl.port}`,
      ]),
    )
    const apiUrl = new URL(String(node.ready.apiUrl))
    expect(apiUrl.hostname).toBe(routable)
    const listen = node.ready.listen as string[]
    expect(listen[0]).toContain(`/ip4/${routable}/tcp/`)
    expect(listen.at(-1)).toContain('/ip4/127.0.0.1/tcp/')

    const token = (await readFile(join(dir, 'alice', 'api.token'), 'utf8')).trim()
    const info = await rawRequest(apiUrl.href, 'GET', '/v1/info', {
      host: apiUrl.host,
      authorization: `Bearer ${token}`,
    })
    expect(info.status).toBe(200)
    expect(await rawRequest(apiUrl.href, 'GET', '/v1/info', { host: apiUrl.host })).toMatchObject({
      status: 401,
      json: { error: { code: 'UNAUTHORIZED' } },
    })
  }, 30_000)

  it('announces what --announce says instead', async () => {
    const dir = await tempDir()
    const chain = await spawnReady(['chain', 'start', '--port', '0', '--data-dir', join(dir, 'c')])
    const node = await spawnReady(
      ['node', 'start', '--name', 'bob', '--data-dir', join(dir, 'bob'), '--chain', String(chain.ready.url)].concat([
        '--announce',
        '/ip4/10.1.2.3/tcp/9735,/dns4/bob.lnsim/tcp/9735',
      ]),
    )
    expect(node.ready.listen).toEqual(['/ip4/10.1.2.3/tcp/9735', '/dns4/bob.lnsim/tcp/9735'])
  }, 30_000)
})
