import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ChainClient, ChainClientError } from '../../../src/api/chain/client.js'
import { ChainWatch } from '../../../src/api/chain/chainWatch.js'
import { startChainDaemon, type ChainDaemon } from '../../../src/chaind/startChainDaemon.js'
import { runCli } from '../../helpers/processes.js'

const daemons: ChainDaemon[] = []
const dirs: string[] = []
const aborts: AbortController[] = []

afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort()
  await Promise.all(daemons.splice(0).map((d) => d.stop()))
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function start(): Promise<ChainClient> {
  return (await startWithUrl()).client
}

async function startWithUrl(): Promise<{ client: ChainClient; url: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lnsim-chain-feerate-'))
  dirs.push(dataDir)
  const daemon = await startChainDaemon({ dataDir, port: 0, log: () => {} })
  daemons.push(daemon)
  return { client: new ChainClient({ url: daemon.url }), url: daemon.url }
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe("the chain's fee-rate estimate", () => {
  it('starts at 253 sat/kw, takes a new value, and refuses one below the relay floor or not whole', async () => {
    const client = await start()
    expect(await client.feerate()).toBe(253)
    expect(await client.setFeerate(2_500)).toBe(2_500)
    expect(await client.feerate()).toBe(2_500)
    for (const bad of [252, 2.5, 1_000_001]) {
      const err = await client.setFeerate(bad).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ChainClientError)
      expect((err as ChainClientError).code).toBe('INVALID_REQUEST')
    }
    expect(await client.feerate()).toBe(2_500)
  })

  it('reaches a watching node on its watch stream: when the session opens, then at each change', async () => {
    const client = await start()
    await client.setFeerate(1_000)
    const heard: number[] = []
    const abort = new AbortController()
    aborts.push(abort)
    new ChainWatch(
      client,
      {
        from: () => 0,
        watched: () => ({ txids: [], outpoints: [] }),
        onBlock: () => {},
        onEarlierMatches: () => {},
        onFeerate: (satPerKw) => heard.push(satPerKw),
      },
      abort.signal,
    )
    await until('the estimate when the session opens', () => heard.length === 1)
    await client.setFeerate(5_000)
    await until('the new estimate', () => heard.length === 2)
    expect(heard).toEqual([1_000, 5_000])
  })

  it('is read and set with lnsim chain feerate [set N], which refuses what is not a fee rate', async () => {
    const { client, url } = await startWithUrl()
    const shown = await runCli(['chain', 'feerate', '--chain', url, '--json'])
    expect(shown.code, shown.stderr).toBe(0)
    expect(JSON.parse(shown.stdout)).toEqual({ satPerKw: 253 })
    const set = await runCli(['chain', 'feerate', 'set', '4000', '--chain', url])
    expect(set.code, set.stderr).toBe(0)
    expect(set.stdout).toContain('4000 sat/kw')
    for (const bad of ['100', '2.5', 'fast']) {
      const refused = await runCli(['chain', 'feerate', 'set', bad, '--chain', url])
      expect(refused.code).toBe(2)
    }
    expect(await client.feerate()).toBe(4_000)
  })
})
