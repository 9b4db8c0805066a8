/**
 * A node process's life: it takes its data directory, opens what the services
 * stand on (identity, log, state, chain, libp2p host), has them composed, and
 * starts them in order (channels → peers → chain → control API); stop() goes
 * back the other way. This is the entry point the CLI uses.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { lockDataDir } from '../core/dataDirLock.js'
import { startControlApi } from './api/controlApi.js'
import { chainClientAccess } from './chain/chainClientAccess.js'
import { composeNode } from './compose.js'
import { loadOrCreateIdentity } from './identity.js'
import { createLogger, isLogLevel, type LogLevel } from './logger.js'
import { DEFAULT_NODE_OPTIONS, type NodeOptions } from './options.js'
import { startHostKeepingPort } from './transport/host.js'
import { openStores } from './store/nodeStores.js'
import { NodeError } from './errors.js'
import { currentBackend } from '../crypto/secp256k1.js'

export type { NodeOptions } from './options.js'
export { DEFAULT_NODE_OPTIONS } from './options.js'

/** Held by the running node: a second `lnsim node start` on the same directory is refused. */
export const NODE_LOCK_FILE = 'node.lock'

export interface RunningNode {
  nodeId: string
  alias: string
  apiUrl: string
  listen: string[]
  dataDir: string
  /** aborted when a client asked the node to stop (POST /v1/stop); whoever runs the node then calls stop() */
  stopRequested: AbortSignal
  stop(): Promise<void>
}

export type StartNodeOptions = Partial<Omit<NodeOptions, 'limits'>> &
  Pick<NodeOptions, 'name' | 'dataDir' | 'chainUrl'> & { limits?: Partial<NodeOptions['limits']> }

export async function startNode(given: StartNodeOptions): Promise<RunningNode> {
  const options: NodeOptions = {
    ...DEFAULT_NODE_OPTIONS,
    ...given,
    limits: { ...DEFAULT_NODE_OPTIONS.limits, ...given.limits },
  }
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
  // before anything is read or written: a second node on the directory would append to the same state
  const lock = lockDataDir(options.dataDir, { file: NODE_LOCK_FILE, holder: 'a node' })
  try {
    const running = await start(options)
    return { ...running, stop: () => running.stop().finally(() => lock.release()) }
  } catch (err) {
    lock.release()
    throw err
  }
}

async function start(options: NodeOptions): Promise<RunningNode> {
  const identity = await loadOrCreateIdentity(options.dataDir, options.seed)
  const rotation = { maxBytes: options.limits.logMaxBytes, files: options.limits.logFiles }
  const log = createLogger({
    file: join(options.dataDir, 'node.log'),
    level: options.logLevel,
    console: options.logToConsole,
    name: options.name,
    rotation,
  })
  const { durable, stores } = await openStores(options.dataDir, options.fsync)
  const chain = chainClientAccess(options.chainUrl, log.child('chain'))
  let chainHash: Uint8Array
  let tip: number
  try {
    ;({ chainHash, height: tip } = await chain.info())
  } catch (err) {
    // the chain client's message already names the URL and what to do
    throw new NodeError('CHAIN_UNREACHABLE', (err as Error).message)
  }
  const host = await startHostKeepingPort(identity, options.listen, stores.meta)
  const c = composeNode({ options, identity, log, durable, stores, chain, chainHash }, host, tip)

  const stopping = new AbortController()
  c.channels.start()
  c.receive.start()
  c.switch.start()
  await c.peers.start()
  // blocks missed while stopped are caught up with before anyone is told we are here
  await c.watcher.start(stopping.signal)
  const stopRequest = new AbortController()
  const api = await startControlApi(c, { requestStop: () => stopRequest.abort() })
  c.bus.emit({ type: 'node_started', listenAddresses: c.peers.listenAddresses() })
  log.info('node started', { nodeId: identity.nodeIdHex, api: api.url, listen: c.peers.listenAddresses() })
  return {
    nodeId: identity.nodeIdHex,
    alias: options.name,
    apiUrl: api.url,
    listen: c.peers.listenAddresses(),
    dataDir: options.dataDir,
    stopRequested: stopRequest.signal,
    async stop() {
      stopping.abort()
      c.gossip.stop()
      // before the API closes: its interceptors going away must not decide HTLCs the state log keeps for the restart
      c.switch.stop()
      await api.close()
      await c.peers.stop()
      await host.stop()
      c.channels.stop()
      c.receive.stop()
      await durable.close()
      c.peerLog.stop()
      log.info('node stopped')
      await log.close()
    },
  }
}

export function parseLogLevel(value: string): LogLevel | undefined {
  return isLogLevel(value) ? value : undefined
}

/** The curve implementation a node in this process uses: libsecp256k1's native binding, or the JavaScript fallback. */
export function curveBackend(): { name: string; native: boolean } {
  const name = currentBackend().name
  return { name, native: name === 'libsecp256k1' }
}
