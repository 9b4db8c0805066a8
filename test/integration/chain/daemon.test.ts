import { afterEach, describe, expect, it } from 'vitest'
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addressFromPublicKey } from '../../../src/chain/address.js'
import { ChainClient, ChainClientError } from '../../../src/api/chain/client.js'
import { sig } from '../../../src/chain/condition.js'
import { startChainDaemon, type ChainDaemon } from '../../../src/chaind/startChainDaemon.js'
import { MAX_FAUCET_PAYMENTS, type ChainEvent } from '../../../src/api/chain/types.js'
import { transactionToJson } from '../../../src/chain/transactionJson.js'
import { alice, bob, pub, signed, unsigned, type Spendable } from '../../unit/chain/helpers.js'
import { rawRequest } from '../../helpers/rawRequest.js'

const daemons: ChainDaemon[] = []
const dirs: string[] = []

async function start(
  options: { dataDir?: string; blockIntervalMs?: number; maxConcurrentRequests?: number; answerDelayMs?: number } = {},
): Promise<{ daemon: ChainDaemon; client: ChainClient; dataDir: string; log: string[] }> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'lnsim-chain-')))
  if (!options.dataDir) dirs.push(dataDir)
  const log: string[] = []
  const daemon = await startChainDaemon({
    dataDir,
    port: 0,
    log: (l) => log.push(l),
    ...(options.blockIntervalMs ? { blockIntervalMs: options.blockIntervalMs } : {}),
    ...(options.maxConcurrentRequests ? { maxConcurrentRequests: options.maxConcurrentRequests } : {}),
    ...(options.answerDelayMs ? { answerDelayMs: options.answerDelayMs } : {}),
  })
  daemons.push(daemon)
  return { daemon, client: new ChainClient({ url: daemon.url }), dataDir, log }
}

afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()))
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

const aliceAddress = addressFromPublicKey(pub(alice))

async function post(
  url: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; json: { error: { code: string; message: string; field?: string } } }> {
  const res = await fetch(url, { method: 'POST', body, headers })
  return { status: res.status, json: (await res.json()) as never }
}

