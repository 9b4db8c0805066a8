/**
 * The README's "Nodes by hand" as a user types it, in a fresh folder: nodes started with `lnsim node start --name`
 * found under .lnsim/ without --node, amounts with units, and the commands lncli users reach for (invoices,
 * lookupinvoice, setchannelpolicy, sendcoins, listunspent, stop), watch --json, and the one warning a node prints
 * without the native secp256k1 module.
 */
import { once } from 'node:events'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanupProcesses, spawnReady, stop, tempDir, waitFor, type Child } from '../../helpers/processes.js'
import { json, killAll, lnsim, start } from './lnsim.js'

const WITHOUT_NATIVE = ['--require', resolve(__dirname, 'fixtures/withoutNativeSecp256k1.cjs')]

interface ChannelJson {
  channelId: string
  shortChannelId: string | null
  active: boolean
  localBalanceMsat: string
}

describe('lnsim node commands, typed as a user types them', () => {
  let dir = ''
  let chainUrl = ''
  const nodes: Record<string, Child> = {}
  const nodeIds: Record<string, string> = {}
  let scid = ''
  /** `lnsim …` in the folder, with the chain where $LNSIM_CHAIN would say */
  const run = (...args: string[]) => lnsim(args, { cwd: dir, env: { LNSIM_CHAIN: chainUrl } })
  const startNode = async (name: string) => {
    nodes[name] = await spawnReady(
      ['node', 'start', '--name', name, '--data-dir', join(dir, '.lnsim', name)].concat(['--chain', chainUrl]),
    )
    nodeIds[name] = String(nodes[name]!.ready.nodeId)
  }

  beforeAll(async () => {
    dir = await tempDir('lnsim-cli-')
    // the chain's folder under .lnsim/ holds no node: discovery must pass it by
    const chain = await spawnReady(['chain', 'start', '--port', '0', '--data-dir', join(dir, '.lnsim', 'chain')])
    chainUrl = String(chain.ready.url)
    await startNode('alice')
  }, 60_000)

  afterAll(async () => {
    killAll()
    await cleanupProcesses()
  })

  it('with no node under .lnsim/, says how to start one', async () => {
    const empty = await tempDir('lnsim-cli-empty-')
    const r = await lnsim(['info'], { cwd: empty })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('no node found under .lnsim/: start one with `lnsim node start --name NAME`')
  })

  it('with one node under .lnsim/, finds it without --node; info shows its uri, not "peers"', async () => {
    expect(json(await run('info', '--json'))).toMatchObject({ alias: 'alice', nodeId: nodeIds.alice })
    const human = await run('info')
    expect(human.code).toBe(0)
    expect(human.stdout).toContain(`uri:      ${nodeIds.alice}@/ip4/127.0.0.1/tcp/`)
    expect(human.stdout).not.toContain('peers:  ')
  })

  it('with two, says which exist; --node NAME, --node DIR and a global --node pick one', async () => {
    await startNode('bob')
    const r = await run('info')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('2 nodes under .lnsim/ (alice, bob): say which with --node')
    expect(json(await run('info', '--node', 'bob', '--json'))).toMatchObject({ alias: 'bob' })
    expect(json(await run('--node', '.lnsim/bob', 'info', '--json'))).toMatchObject({ alias: 'bob' })
    expect(json(await run('--json', '--node', 'alice', 'info'))).toMatchObject({ alias: 'alice' })
  })

  it('funds, opens and pays with amounts in units', { timeout: 60_000 }, async () => {
    const address = json<{ address: string }>(await run('newaddress', '--node', 'alice', '--json')).address
    const funded = json(await run('chain', 'fund', address, '0.02btc', '--confirm', '--json'))
    expect(funded).toMatchObject({ amountSat: '2000000' })
    const bobInfo = json<{ listenAddresses: string[] }>(await run('info', '--node', 'bob', '--json'))
    const bobUri = `${nodeIds.bob}@${bobInfo.listenAddresses[0]!.replace(/\/p2p\/.*$/, '')}`
    expect((await run('connect', bobUri, '--node', 'alice')).code).toBe(0)
    const opened = await run('open', nodeIds.bob!, '0.01btc', '--push', '100000sat', '--node', 'alice', '--json')
    expect(opened.code, opened.stderr).toBe(0)
    expect((await run('chain', 'mine', '6')).code).toBe(0)
    const channel = await waitFor('the channel to be active with bob', async () => {
      const list = json<ChannelJson[]>(await run('channels', '--node', 'bob', '--json'))
      return list.find((c) => c.active && c.shortChannelId !== null)
    })
    expect(channel.localBalanceMsat).toBe('100000000')
    scid = channel.shortChannelId!

    const invoice = json<{ invoice: string; amountMsat: string; paymentHash: string }>(
      await run('invoice', '25000sat', '--memo', 'coffee', '--node', 'bob', '--json'),
    )
    expect(invoice.amountMsat).toBe('25000000')
    const paid = await run('pay', invoice.invoice, '--node', 'alice', '--json')
    expect(paid.code, paid.stderr).toBe(0)
    expect(json(paid)).toMatchObject({ status: 'succeeded', amountMsat: '25000000' })
    const anyAmount = json<{ invoice: string }>(await run('invoice', '0', '--node', 'bob', '--json'))
    expect(
      json(await run('pay', anyAmount.invoice, '--amount', '0.00001btc', '--node', 'alice', '--json')),
    ).toMatchObject({ status: 'succeeded', amountMsat: '1000000' })
  })

  it('invoices lists what a node issued; lookupinvoice shows one by its hash', async () => {
    const list = json<{ paymentHash: string; status: string; amountMsat: string | null; memo: string }[]>(
      await run('invoices', '--node', 'bob', '--json'),
    )
    expect(list).toHaveLength(2)
    const coffee = list.find((i) => i.memo === 'coffee')!
    expect(coffee).toMatchObject({ status: 'paid', amountMsat: '25000000' })
    const one = await run('lookupinvoice', coffee.paymentHash, '--node', 'bob')
    expect(one.code).toBe(0)
    expect(one.stdout).toContain(
      `paid     ${coffee.paymentHash.slice(0, 16)}… 25,000 sat (received 25,000 sat)  "coffee"`,
    )
    const missing = await run('lookupinvoice', 'ab'.repeat(32), '--node', 'bob', '--json')
    expect(missing.code).toBe(1)
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: 'UNKNOWN_INVOICE' } })
  })

  it("setchannelpolicy sets a channel's fees and HTLC limits, and the peer sees them in gossip", async () => {
    const r = await run(
      'setchannelpolicy',
      scid,
      '--base',
      '2sat',
      '--ppm',
      '150',
      '--cltv-delta',
      '60',
      '--htlc-min',
      '2sat',
      '--htlc-max',
      '100000sat',
      '--node',
      'alice',
      '--json',
    )
    expect(r.code, r.stderr).toBe(0)
    expect(json(r)).toMatchObject({
      feeBaseMsat: '2000',
      feeProportionalMillionths: '150',
      cltvExpiryDelta: 60,
      htlcMinimumMsat: '2000',
      htlcMaximumMsat: '100000000',
    })
    type Graph = {
      channels: { shortChannelId: string; node1: string; policies: ({ htlcMaximumMsat: string } | null)[] }[]
    }
    const policy = await waitFor('bob to hear the new channel_update', async () => {
      const g = json<Graph>(await run('graph', '--node', 'bob', '--json'))
      const c = g.channels.find((x) => x.shortChannelId === scid)
      const p = c?.policies[c.node1 === nodeIds.alice ? 0 : 1]
      return p?.htlcMaximumMsat === '100000000' ? p : undefined
    })
    expect(policy).toMatchObject({ feeBaseMsat: '2000', feeProportionalMillionths: '150', cltvExpiryDelta: 60 })
    const tooBig = await run('setchannelpolicy', scid, '--htlc-max', '0.02btc', '--node', 'alice')
    expect(tooBig.code).toBe(1)
    expect(tooBig.stderr).toContain("exceeds the channel's capacity of 1000000000 msat")
    const nothing = await run('setchannelpolicy', scid, '--node', 'alice')
    expect(nothing.code).toBe(2)
    expect(nothing.stderr).toContain('say what to change')
  })

  it('sendcoins pays an address on chain; listunspent shows the coin', async () => {
    const address = json<{ address: string }>(await run('newaddress', '--node', 'bob', '--json')).address
    const sent = await run('sendcoins', address, '0.001btc', '--node', 'alice', '--json')
    expect(sent.code, sent.stderr).toBe(0)
    const tx = json<{ txid: string; amountSat: string; feeSat: string }>(sent)
    expect(tx.amountSat).toBe('100000')
    expect(BigInt(tx.feeSat)).toBeGreaterThan(0n)
    expect((await run('chain', 'mine', '1')).code).toBe(0)
    const coins = json<{ txid: string; valueSat: string; confirmations: number }[]>(
      await run('listunspent', '--node', 'bob', '--json'),
    )
    expect(coins).toContainEqual(expect.objectContaining({ txid: tx.txid, valueSat: '100000', confirmations: 1 }))
    const human = await run('listunspent', '--node', 'bob')
    expect(human.stdout).toContain(`100,000 sat      1 conf  ${tx.txid}:`)
    const broke = await run('sendcoins', address, '100btc', '--node', 'bob', '--json')
    expect(broke.code).toBe(1)
    expect(JSON.parse(broke.stderr)).toMatchObject({ error: { code: 'INSUFFICIENT_FUNDS' } })
  })

  it('watch --json prints each event as one JSON line', async () => {
    const watch = start(['watch', '--nodes', '.lnsim/alice', '--json'], { cwd: dir })
    const lines = createInterface({ input: watch.stdout! })
    const blocks: Record<string, unknown>[] = []
    lines.on('line', (l) => {
      const e = JSON.parse(l) as Record<string, unknown>
      if (e.type === 'block') blocks.push(e)
    })
    // the stream is open once the node's events reach us: mine until one does
    await waitFor('a block event from lnsim watch --json', async () => {
      await run('chain', 'mine', '1')
      return blocks.length > 0
    })
    expect(blocks[0]).toMatchObject({ type: 'block', height: expect.any(Number) })
    watch.kill('SIGINT')
    await once(watch, 'exit')
  })

  it('stop shuts a node down cleanly, and its process exits', async () => {
    const r = await run('stop', '--node', 'bob', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(json(r)).toMatchObject({ alias: 'bob', stopped: true })
    expect(await nodes.bob!.exited).toBe(0)
  })

  it('a node without the native secp256k1 module warns once, saying what it costs and how to build it', async () => {
    const child = start(
      ['node', 'start', '--name', 'slow', '--data-dir', join(dir, 'slow'), '--chain', chainUrl, '--json'],
      { cwd: dir, nodeArgs: WITHOUT_NATIVE },
    )
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const ready = new Promise<void>((done) =>
      createInterface({ input: child.stdout! }).on('line', (l) => l.includes('"ready"') && done()),
    )
    await ready
    expect(stderr.match(/native secp256k1 module did not load/g)).toHaveLength(1)
    expect(stderr).toContain('about 50x slower to verify')
    expect(stderr).toContain('npm rebuild secp256k1')
    await stop({ proc: child, ready: {}, stderr: [], exited: once(child, 'exit').then(([c]) => c as number) })
    // with the native module, nothing is said
    expect(nodes.alice!.stderr.join('\n')).not.toContain('native secp256k1')
  })
})
