/**
 * Attaching to nodes through their control API only: a stand-in node that
 * speaks the API contract (info, channels, payments, the event stream), the
 * run directory that names nodes, and the `lnsim dashboard` command itself.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { toJson } from '../../../../src/core/json.js'
import { NodeClient } from '../../../../src/api/node/client.js'
import { startDashboard, readRunDir, type Dashboard } from '../../../../src/observe/dashboard/index.js'
import type { DashboardSnapshot } from '../../../../src/observe/dashboard/views.js'
import { FIXTURE, fixtureInputs, nodeIdOf } from '../../../helpers/dashboardFixture.js'
import { cleanupProcesses, runCli, spawnReady, stop, tempDir, waitFor } from '../../../helpers/processes.js'

const inputs = await fixtureInputs()
const alice = nodeIdOf(inputs, 'alice')
const bob = nodeIdOf(inputs, 'bob')
const TOKEN = 'secret-token'

const servers: Server[] = []
const dashboards: Dashboard[] = []

afterEach(async () => {
  await Promise.all(dashboards.splice(0).map((d) => d.stop()))
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    s.close()
  }
  await cleanupProcesses()
})

/** A node as the dashboard sees it: the control API's JSON and its event stream, nothing else. */
async function standInNode(): Promise<{ url: string; emit(e: object): void; shutdown(): void }> {
  const streams = new Set<ServerResponse>()
  const info = {
    nodeId: alice,
    alias: 'alice',
    peerId: '12D3KooWalice',
    listenAddresses: [],
    apiUrl: '',
    chain: { url: 'http://127.0.0.1:1', chainHash: '00'.repeat(32), blockHeight: 104 },
    channels: { active: 1, pending: 0, closing: 0, inactive: 0 },
    peers: 1,
    version: '0.1.0',
    testing: false,
  }
  const channel = {
    channelId: 'ab'.repeat(32),
    shortChannelId: '102x1x0',
    remoteNodeId: bob,
    state: 'NORMAL',
    active: true,
    isFunder: true,
    capacitySat: '1000000',
    localBalanceMsat: '998170000',
    remoteBalanceMsat: '0',
    availableToSendMsat: '0',
    availableToReceiveMsat: '0',
    pendingHtlcs: [],
    commitmentNumber: '1',
    fundingTxid: 'cd'.repeat(32),
    closingTxid: null,
  }
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end()
    const body =
      req.url === '/v1/info'
        ? info
        : req.url === '/v1/channels'
          ? [channel]
          : req.url === '/v1/payments'
            ? []
            : undefined
    if (body !== undefined) return void res.writeHead(200, { 'content-type': 'application/json' }).end(toJson(body))
    if (req.url === '/v1/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(': hello\n\n')
      streams.add(res)
      return void res.once('close', () => streams.delete(res))
    }
    res.writeHead(404).end()
  })
  servers.push(server)
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    emit: (e) => {
      for (const s of streams) s.write(`event: ${(e as { type: string }).type}\ndata: ${toJson(e)}\n\n`)
    },
    shutdown: () => {
      server.close()
      server.closeAllConnections()
    },
  }
}

async function state(d: Dashboard): Promise<DashboardSnapshot> {
  return (await (await fetch(`${d.url}api/state`)).json()) as DashboardSnapshot
}

describe('dashboard attached to a node', () => {
  it('starts from the control API snapshot, follows the event stream, greys a node out when it goes away', async () => {
    const node = await standInNode()
    const d = await startDashboard({ nodes: [new NodeClient({ url: node.url, token: TOKEN })], batchIntervalMs: 20 })
    dashboards.push(d)
    await waitFor('the snapshot', async () => (await state(d)).channels.length === 1)
    expect((await state(d)).channels[0]).toMatchObject({ capacityMsat: '1000000000', state: 'NORMAL', active: true })

    node.emit({
      type: 'channel_balance',
      node: alice,
      alias: 'alice',
      time: Date.now(),
      channelId: 'ab'.repeat(32),
      localMsat: '948168950',
      remoteMsat: '50001050',
    })
    await waitFor('the balance event', async () => {
      const c = (await state(d)).channels[0]!
      return String(c.node1 === bob ? c.balance1Msat : c.balance2Msat) === '50001050'
    })

    node.shutdown()
    await waitFor('alice greyed out', async () => (await state(d)).nodes.find((n) => n.id === alice)?.online === false)
  })
})

describe('run directory', () => {
  it('names the nodes (by data directory or API URL and token) and the chain', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'nodes', 'bob'), { recursive: true })
    await writeFile(join(dir, 'nodes', 'bob', 'api.url'), 'http://127.0.0.1:2002\n')
    await writeFile(join(dir, 'nodes', 'bob', 'api.token'), 'bobtoken\n')
    await writeFile(
      join(dir, 'run.json'),
      JSON.stringify({
        chain: { url: 'http://127.0.0.1:18800' },
        nodes: [
          { name: 'alice', apiUrl: 'http://127.0.0.1:2001', token: 't' },
          { name: 'bob', dataDir: 'nodes/bob' },
        ],
        seed: 7,
      }),
    )
    const run = await readRunDir(dir)
    expect(run.chainUrl).toBe('http://127.0.0.1:18800')
    expect(run.nodes.map((n) => n.url)).toEqual(['http://127.0.0.1:2001', 'http://127.0.0.1:2002'])
  })

  it('says what to do when there is no run there', async () => {
    await expect(readRunDir(await tempDir())).rejects.toMatchObject({ code: 'RUN_DIR_NOT_FOUND' })
  })
})

describe('lnsim dashboard', () => {
  it('serves a replay, prints its ready line with --json, and stops on Ctrl-C', async () => {
    const child = await spawnReady(['dashboard', '--replay', FIXTURE])
    const url = String(child.ready.url)
    expect((await fetch(url)).status).toBe(200)
    expect(await stop(child, 'SIGINT')).toBe(0)
  })

  it('wants exactly one source, and says so', async () => {
    expect((await runCli(['dashboard'])).code).toBe(2)
    expect((await runCli(['dashboard', '--replay', FIXTURE, '--nodes', 'x'])).code).toBe(2)
    expect((await runCli(['dashboard', '--replay', FIXTURE, '--port', 'abc'])).code).toBe(2)
    const missing = await runCli(['dashboard', '--replay', '/nonexistent/events.ndjson', '--json'])
    expect(missing.code).toBe(1)
    expect(JSON.parse(missing.stderr).error.code).toBe('EVENTS_FILE_UNREADABLE')
    const help = await runCli(['dashboard', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--replay FILE')
  })
})
