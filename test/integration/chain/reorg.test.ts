/**
 * A reorganization in the chain daemon: asked over HTTP, kept across a
 * restart (the block file holds the branch that stays), with the faucet's
 * count and the left-out transaction where they were; a bad request is
 * refused with a code.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addressFromPublicKey } from '../../../src/chain/address.js'
import { ChainClient } from '../../../src/api/chain/client.js'
import { startChainDaemon, type ChainDaemon } from '../../../src/chaind/startChainDaemon.js'
import { alice, pub } from '../../unit/chain/helpers.js'

const daemons: ChainDaemon[] = []
const dirs: string[] = []

afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()))
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function start(dataDir: string): Promise<ChainClient> {
  const daemon = await startChainDaemon({ dataDir, port: 0, log: () => {} })
  daemons.push(daemon)
  return new ChainClient({ url: daemon.url })
}

describe('a reorganization in the chain daemon', () => {
  it('replaces the blocks on disk too, and a restart finds the branch that stays', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lnsim-chain-'))
    dirs.push(dataDir)
    let client = await start(dataDir)
    const paid = await client.faucet(addressFromPublicKey(pub(alice)), 50_000n, { confirm: true })
    await client.mine(2)
    const r = await client.reorg(3, [paid.txid])
    expect(r).toMatchObject({ forkHeight: 0, height: 4, leftOut: [paid.txid], invalidated: [] })
    expect((await client.getTransaction(paid.txid)).status).toBe('mempool')
    expect((await client.info()).faucetPaidOutSat).toBe(50_000n)

    await daemons.pop()!.stop()
    client = await start(dataDir)
    const info = await client.info()
    expect(info.height).toBe(4)
    expect(info.tipHash).toBe(r.hashes.at(-1))
    expect(info.faucetPaidOutSat).toBe(50_000n)
    expect((await client.getTransaction(paid.txid)).status).toBe('mempool')
    await client.mine(1)
    expect(await client.getTransaction(paid.txid)).toMatchObject({ status: 'confirmed', blockHeight: 5 })
  })

  it('refuses a depth it cannot make, and a transaction not in the blocks replaced', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lnsim-chain-'))
    dirs.push(dataDir)
    const client = await start(dataDir)
    await client.mine(2)
    await expect(client.reorg(3)).rejects.toMatchObject({ code: 'INVALID_REORG' })
    await expect(client.reorg(1, ['ab'.repeat(32)])).rejects.toMatchObject({ code: 'INVALID_REORG' })
    expect((await client.info()).height).toBe(2)
  })
})
