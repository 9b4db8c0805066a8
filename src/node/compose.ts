/**
 * The composition root of one `lnsim node` process: it builds the node's
 * services, hands each the small interfaces it depends on, and starts and stops
 * them as one (in order: stores → chain → peers → channels → control API, and
 * back). `c` holds every service; a service that must reach one built after it
 * (the event routers, the policy book) reads it from `c` when called, never
 * during construction.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { toHex } from '../core/bytes.js'
import { lockDataDir, type DataDirLock } from '../core/dataDirLock.js'
import { LnsimError } from '../core/errors.js'
import { DEFAULT_CHANNEL_CONFIG } from '../channel/constants.js'
import { SeedSigner } from '../channel/signer.js'
import { MissionControl } from '../routing/missionControl.js'
import { MemoryReplayLog } from '../routing/onion/replayLog.js'
import { FEATURE_BITS, featureBits } from '../wire/features.js'
import { Broadcaster } from './chain/broadcaster.js'
import { chainClientAccess } from './chain/chainClientAccess.js'
import { ChainWatcher } from './chain/chainWatcher.js'
import { ChannelManager } from './channels/channelManager.js'
import { startControlApi, type ControlApi } from './api/controlApi.js'
import { ChainEventRouter, ChannelEventRouter, PeerEventRouter } from './eventRouting.js'
import { EventBus } from './eventBus.js'
import { GossipService } from './gossip/gossipService.js'
import { loadOrCreateIdentity } from './identity.js'
import { createLogger } from './logger.js'
import { DEFAULT_POLICY, MIN_FINAL_CLTV_EXPIRY_DELTA, type NodeOptions } from './options.js'
import { PaymentSender } from './payments/outbound/paymentSender.js'
import { RouteFinder } from './payments/outbound/routeFinder.js'
import { FinalHop } from './payments/receive/finalHop.js'
import { decodeInvoiceToPay, INVOICE_NETWORK, invoiceEncoder } from './payments/receive/invoiceCodec.js'
import { InvoiceRegistry } from './payments/receive/invoiceRegistry.js'
import { PolicyBook } from './payments/switch/forwardingPolicy.js'
import { HtlcSwitch } from './payments/switch/htlcSwitch.js'
import { Settlements } from './payments/switch/settlements.js'
import { startHostKeepingPort } from './peers/host.js'
import { PeerManager } from './peers/peerManager.js'
import { NodeSecrets } from './secrets.js'
import { openStores } from './store/nodeStores.js'
import { CheatRecorder } from './testing/cheatRecorder.js'
import { FaultInjector } from './testing/faults.js'
import { TestingHooks } from './testing/testingHooks.js'
import { Wallet } from './wallet/wallet.js'
import type { NodeComponents } from './components.js'

/** Feature bits we advertise in init (BOLT #9): var_onion_optin and payment_secret, required. */
const INIT_FEATURES = featureBits(FEATURE_BITS.var_onion_optin[0], FEATURE_BITS.payment_secret[0])

export interface ComposedNode {
  readonly c: NodeComponents
  readonly api: ControlApi
  stop(): Promise<void>
}

/** Held by the running node: a second `lnsim node start` on the same directory is refused. */
export const NODE_LOCK_FILE = 'node.lock'

export async function startComposedNode(options: NodeOptions): Promise<ComposedNode> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
  // before anything is read or written: a second node on the directory would append to the same state
  const lock = lockDataDir(options.dataDir, { file: NODE_LOCK_FILE, holder: 'a node' })
  try {
    return await compose(options, lock)
  } catch (err) {
    lock.release()
    throw err
  }
}

