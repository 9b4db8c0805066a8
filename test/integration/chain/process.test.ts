import { afterEach, describe, expect, it } from 'vitest'
import { addressFromPublicKey } from '../../../src/chain/address.js'
import { ChainClient } from '../../../src/api/chain/client.js'
import { cleanupProcesses, runCli, spawnReady, tempDir, type Child } from '../../helpers/processes.js'
import { alice, bob, pub } from '../../unit/chain/helpers.js'

afterEach(cleanupProcesses)

async function startChain(dataDir: string): Promise<{ child: Child; url: string; client: ChainClient }> {
  const child = await spawnReady(['chain', 'start', '--data-dir', dataDir, '--port', '0'])
  const url = String(child.ready.url)
  return { child, url, client: new ChainClient({ url }) }
}

describe('the chain daemon as a real process', () => {
  it('survives kill -9 with every mined block intact', async () => {
    const dataDir = await tempDir()
    const first = await startChain(dataDir)
    const aliceAddress = addressFromPublicKey(pub(alice))
    await first.client.faucet(aliceAddress, 123_456n, { confirm: true })
    await first.client.mine(5, { address: addressFromPublicKey(pub(bob)) })
    // mine one block per request as fast as possible and kill the daemon in the middle
    const acknowledged: Array<{ height: number; hash: string }> = []
    const miner = (async () => {
      for (;;) {
        const r = await first.client.mine(1).catch(() => undefined)
        if (!r) return
        acknowledged.push({ height: r.height, hash: r.hashes[0]! })
      }
    })()
    while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 5))
    first.child.proc.kill('SIGKILL')
    await first.child.exited
    await miner

    const second = await startChain(dataDir)
    const info = await second.client.info()
    const last = acknowledged[acknowledged.length - 1]!
    expect(info.height).toBeGreaterThanOrEqual(last.height)
    for (const a of acknowledged) expect((await second.client.getBlock(a.height)).hash).toBe(a.hash)
    expect(toHexString(info.chainHash)).toBe(first.child.ready.chainHash)
    expect((await second.client.getAddressUtxos(aliceAddress)).utxos.map((u) => u.valueSat)).toEqual([123_456n])
    expect((await second.client.getAddressUtxos(addressFromPublicKey(pub(bob)))).utxos).toHaveLength(5)
    expect(info.faucetPaidOutSat).toBe(123_456n)
    // and it goes on from there
    expect((await second.client.mine(1)).height).toBe(info.height + 1)
  })

  it('is driven through the CLI: info, mine, fund, tx, block', async () => {
    const dataDir = await tempDir()
    const { url } = await startChain(dataDir)
    const cli = async (...args: string[]) => {
      const r = await runCli(['chain', ...args, '--chain', url, '--json'])
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout) as Record<string, unknown>
    }
    expect(await cli('info')).toMatchObject({ network: 'lnsim-regtest', height: 0, faucetPaidOutSat: '0' })
    const mined = await cli('mine', '3')
    expect(mined).toMatchObject({ height: 3 })
    const address = addressFromPublicKey(pub(alice))
    const paid = await cli('fund', address, '250000', '--confirm')
    expect(paid).toMatchObject({ address, amountSat: '250000', blockHeight: 4 })
    const tx = await cli('tx', String(paid.txid))
    expect(tx).toMatchObject({ status: 'confirmed', blockHeight: 4, confirmations: 1, feeSat: '0' })
    expect((tx.tx as { outputs: Array<{ valueSat: string; condition: string }> }).outputs[0]).toEqual({
      valueSat: '250000',
      condition: `sig(${Buffer.from(pub(alice)).toString('hex')})`,
    })
    const block = await cli('block', '4')
    expect(block.txids).toContain(paid.txid)
    expect(await cli('block', String(block.hash))).toMatchObject({ height: 4 })
    expect(await cli('info')).toMatchObject({ height: 4, faucetPaidOutSat: '250000' })

    const human = await runCli(['chain', 'tx', String(paid.txid), '--chain', url])
    expect(human.stdout).toContain('confirmed in block 4')

    const bad = await runCli(['chain', 'fund', 'sim1nope', '5', '--chain', url])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/not an address/)
  })

  it('says how to start the chain when none is running', async () => {
    const r = await runCli(['chain', 'info', '--chain', 'http://127.0.0.1:1'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('lnsim chain start')
    const help = await runCli(['chain', 'mine', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: lnsim chain mine N')
  })
})

function toHexString(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}
