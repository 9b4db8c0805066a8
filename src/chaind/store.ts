/**
 * The chain's data directory:
 *   blocks.jsonl  one JSON block per line, appended, fsynced before a mine call returns
 *   mempool.json  the mempool, rewritten atomically (temp file + rename); losing it loses no block
 *   faucet.key    the premine's private key, hex, mode 0600
 *   chain.lock    the pid of the daemon using the directory
 *
 * On start the blocks are replayed; a last line cut short by a kill -9 (it can
 * only be a block nobody was told about, since the answer waits for the fsync)
 * is dropped and cut from the file.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  chmodSync,
  ftruncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { toJson } from '../core/json.js'
import { LnsimError } from '../core/errors.js'
import { lockDataDir, type DataDirLock } from '../core/dataDirLock.js'
import { fromHex, toHex, utf8 } from '../core/bytes.js'
import { isValidPrivateKey, randomPrivateKey } from '../crypto/secp256k1.js'
import { hmacSha256 } from '../crypto/hash.js'
import type { Block } from '../chain/block.js'
import type { BlockSink } from '../chain/chainState.js'
import type { Transaction } from '../chain/transaction.js'
import { BlockJson, TransactionJson, blockToJson, parseWith, transactionToJson } from '../chain/transactionJson.js'

export const CHAIN_FILES = {
  blocks: 'blocks.jsonl',
  mempool: 'mempool.json',
  faucetKey: 'faucet.key',
  lock: 'chain.lock',
  url: 'chain.url',
} as const

export class ChainStoreError extends LnsimError {
  constructor(code: 'CORRUPT_BLOCK_FILE' | 'BAD_FAUCET_KEY', message: string, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'ChainStoreError'
  }
}

const MempoolFile = z.object({ txs: z.array(TransactionJson) })

export class ChainStore implements BlockSink {
  private closed = false

  private constructor(
    readonly dataDir: string,
    private readonly blocksFd: number,
    private readonly lock: DataDirLock,
  ) {}

  /** Creates the directory if needed and takes it for this process (a live daemon on it is an error). */
  static open(dataDir: string): ChainStore {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    const lock = lockDataDir(dataDir, { file: CHAIN_FILES.lock, holder: 'the chain daemon' })
    try {
      return new ChainStore(dataDir, openSync(join(dataDir, CHAIN_FILES.blocks), 'a+'), lock)
    } catch (err) {
      lock.release()
      throw err
    }
  }

  private path(name: keyof typeof CHAIN_FILES): string {
    return join(this.dataDir, CHAIN_FILES[name])
  }

  /** The faucet key; a new chain (`create`) makes one, an existing chain without its key cannot go on. */
  faucetKey(options: { create: boolean; seed?: Uint8Array }): Uint8Array {
    const file = this.path('faucetKey')
    if (!existsSync(file)) {
      if (!options.create)
        throw new ChainStoreError(
          'BAD_FAUCET_KEY',
          `${file} is missing; the chain in ${this.dataDir} cannot be used without the key its genesis block pays`,
        )
      // a seeded chain gets the same faucet key, so the same faucet transactions and txids, on every run
      let key = options.seed ? hmacSha256(options.seed, utf8('lnsim/faucet-key')) : randomPrivateKey()
      while (!isValidPrivateKey(key)) key = hmacSha256(key, utf8('retry'))
      writeFileSync(file, toHex(key) + '\n', { mode: 0o600, flag: 'wx' })
    }
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600)
    let key: Uint8Array
    try {
      key = fromHex(readFileSync(file, 'utf8').trim(), 32)
    } catch {
      throw new ChainStoreError('BAD_FAUCET_KEY', `${file} does not hold a 32-byte hex private key`)
    }
    if (!isValidPrivateKey(key))
      throw new ChainStoreError('BAD_FAUCET_KEY', `${file} does not hold a valid private key`)
    return key
  }

  /** Every stored block in order; drops (and cuts from the file) a last line a crash left unfinished. */
  readBlocks(): { blocks: Block[]; droppedTornLine: boolean } {
    const text = readFileSync(this.path('blocks'), 'utf8')
    const end = text.lastIndexOf('\n') + 1
    const droppedTornLine = end < text.length
    if (droppedTornLine) {
      ftruncateSync(this.blocksFd, Buffer.byteLength(text.slice(0, end)))
      fsyncSync(this.blocksFd)
    }
    const blocks = text
      .slice(0, end)
      .split('\n')
      .slice(0, -1)
      .map((line, i) => {
        try {
          const b = parseWith(BlockJson, JSON.parse(line), `block line ${i + 1}`, 'CORRUPT_BLOCK_FILE')
          return { height: b.height, hash: b.hash, prevHash: b.prevHash, time: b.time, txs: b.txs }
        } catch (err) {
          throw new ChainStoreError(
            'CORRUPT_BLOCK_FILE',
            `${this.path('blocks')} line ${i + 1} is not a block (${(err as Error).message}); ` +
              'the file was changed by something other than lnsim',
          )
        }
      })
    return { blocks, droppedTornLine }
  }

  append(block: Block): void {
    writeSync(this.blocksFd, toJson(blockToJson(block)) + '\n')
  }

  sync(): void {
    fsyncSync(this.blocksFd)
  }

  /** Cuts every block above `height` from the file (the genesis block is line 1), durably. */
  truncate(height: number): void {
    const text = readFileSync(this.path('blocks'), 'utf8')
    let end = 0
    for (let line = 0; line <= height; line++) {
      const next = text.indexOf('\n', end)
      if (next < 0) return
      end = next + 1
    }
    ftruncateSync(this.blocksFd, Buffer.byteLength(text.slice(0, end)))
    fsyncSync(this.blocksFd)
  }

  saveMempool(txs: Transaction[]): void {
    const file = this.path('mempool')
    const tmp = `${file}.tmp`
    writeFileSync(tmp, toJson({ txs: txs.map(transactionToJson) }))
    renameSync(tmp, file)
  }

  /** The saved mempool, or nothing if it is missing or unreadable (it is only a cache of unmined transactions). */
  readMempool(): Transaction[] {
    const file = this.path('mempool')
    if (!existsSync(file)) return []
    try {
      return parseWith(MempoolFile, JSON.parse(readFileSync(file, 'utf8')), 'mempool file').txs
    } catch {
      return []
    }
  }

  writeUrl(url: string): void {
    writeFileSync(this.path('url'), url + '\n')
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    closeSync(this.blocksFd)
    this.lock.release()
  }
}
