/**
 * Mock chain throughput: validating a typical transaction (one signed input,
 * two outputs) against a UTXO view with each crypto backend, accepting
 * transactions into the mempool and mining them, replaying blocks at start, and
 * the daemon over HTTP (submit, mining with its fsync, reading blocks).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fromHex } from '../../src/core/bytes.js'
import { currentBackend, publicKeyOf, useBackend } from '../../src/crypto/secp256k1.js'
import { nobleBackend } from '../../src/crypto/nobleBackend.js'
import { loadNativeBackend } from '../../src/crypto/nativeBackend.js'
import { sig } from '../../src/chain/condition.js'
import { signInput, type Transaction, type TxOutput, type OutPoint } from '../../src/chain/transaction.js'
import { validateTransaction, type UtxoView } from '../../src/chain/validate.js'
import { MemoryChain } from '../../src/chain/memoryChain.js'
import { ChainState } from '../../src/chain/chainState.js'
import { addressFromPublicKey } from '../../src/chain/address.js'
import { ChainClient } from '../../src/api/chain/client.js'
import { startChainDaemon } from '../../src/chaind/startChainDaemon.js'
import type { Bench } from './harness.js'

export const title = 'Mock chain (src/chain): validation, mempool, mining, replay, daemon'

const alice = fromHex('11'.repeat(32))
const bob = publicKeyOf(fromHex('22'.repeat(32)))

/** A 1-in-2-out payment from alice, signed. */
function payment(coin: { outpoint: OutPoint; output: TxOutput }, amount = coin.output.value / 2n): Transaction {
  const tx: Transaction = {
    version: 2,
    lockTime: 0,
    inputs: [{ prevout: coin.outpoint, witness: { signatures: [], preimages: [] } }],
    outputs: [
      { value: amount, condition: sig(bob) },
      { value: coin.output.value - amount - 200n, condition: sig(publicKeyOf(alice)) },
    ],
  }
  tx.inputs[0]!.witness.signatures.push(signInput(tx, 0, coin.output, alice))
  return tx
}

function elapsed(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9
}

export async function run(bench: Bench): Promise<void> {
  const coin = {
    outpoint: { txid: 'ab'.repeat(32), vout: 0 },
    output: { value: 1_000_000n, condition: sig(publicKeyOf(alice)) },
  }
  const view: UtxoView = {
    coin: () => ({ output: coin.output, height: 1, coinbase: false }),
    spenderOf: () => undefined,
    hasTransaction: () => false,
  }
  const tx = payment(coin)
  const selected = currentBackend()
  for (const backend of [nobleBackend, loadNativeBackend()].filter((b) => b !== undefined)) {
    useBackend(backend)
    bench.figure(
      `validate a 1-in-2-out signed transaction [${backend.name}]`,
      bench.opsPerSecond(() => validateTransaction(tx, view, { height: 10 }), 700),
      'tx/s',
    )
  }
  useBackend(selected)

  // submit N independent payments, then mine them in one block
  const N = 2000
  const chain = new MemoryChain()
  const coins = Array.from({ length: N }, () => chain.fund(sig(publicKeyOf(alice)), 100_000n))
  chain.mine(1)
  const txs = coins.map((c) => payment(c))
  let start = process.hrtime.bigint()
  for (const t of txs) chain.submit(t)
  bench.figure(`submit to the mempool (validate + add), ${N} transactions`, N / elapsed(start), 'tx/s')
  start = process.hrtime.bigint()
  chain.mine(1)
  bench.figure(`mine a block of ${N} transactions`, N / elapsed(start), 'tx/s', 'merkle root, UTXO updates, index')

  // a chain of unconfirmed payments, each spending the previous change
  let parent: { outpoint: OutPoint; output: TxOutput } = chain.fund(sig(publicKeyOf(alice)), 10_000_000n)
  start = process.hrtime.bigint()
  for (let i = 0; i < 500; i++) {
    const t = payment(parent, 1_000n)
    const { txid } = chain.submit(t)
    parent = { outpoint: { txid, vout: 1 }, output: t.outputs[1]! }
  }
  bench.figure('sign + submit a chain of 500 unconfirmed payments', 500 / elapsed(start), 'tx/s')
  chain.mine(1)

  start = process.hrtime.bigint()
  chain.mine(1000)
  bench.figure('mine empty blocks in memory', 1000 / elapsed(start), 'blocks/s')
  const blocks = chain.blockRange(0)
  const txCount = blocks.reduce((n, b) => n + b.txs.length, 0)
  start = process.hrtime.bigint()
  new ChainState(blocks[0]!, {}, blocks.slice(1))
  const replay = elapsed(start)
  bench.figure(
    `replay ${blocks.length} blocks (${txCount} transactions) at start`,
    txCount / replay,
    'tx/s',
    `${(replay * 1000).toFixed(0)} ms`,
  )

  // the daemon over HTTP on loopback
  const dataDir = await mkdtemp(join(tmpdir(), 'lnsim-bench-chain-'))
  const daemon = await startChainDaemon({ dataDir, port: 0, log: () => {} })
  try {
    const client = new ChainClient({ url: daemon.url })
    const address = addressFromPublicKey(publicKeyOf(alice))
    const funded = []
    for (let i = 0; i < 300; i++) funded.push(await client.faucet(address, 100_000n))
    await client.mine(1)
    start = process.hrtime.bigint()
    for (const f of funded)
      await client.submitTransaction(
        payment({
          outpoint: { txid: f.txid, vout: f.vout },
          output: { value: 100_000n, condition: sig(publicKeyOf(alice)) },
        }),
      )
    bench.figure(
      'submit over HTTP, one request at a time',
      funded.length / elapsed(start),
      'tx/s',
      'sign + JSON + validate',
    )
    start = process.hrtime.bigint()
    for (let i = 0; i < 100; i++) await client.mine(1)
    bench.figure(
      'mine over HTTP, one block per request',
      100 / elapsed(start),
      'blocks/s',
      'each fsynced before the answer',
    )
    start = process.hrtime.bigint()
    await client.mine(1000)
    bench.figure('mine 1000 blocks in one request', 1000 / elapsed(start), 'blocks/s', 'one fsync')
    // what a node's chain watcher and the scenario runner ask most: one block, then the next
    const height = (await client.info()).height
    start = process.hrtime.bigint()
    for (let h = 1; h <= height; h++) await client.getBlock(h)
    bench.figure(
      'read blocks over HTTP (GET /v1/blocks/N), one request at a time',
      height / elapsed(start),
      'requests/s',
      'kept-alive connection, parsed by the client',
    )
  } finally {
    await daemon.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}