describe('chain daemon over HTTP', () => {
  it('funds an address, accepts a signed spend, and reports outputs, spends and fees', async () => {
    const { client } = await start()
    const info = await client.info()
    expect(info).toMatchObject({
      network: 'lnsim-regtest',
      height: 0,
      mempoolSize: 0,
      faucetPaidOutSat: 0n,
      blockIntervalMs: null,
    })
    expect(info.chainHash).toHaveLength(32)

    const paid = await client.faucet(aliceAddress, 50_000n, { confirm: true })
    expect(paid).toMatchObject({ amountSat: 50_000n, blockHeight: 1 })
    expect((await client.getAddressUtxos(aliceAddress)).utxos).toEqual([
      { txid: paid.txid, vout: 0, valueSat: 50_000n, blockHeight: 1, confirmations: 1 },
    ])

    const coin: Spendable = {
      outpoint: { txid: paid.txid, vout: 0 },
      output: { value: 50_000n, condition: sig(pub(alice)) },
    }
    const tx = signed(unsigned([coin], [{ value: 49_000n, condition: sig(pub(bob)) }]), [coin], [[alice]])
    const { txid, feeSat } = await client.submitTransaction(tx)
    expect(feeSat).toBe(1_000n)
    expect(await client.getTransaction(txid)).toMatchObject({
      status: 'mempool',
      confirmations: 0,
      blockHeight: null,
      tx,
    })
    expect((await client.getOutpoint(coin.outpoint)).spentBy).toEqual({ txid, inputIndex: 0, blockHeight: null })
    expect((await client.getAddressUtxos(addressFromPublicKey(pub(bob)))).utxos).toMatchObject([
      { txid, confirmations: 0, blockHeight: null },
    ])

    const mined = await client.mine(2)
    expect(mined.height).toBe(3)
    expect(await client.getTransaction(txid)).toMatchObject({
      status: 'confirmed',
      blockHeight: 2,
      confirmations: 2,
      feeSat: 1_000n,
    })
    expect(await client.getOutpoint(coin.outpoint)).toMatchObject({
      valueSat: 50_000n,
      address: aliceAddress,
      blockHeight: 1,
      confirmations: 3,
      spentBy: { txid, inputIndex: 0, blockHeight: 2 },
    })
    const block = await client.getBlock(2)
    expect(block.txids).toContain(txid)
    expect(block.txs[0]!.outputs[0]!.value).toBe(5_000_000_000n + 1_000n)
    expect((await client.getBlock(block.hash)).height).toBe(2)
    expect((await client.getTip()).hash).toBe(mined.hashes[1])
    expect((await client.info()).faucetPaidOutSat).toBe(50_000n)
  })

  it('pays many addresses in one faucet transaction, payment i as output i', async () => {
    const { daemon, client } = await start()
    const bobAddress = addressFromPublicKey(pub(bob))
    const paid = await client.faucetMany(
      [
        { address: aliceAddress, amountSat: 3_000n },
        { address: bobAddress, amountSat: 5_000n },
        { address: aliceAddress, amountSat: 7_000n },
      ],
      { confirm: true },
    )
    expect(paid.blockHeight).toBe(1)
    const tx = (await client.getTransaction(paid.txid)).tx
    expect(tx.outputs.slice(0, 3).map((o) => o.value)).toEqual([3_000n, 5_000n, 7_000n])
    expect((await client.getAddressUtxos(aliceAddress)).utxos.map((u) => [u.vout, u.valueSat])).toEqual([
      [0, 3_000n],
      [2, 7_000n],
    ])
    expect((await client.getAddressUtxos(bobAddress)).utxos.map((u) => [u.vout, u.valueSat])).toEqual([[1, 5_000n]])
    expect((await client.info()).faucetPaidOutSat).toBe(15_000n)
    expect(await post(`${daemon.url}/v1/faucet/batch`, JSON.stringify({ payments: [] }))).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_REQUEST', field: 'payments' } },
    })
    expect(
      await post(
        `${daemon.url}/v1/faucet/batch`,
        JSON.stringify({ payments: [{ address: aliceAddress, amountSat: '0' }] }),
      ),
    ).toMatchObject({ status: 422, json: { error: { code: 'INVALID_AMOUNT' } } })
    // as many payments as a transaction holds beside the faucet's change (a 500-node network's coins), and no more
    const most = Array.from({ length: MAX_FAUCET_PAYMENTS }, () => ({ address: bobAddress, amountSat: 1_000n }))
    const big = await client.faucetMany(most, { confirm: true })
    expect((await client.getTransaction(big.txid)).tx.outputs).toHaveLength(MAX_FAUCET_PAYMENTS + 1)
    const tooMany = [...most, { address: bobAddress, amountSat: 1_000n }]
    expect(await client.faucetMany(tooMany).catch((e: unknown) => e)).toMatchObject({
      code: 'INVALID_REQUEST',
      status: 400,
    })
  })

  it('rejects a rule violation with 422 and the rule code', async () => {
    const { client } = await start()
    const paid = await client.faucet(aliceAddress, 10_000n)
    const coin: Spendable = {
      outpoint: { txid: paid.txid, vout: 0 },
      output: { value: 10_000n, condition: sig(pub(alice)) },
    }
    const err = await client
      .submitTransaction(signed(unsigned([coin], [{ value: 10_001n, condition: sig(pub(bob)) }]), [coin], [[alice]]))
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChainClientError)
    expect(err).toMatchObject({ code: 'OUTPUTS_EXCEED_INPUTS', status: 422 })
    const unsignedErr = await client
      .submitTransaction(unsigned([coin], [{ value: 1n, condition: sig(pub(bob)) }]))
      .catch((e: unknown) => e)
    expect(unsignedErr).toMatchObject({ code: 'CONDITION_NOT_SATISFIED', status: 422, details: { inputIndex: 0 } })
  })

  it('answers bad requests with 4xx JSON errors naming what was wrong, and keeps serving', async () => {
    const { daemon, client } = await start()
    const url = daemon.url
    expect(await post(`${url}/v1/transactions`, '{"version": 1,')).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_JSON' } },
    })
    expect(await post(`${url}/v1/transactions`, ' '.repeat(1024 * 1024 + 10))).toMatchObject({
      status: 413,
      json: { error: { code: 'BODY_TOO_LARGE' } },
    })
    const tx = transactionToJson(
      signed(
        unsigned(
          [{ outpoint: { txid: 'aa'.repeat(32), vout: 0 }, output: { value: 1n, condition: sig(pub(alice)) } }],
          [{ value: 1n, condition: sig(pub(bob)) }],
        ),
        [],
        [],
      ),
    )
    const badValue = { ...tx, outputs: [{ ...tx.outputs[0]!, valueSat: '1.5' }] }
    expect(await post(`${url}/v1/transactions`, JSON.stringify(badValue))).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_REQUEST', field: 'outputs.0.valueSat' } },
    })
    const badCondition = { ...tx, outputs: [{ ...tx.outputs[0]!, condition: 'sig(zz)' }] }
    expect(await post(`${url}/v1/transactions`, JSON.stringify(badCondition))).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_REQUEST', field: 'outputs.0.condition' } },
    })
    expect(await post(`${url}/v1/transactions`, JSON.stringify({ ...tx, extra: 1 }))).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_REQUEST' } },
    })
    expect(await post(`${url}/v1/mine`, JSON.stringify({ blocks: 0 }))).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_REQUEST', field: 'blocks' } },
    })
    expect(await post(`${url}/v1/faucet`, JSON.stringify({ address: 'bc1qnotours', amountSat: '5' }))).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_ADDRESS' } },
    })
    const get = async (path: string, method = 'GET') => {
      const res = await fetch(`${url}${path}`, { method })
      return { status: res.status, json: (await res.json()) as { error: { code: string; field?: string } } }
    }
    expect(await get('/v1/nothing')).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } })
    expect(await get('/v1/info', 'DELETE')).toMatchObject({
      status: 405,
      json: { error: { code: 'METHOD_NOT_ALLOWED' } },
    })
    expect(await get('/v1/transactions/xyz')).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_REQUEST', field: 'txid' } },
    })
    expect(await get(`/v1/transactions/${'ab'.repeat(32)}`)).toMatchObject({
      status: 404,
      json: { error: { code: 'UNKNOWN_TRANSACTION' } },
    })
    expect(await get('/v1/blocks/99')).toMatchObject({ status: 404, json: { error: { code: 'UNKNOWN_BLOCK' } } })
    expect(await get(`/v1/outpoints/${'ab'.repeat(32)}/x`)).toMatchObject({
      status: 400,
      json: { error: { field: 'vout' } },
    })
    expect(await get('/v1/addresses/sim1xyz/utxos')).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_ADDRESS' } },
    })
    expect((await client.info()).height).toBe(0)
  })

  it('streams blocks and transactions as server-sent events, starting with the tip', async () => {
    const { client } = await start()
    const events: ChainEvent[] = []
    const controller = new AbortController()
    const done = client.subscribe((e) => events.push(e), { signal: controller.signal })
    await waitUntil(() => events.length >= 1)
    const paid = await client.faucet(aliceAddress, 1_000n)
    const mined = await client.mine(2)
    await waitUntil(() => events.filter((e) => e.type === 'block').length === 2)
    controller.abort()
    await done
    expect(events[0]).toMatchObject({ type: 'tip', height: 0 })
    expect(events[1]).toEqual({ type: 'tx', txid: paid.txid })
    expect(events.slice(2)).toMatchObject([
      { type: 'block', height: 1, hash: mined.hashes[0] },
      { type: 'block', height: 2, hash: mined.hashes[1] },
    ])
    expect((events[2] as { txids: string[] }).txids).toContain(paid.txid)
  })

  it('streams only the event types asked for, and refuses unknown ones', async () => {
    const { daemon, client } = await start()
    const events: ChainEvent[] = []
    const controller = new AbortController()
    const done = client.subscribe((e) => events.push(e), { signal: controller.signal, types: ['block'] })
    await waitUntil(() => events.length >= 1)
    await client.faucet(aliceAddress, 1_000n)
    const mined = await client.mine(1)
    await waitUntil(() => events.some((e) => e.type === 'block'))
    controller.abort()
    await done
    expect(events).toMatchObject([
      { type: 'tip', height: 0 },
      { type: 'block', height: 1, hash: mined.hashes[0] },
    ])
    const res = await fetch(`${daemon.url}/v1/events?types=block,mempool`)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'INVALID_REQUEST' } })
  })

  it('reconnects the event stream after a restart of the daemon', async () => {
    const first = await start()
    const port = first.daemon.port
    const client = first.client
    const events: ChainEvent[] = []
    const controller = new AbortController()
    const done = client.subscribe((e) => events.push(e), { signal: controller.signal, reconnectDelayMs: 50 })
    await waitUntil(() => events.length === 1)
    await first.daemon.stop()
    const second = await startChainDaemon({ dataDir: first.dataDir, port, log: () => {} })
    daemons.push(second)
    await waitUntil(() => events.length === 2)
    await client.mine(1)
    await waitUntil(() => events.length === 3)
    controller.abort()
    await done
    expect(events.map((e) => e.type)).toEqual(['tip', 'tip', 'block'])
  })

  it('keeps blocks and the mempool across a clean restart, and refuses a second daemon on its directory', async () => {
    const first = await start()
    await first.client.faucet(aliceAddress, 7_000n, { confirm: true })
    const pending = await first.client.faucet(aliceAddress, 3_000n)
    const tip = await first.client.getTip()
    await expect(startChainDaemon({ dataDir: first.dataDir, port: 0, log: () => {} })).rejects.toMatchObject({
      code: 'DATA_DIR_IN_USE',
    })
    await first.daemon.stop()
    const second = await start({ dataDir: first.dataDir })
    const info = await second.client.info()
    expect(info).toMatchObject({ height: 1, tipHash: tip.hash, mempoolSize: 1, faucetPaidOutSat: 10_000n })
    expect((await second.client.getTransaction(pending.txid)).status).toBe('mempool')
  })

  it('drops a block line cut short by a crash, and refuses a block file changed by hand', async () => {
    const first = await start()
    await first.client.mine(3)
    const tip = await first.client.getTip()
    await first.daemon.stop()
    const file = join(first.dataDir, 'blocks.jsonl')
    await appendFile(file, '{"height":4,"hash":"ab')
    const second = await start({ dataDir: first.dataDir })
    expect(await second.client.info()).toMatchObject({ height: 3, tipHash: tip.hash })
    expect(second.log.join('\n')).toContain('dropped an unfinished last line')
    await second.client.mine(1)
    await second.daemon.stop()
    const third = await start({ dataDir: first.dataDir })
    expect((await third.client.info()).height).toBe(4)
    await third.daemon.stop()

    const lines = (await readFile(file, 'utf8')).split('\n')
    lines[2] = lines[2]!.replace(/"time":\d+/, '"time":1')
    await writeFile(file, lines.join('\n'))
    await expect(startChainDaemon({ dataDir: first.dataDir, port: 0, log: () => {} })).rejects.toMatchObject({
      code: 'CORRUPT_BLOCK_FILE',
      message: expect.stringContaining('contents were changed'),
    })
    await writeFile(file, lines.slice(0, 2).join('\n') + '\nnot json\n' + lines.slice(3).join('\n'))
    await expect(startChainDaemon({ dataDir: first.dataDir, port: 0, log: () => {} })).rejects.toMatchObject({
      code: 'CORRUPT_BLOCK_FILE',
    })
  })

  it('mines a block every interval, empty or not', async () => {
    const { client } = await start({ blockIntervalMs: 100 })
    expect((await client.info()).blockIntervalMs).toBe(100)
    await waitUntil(async () => (await client.info()).height >= 3)
  })

  it('refuses with 403 a page of another origin (a text/plain POST needs no preflight) and another Host', async () => {
    const { daemon, client } = await start()
    const own = `127.0.0.1:${daemon.port}`
    // what a form on another site can send: it must not mine, nor pay from the faucet
    const mined = await rawRequest(
      daemon.url,
      'POST',
      '/v1/mine',
      { host: own, origin: 'http://attacker.example', 'content-type': 'text/plain' },
      '{"blocks":1}',
    )
    expect(mined).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN_ORIGIN' } } })
    const paid = await rawRequest(
      daemon.url,
      'POST',
      '/v1/faucet',
      { host: own, origin: 'null', 'content-type': 'text/plain' },
      JSON.stringify({ address: aliceAddress, amountSat: '1000' }),
    )
    expect(paid.status).toBe(403)
    // DNS rebinding: the page's own name, pointed at 127.0.0.1
    const rebound = await rawRequest(daemon.url, 'GET', '/v1/info', { host: `attacker.example:${daemon.port}` })
    expect(rebound).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN_HOST' } } })
    expect(
      (await rawRequest(daemon.url, 'GET', '/v1/events', { host: `attacker.example:${daemon.port}` })).status,
    ).toBe(403)
    // an image or a link on another site's page sends no Origin, but says where it comes from
    expect(
      (await rawRequest(daemon.url, 'GET', '/v1/info', { host: own, 'sec-fetch-site': 'cross-site' })).status,
    ).toBe(403)
    expect((await rawRequest(daemon.url, 'GET', '/v1/info', { host: own, 'sec-fetch-site': 'none' })).status).toBe(200)
    expect(await client.info()).toMatchObject({ height: 0, faucetPaidOutSat: 0n })
    // its own names, with its own Origin or none, are answered
    for (const host of [own, `localhost:${daemon.port}`, `[::1]:${daemon.port}`]) {
      expect((await rawRequest(daemon.url, 'GET', '/v1/info', { host })).status, host).toBe(200)
      expect(
        (
          await rawRequest(
            daemon.url,
            'POST',
            '/v1/mine',
            { host, origin: `http://${host}`, 'content-type': 'application/json' },
            '{"blocks":1}',
          )
        ).status,
        host,
      ).toBe(200)
    }
  })

  it('refuses a request past its admission limit with 503, which its client honours and asks again', async () => {
    const { daemon, client } = await start({ maxConcurrentRequests: 1, answerDelayMs: 1500 })
    const impatient = new ChainClient({ url: daemon.url, overloadAttempts: 1 })
    const first = client.info()
    await new Promise((r) => setTimeout(r, 100))
    // the chain is working on one request: the next is refused at once, and an impatient client sees why
    await expect(impatient.info()).rejects.toMatchObject({ code: 'OVERLOADED', status: 503, retryAfterMs: 1000 })
    // a patient one waits as told, and gets its answer
    const started = Date.now()
    const [a, b] = await Promise.all([first, client.info()])
    expect(a.height).toBe(b.height)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
  })

  it('tells a client when nothing listens at the URL', async () => {
    const client = new ChainClient({ url: 'http://127.0.0.1:1', timeoutMs: 2000 })
    await expect(client.info()).rejects.toMatchObject({ code: 'UNREACHABLE' })
  })
})

async function waitUntil(fn: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}
