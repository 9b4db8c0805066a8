import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256 } from '../../../src/crypto/hash.js'
import { utf8 } from '../../../src/core/bytes.js'
import { ChainClient } from '../../../src/api/chain/index.js'
import { startChainDaemon } from '../../../src/chaind/startChainDaemon.js'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function seededChain(seed: string) {
  const dir = await mkdtemp(join(tmpdir(), 'lnsim-seed-'))
  dirs.push(dir)
  const daemon = await startChainDaemon({
    dataDir: dir,
    port: 0,
    seed: sha256(utf8(seed)),
    genesisTime: 1_700_000_000,
    log: () => {},
  })
  const client = new ChainClient({ url: daemon.url })
  const paid = await client.faucet('sim1qqw0jw9sadd5zd5z9nqlfdxvarp5p7ydwnvy7hnhnzuxvpggywwmk2s9txp7', 50_000n, {
    confirm: true,
  })
  const info = await client.info()
  await daemon.stop()
  return { faucetAddress: info.faucetAddress, txid: paid.txid, chainHash: info.chainHash }
}

describe('a seeded chain', () => {
  it('has the same faucet, the same transaction ids and the same chain hash on every run', async () => {
    const a = await seededChain('lnsim')
    const b = await seededChain('lnsim')
    const c = await seededChain('other')
    expect(b).toEqual(a)
    expect(c.faucetAddress).not.toBe(a.faucetAddress)
    expect(c.txid).not.toBe(a.txid)
  })
})