async function compose(options: NodeOptions, lock: DataDirLock): Promise<ComposedNode> {
  const identity = await loadOrCreateIdentity(options.dataDir, options.seed)
  const log = createLogger({ file: join(options.dataDir, 'node.log'), level: options.logLevel, console: options.logToConsole, name: options.name })
  const { durable, stores } = await openStores(options.dataDir, options.fsync)
  const chain = chainClientAccess(options.chainUrl)
  let chainHash: Uint8Array
  let tip: number
  try {
    ;[chainHash, tip] = await Promise.all([chain.chainHash(), chain.tipHeight()])
  } catch (err) {
    // the chain client's message already names the URL and what to do
    throw new LnsimError('CHAIN_UNREACHABLE', (err as Error).message)
  }
  const host = await startHostKeepingPort(identity, options.listen, stores.meta)

  const c = { options, identity, log, durable, stores, chain, chainHash } as NodeComponents
  c.bus = new EventBus(identity.nodeIdHex, options.name)
  c.secrets = new NodeSecrets(identity, stores.meta)
  c.signer = new SeedSigner((keysId) => c.secrets.derive(keysId))
  c.replayLog = new MemoryReplayLog()
  c.cheats = options.testing ? new CheatRecorder(stores.testing, c.signer) : undefined
  c.faults = options.testing ? new FaultInjector(options.seed ? toHex(options.seed) : identity.nodeIdHex) : undefined
  c.wallet = new Wallet(c.secrets.derive('wallet'), stores.wallet, chain, options.feeratePerKw)
  c.broadcaster = new Broadcaster(chain, stores.broadcasts, log.child('broadcast'), c.bus)
  c.watcher = new ChainWatcher(chain, stores.watch, new ChainEventRouter(c), log.child('watcher'), tip)
  c.peers = new PeerManager(host, identity.nodeIdHex, { type: 'init', features: INIT_FEATURES, networks: [chainHash] }, stores.peers, new PeerEventRouter(c), log.child('peers'), c.faults)
  c.channels = new ChannelManager({
    log: log.child('channels'),
    store: stores.channels, revocations: stores.revocations, preimages: stores.preimages,
    config: { ...DEFAULT_CHANNEL_CONFIG, feeratePerKw: options.feeratePerKw, ...options.channelConfig },
    chainHash, feeratePerKw: options.feeratePerKw, signer: c.signer, secrets: c.secrets, tip: c.watcher,
    wallet: c.wallet, peers: c.peers, broadcaster: c.broadcaster, watcher: c.watcher, events: new ChannelEventRouter(c),
  })
  c.policies = new PolicyBook(c, { ...DEFAULT_POLICY, ...options.policy })
  c.gossip = new GossipService({
    log: log.child('gossip'), nodeSecret: identity.secret, signer: c.signer, nodeId: identity.nodeId, alias: options.name, chainHash, chain,
    kv: stores.gossip, tip: c.watcher, transport: c.peers, peers: c.peers, channels: c.channels, policies: c.policies,
  })
  c.missionControl = new MissionControl({ updates: c.gossip.store })
  c.invoices = new InvoiceRegistry(stores.invoices, c.secrets.derive('invoices'), invoiceEncoder(identity.secret, identity.nodeId), MIN_FINAL_CLTV_EXPIRY_DELTA)
  c.settlements = new Settlements({ log: log.child('switch'), bus: c.bus, channels: c.channels, htlcs: stores.htlcs })
  c.receive = new FinalHop({ log: log.child('receive'), bus: c.bus, invoices: c.invoices, htlcs: stores.htlcs, preimages: stores.preimages, settlements: c.settlements, tip: c.watcher })
  c.routes = new RouteFinder({ ourNodeId: identity.nodeId, gossip: c.gossip, channels: c.channels, peers: c.peers, missionControl: c.missionControl, tip: c.watcher })
  c.outbound = new PaymentSender({
    log: log.child('pay'), bus: c.bus, network: INVOICE_NETWORK, ourNodeId: identity.nodeIdHex, decodeInvoice: decodeInvoiceToPay,
    payments: stores.payments, htlcs: stores.htlcs, tip: c.watcher, routes: c.routes, missionControl: c.missionControl, channels: c.channels,
  })
  c.switch = new HtlcSwitch({
    log: log.child('switch'), bus: c.bus, nodeSecret: identity.secret, replayLog: c.replayLog, htlcs: stores.htlcs, preimages: stores.preimages, tip: c.watcher,
    channels: c.channels, peers: c.peers, policies: c.policies, gossip: c.gossip, settlements: c.settlements, receive: c.receive, outbound: c.outbound,
  })
  c.testing = new TestingHooks(c)

  // start: no peer is connected after a restart, and blocks missed while stopped come before any peer
  const stopping = new AbortController()
  c.channels.markAllDisconnected()
  await c.peers.start()
  await c.watcher.start(stopping.signal)
  const api = await startControlApi(c)
  c.bus.emit({ type: 'node_started', listenAddresses: c.peers.listenAddresses() })
  log.info('node started', { nodeId: identity.nodeIdHex, api: api.url, listen: c.peers.listenAddresses() })

  return {
    c,
    api,
    async stop() {
      stopping.abort()
      c.gossip.stop()
      await api.close()
      await c.peers.stop()
      await host.stop()
      c.channels.flush()
      await durable.close()
      log.info('node stopped')
      await log.close()
      lock.release()
    },
  }
}
