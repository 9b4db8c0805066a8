/**
 * The chain daemon: the chain state replayed from its data directory, the
 * faucet, the HTTP API on 127.0.0.1, and optionally a block every interval.
 *
 *   const chain = await startChainDaemon({ dataDir: '.lnsim/chain', port: 0 })
 *   const client = new ChainClient({ url: chain.url })
 *   await chain.stop()
 */
import { LnsimError, errorMessage } from '../core/errors.js'
import { utf8 } from '../core/bytes.js'
import { sha256 } from '../crypto/hash.js'
import { publicKeyOf } from '../crypto/secp256k1.js'
import { DEFAULT_CHAIN_PORT } from '../api/chain/types.js'
import { genesisBlock } from '../chain/block.js'
import { ChainState } from '../chain/chainState.js'
import { conditionsEqual, sig } from '../chain/condition.js'
import { Faucet } from '../chain/faucet.js'
import { ChainStore, ChainStoreError } from './store.js'
import { startHttpServer } from '../api/http/server.js'
import { ChainMetrics } from './chainMetrics.js'
import { CHAIN_ERROR_STATUS, chainEvents, chainRoutes, type ChainService } from './routes.js'
import { BlockDigests } from './blockDigests.js'
import { WatchSessions } from './watchSessions.js'
import { FeeEstimate } from './feeEstimate.js'

export interface ChainDaemonOptions {
  /** where blocks, the mempool and the faucet key live; created if missing */
  dataDir: string
  /** TCP port; 0 picks a free one (default DEFAULT_CHAIN_PORT, 18800: no common daemon's) */
  port?: number
  /** the address to listen on (api/http/bindAddress.ts); default 127.0.0.1 */
  host?: string
  /** mine a block every this many milliseconds, empty or not (default: only on request) */
  blockIntervalMs?: number
  /** one line per notable event (default: stderr) */
  log?: (line: string) => void
  /** makes a new chain's faucet key (and so its transactions) the same on every run; a text stands for its sha256 */
  seed?: Uint8Array | string
  /** a new chain's genesis time, unix seconds (default: now); with `seed`, makes block hashes repeatable too */
  genesisTime?: number
  /** For tests only: every answer waits this long, as a chain starved of CPU would (`--testing-answer-delay`). */
  answerDelayMs?: number
  /**
   * Requests worked on at once; one more is answered 503 OVERLOADED with a Retry-After, which lnsim's clients honour
   * (`--max-concurrent-requests`). @default CHAIN_MAX_CONCURRENT_REQUESTS
   */
  maxConcurrentRequests?: number
}

/**
 * Requests the chain works on at once by default. Its answers are quick (a look-up, a transaction's checks, a block's
 * fsync), so requests pile up only when the chain is starved of CPU by the nodes it serves: past this many, asking a
 * client to come back later costs the chain next to nothing, where taking the request on would make every answer,
 * watch sessions' blocks included, later still. Far above what 100 nodes coming up ask at once.
 */
export const CHAIN_MAX_CONCURRENT_REQUESTS = 64

export interface ChainDaemon {
  url: string
  port: number
  /** the genesis block hash */
  chainHash: string
  /** stops mining and serving, saves the mempool and releases the data directory */
  stop(): Promise<void>
}

/** How long mempool changes wait to be saved together. Losing them costs no block. */
const MEMPOOL_SAVE_DELAY_MS = 200

