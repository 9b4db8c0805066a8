/**
 * The control API is the only way into a node: without its token, 401; a bad
 * body, a 400 naming the field; an unknown route, 404; and the CLI in front of
 * it answers --help, --json and failures with a reason and a non-zero exit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { cleanupProcesses, runCli } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'

describe('a node’s control API and CLI', () => {
  const net = new TestNetwork()
  let url = ''
  let token = ''

  beforeAll(async () => {
    await net.start('alice')
    const alice = net.node('alice')
    url = alice.client.url
    token = (await readFile(`${alice.dataDir}/api.token`, 'utf8')).trim()
  }, 60_000)

  afterAll(async () => {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  const call = (path: string, init: RequestInit = {}, auth = true) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: {
        ...(auth ? { authorization: `Bearer ${token}` } : {}),
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    })

  it('refuses requests without the right token', async () => {
    expect((await call('/v1/info', {}, false)).status).toBe(401)
    expect((await call('/v1/info', { headers: { authorization: 'Bearer nope' } }, false)).status).toBe(401)
    expect((await call('/v1/info')).status).toBe(200)
  })

  it('answers a bad body with 400 and the field that was wrong, and unknown routes with 404', async () => {
    const bad = await call('/v1/channels', { method: 'POST', body: JSON.stringify({ nodeId: 'xyz', amountSat: 1000 }) })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string; field: string } }).error).toMatchObject({
      code: 'INVALID_REQUEST',
      field: 'nodeId',
    })
    const notJson = await call('/v1/invoices', { method: 'POST', body: '{oops' })
    expect(notJson.status).toBe(400)
    const extra = await call('/v1/invoices', {
      method: 'POST',
      body: JSON.stringify({ amountMsat: '1000', surprise: 1 }),
    })
    expect(extra.status).toBe(400)
    const negative = await call('/v1/invoices', { method: 'POST', body: JSON.stringify({ amountMsat: -5 }) })
    expect(negative.status).toBe(400)
    expect((await call('/v1/nothing-here')).status).toBe(404)
    expect((await call('/v1/info', { method: 'DELETE' })).status).toBe(405)
  })

  it('the CLI: --help, --json, and a clear error with a non-zero exit', async () => {
    const dir = net.node('alice').dataDir
    const help = await runCli(['pay', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: lnsim pay INVOICE')
    const info = await runCli(['info', '--node', dir, '--json'])
    expect(info.code).toBe(0)
    expect(JSON.parse(info.stdout).alias).toBe('alice')
    const open = await runCli(['open', '02' + '11'.repeat(32), '1000', '--node', dir])
    expect(open.code).not.toBe(0)
    expect(open.stderr).toMatch(/not connected|connect first/)
    const noNode = await runCli(['info', '--node', '/nonexistent-lnsim-dir'])
    expect(noNode.code).not.toBe(0)
    expect(noNode.stderr).toMatch(/lnsim node start/)
  })
})