export async function startChainDaemon(options: ChainDaemonOptions): Promise<ChainDaemon> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`chain: ${line}\n`))
  const blockIntervalMs = options.blockIntervalMs ?? null
  if (blockIntervalMs !== null && (!Number.isSafeInteger(blockIntervalMs) || blockIntervalMs < 1))
    throw new LnsimError(
      'INVALID_OPTION',
      `the block interval must be a positive number of milliseconds, got ${blockIntervalMs}`,
    )
  const store = ChainStore.open(options.dataDir)
  try {
    const { blocks, droppedTornLine } = store.readBlocks()
    const seed = typeof options.seed === 'string' ? sha256(utf8(options.seed)) : options.seed
    const key = store.faucetKey({ create: blocks.length === 0, ...(seed ? { seed } : {}) })
    const faucetCondition = sig(publicKeyOf(key))
    if (droppedTornLine)
      log(
        'dropped an unfinished last line of the block file (the daemon was killed while writing a block it had not ' +
          'yet announced)',
      )
    let genesis = blocks[0]
    if (!genesis) {
      genesis = genesisBlock(faucetCondition, options.genesisTime ?? Math.floor(Date.now() / 1000))
      store.append(genesis)
      store.sync()
      log(`created a new chain in ${options.dataDir}`)
    } else if (!conditionsEqual(genesis.txs[0]!.outputs[0]!.condition, faucetCondition)) {
      throw new ChainStoreError(
        'BAD_FAUCET_KEY',
        `the faucet key in ${options.dataDir} is not the one the genesis block pays; restore the original faucet.key ` +
          'or start a new chain in an empty directory',
      )
    }
    let state: ChainState
    try {
      state = new ChainState(genesis, { sink: store }, blocks.slice(1))
    } catch (err) {
      throw new ChainStoreError(
        'CORRUPT_BLOCK_FILE',
        `the block file in ${options.dataDir} does not replay: ${errorMessage(err)}`,
      )
    }
    const faucet = new Faucet(state, key)

    const saved = store.readMempool()
    let restored = 0
    for (const tx of saved) {
      try {
        state.submit(tx)
        restored++
      } catch (err) {
        log(`dropped a saved mempool transaction: ${errorMessage(err)}`)
      }
    }
    if (saved.length > 0) log(`restored ${restored} of ${saved.length} mempool transactions`)
    log(`chain ${state.chainHash} at height ${state.height} (${state.tip.hash})`)

    let saveTimer: NodeJS.Timeout | undefined
    const saveMempool = (): void => {
      clearTimeout(saveTimer)
      saveTimer = undefined
      store.saveMempool(state.mempool.all().map((e) => e.tx))
    }
    const scheduleSave = (): void => {
      saveTimer ??= setTimeout(() => {
        try {
          saveMempool()
        } catch (err) {
          log(`could not save the mempool: ${errorMessage(err)}`)
        }
      }, MEMPOOL_SAVE_DELAY_MS)
    }
    state.onTransaction((e) => {
      log(`accepted transaction ${e.txid} (fee ${e.fee} sat, mempool ${state.mempool.size})`)
      scheduleSave()
    })
    state.onBlock((b) => {
      log(`mined block ${b.block.height} ${b.block.hash} with ${b.txids.length - 1} transactions`)
      scheduleSave()
    })

    const digests = new BlockDigests(state)
    const feeEstimate = new FeeEstimate()
    const watches = new WatchSessions(state, digests, feeEstimate)
    const metrics = new ChainMetrics(state)
    const service: ChainService = {
      state,
      faucet,
      blockIntervalMs,
      mine: (count, miner) => state.mine(count, miner),
      log,
      digests,
      watches,
      feeEstimate,
      requestsServed: () => metrics.requestsServed,
      requestsRefused: () => metrics.requestsRefused,
    }
    const server = await startHttpServer({
      name: 'the chain daemon',
      port: options.port ?? DEFAULT_CHAIN_PORT,
      ...(options.host ? { host: options.host } : {}),
      routes: chainRoutes(service),
      streams: [chainEvents(state), watches.stream()],
      onRequest: () => metrics.onRequest(),
      onOverloaded: () => metrics.onRefused(),
      metrics: () => metrics.families(),
      ...(options.answerDelayMs ? { answerDelayMs: options.answerDelayMs } : {}),
      maxConcurrentRequests: options.maxConcurrentRequests ?? CHAIN_MAX_CONCURRENT_REQUESTS,
      errorStatus: CHAIN_ERROR_STATUS,
      // a rejected transaction names the input and the rule; ChainClientError carries them
      errorDetails: true,
      notFoundHint: 'the routes are under /v1 (e.g. GET /v1/info)',
      onInternalError: (err) => log(`internal error: ${(err as Error)?.stack ?? String(err)}`),
      onSubscriberDropped: (path, unsent) =>
        log(`dropped a ${path} subscriber that stopped reading (${unsent} bytes unsent); it can reconnect`),
    })
    store.writeUrl(server.url)
    const interval =
      blockIntervalMs === null
        ? undefined
        : setInterval(() => {
            try {
              state.mine(1, faucet.condition)
            } catch (err) {
              log(`could not mine a block: ${errorMessage(err)}`)
            }
          }, blockIntervalMs)
    log(`listening on ${server.url}${blockIntervalMs === null ? '' : `, a block every ${blockIntervalMs} ms`}`)

    let stopping: Promise<void> | undefined
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        clearInterval(interval)
        await server.close()
        try {
          saveMempool()
        } finally {
          store.close()
        }
        log('stopped')
      })())
    return { url: server.url, port: server.port, chainHash: state.chainHash, stop }
  } catch (err) {
    store.close()
    throw err
  }
}
