/**
 * The composition root of one `lnsim node` process: it builds the node's
 * services and hands each the small interfaces it depends on (startNode.ts
 * starts and stops them). `c` holds every service; a service that must reach
 * one built after it (the event routers, the policy book, the testing hooks)
 * reads it from `c` when called, never while it is built.
 */
import type { Libp2p } from 'libp2p'
import type { Init } from '../wire/messages.js'
import { toHex } from '../core/bytes.js'
import { DEFAULT_CHANNEL_CONFIG } from '../channel/constants.js'
import { SeedSigner } from '../channel/signer.js'
import { MissionControl } from '../routing/missionControl.js'
import { Broadcaster } from './chain/broadcaster.js'
import { ChainWatcher } from './chain/chainWatcher.js'
import { ChannelManager } from './channels/channelManager.js'
import type { NodeComponents, NodeFoundations } from './components.js'
import { ChainEventRouter, ChannelEventRouter, PeerEventRouter } from './eventRouting.js'
import { EventBus } from './eventBus.js'
import { GossipService } from './gossip/gossipService.js'
import { DEFAULT_POLICY } from './options.js'
import { FeeFollower } from './channels/feeFollower.js'
import { composePayments } from './payments/composePayments.js'
import { PolicyBook } from './payments/switch/forwardingPolicy.js'
import { StoredReplayLog } from './payments/switch/storedReplayLog.js'
import { PeerLogLimiter } from './peerLogLimiter.js'
import { INIT_FEATURES } from './transport/host.js'
import { FEATURE_BITS, setFeatureBit } from '../wire/features.js'
import { PeerManager } from './transport/peerManager.js'
import { NodeSecrets } from './secrets.js'
import { CheatRecorder } from './testing/cheatRecorder.js'
import { ChainTrouble } from './testing/chainTrouble.js'
import { FaultInjector } from './testing/faults.js'
import { RogueMessages } from './testing/rogueMessages.js'
import { TestingHooks } from './testing/testingHooks.js'
import { Wallet } from './wallet/wallet.js'

export function composeNode(base: NodeFoundations, host: Libp2p, chainTip: number): NodeComponents {
  const { options, identity, log, stores, chain, chainHash } = base
  const { limits } = options
  const c = { ...base } as NodeComponents
  c.bus = new EventBus(identity.nodeIdHex, options.name)
  c.peerLog = new PeerLogLimiter(log.child('peers'), limits.logLinesPerPeerPerMinute)
  c.secrets = new NodeSecrets(identity, stores.meta)
  c.signer = new SeedSigner(c.secrets)
  c.replayLog = new StoredReplayLog(stores.replays)
  c.cheats = options.testing ? new CheatRecorder(stores.testing, c.signer, stores.preimages) : undefined
  c.faults = options.testing ? new FaultInjector(options.seed ? toHex(options.seed) : identity.nodeIdHex) : undefined
  c.rogue = options.testing
    ? new RogueMessages((r) => {
        log.warn(`rogue peer (--testing): ${r.action} ${r.messageType}`, { peer: r.peer, fields: r.fields })
        c.bus.emit({ type: 'rogue_message', ...r })
      })
    : undefined
  c.wallet = new Wallet(c.secrets.derive('wallet'), stores.wallet, chain, options.feeratePerKw)
  c.chainTrouble = options.testing
    ? new ChainTrouble((txid) => log.warn('a transaction refused on purpose (--testing)', { txid }))
    : undefined
  // the blocks and broadcasts a test may stall or refuse; the wallet's questions still reach the chain
  const blocksAndBroadcasts = c.chainTrouble ? c.chainTrouble.wrap(chain) : chain
  c.watcher = new ChainWatcher(
    blocksAndBroadcasts,
    stores.watch,
    new ChainEventRouter(c),
    log.child('watcher'),
    chainTip,
  )
  c.broadcaster = new Broadcaster(blocksAndBroadcasts, stores.broadcasts, log.child('broadcast'), c.bus, c.watcher)
  // gossip_queries and gossip_queries_ex are offered as optional (odd bits): a peer without the first gets the whole
  // graph instead, one without the second is asked for whole channels
  const features = options.gossip.queries
    ? setFeatureBit(setFeatureBit(INIT_FEATURES, FEATURE_BITS.gossip_queries[1]), FEATURE_BITS.gossip_queries_ex[1])
    : INIT_FEATURES
  const init: Init = { type: 'init', features, networks: [chainHash] }
  c.peers = new PeerManager(
    host,
    identity.nodeIdHex,
    init,
    stores.peers,
    new PeerEventRouter(c),
    log.child('peers'),
    { limits, peerLog: c.peerLog, announce: options.announce },
    c.faults,
    c.rogue,
  )
  c.channels = new ChannelManager({
    log: log.child('channels'),
    peerLog: c.peerLog,
    limits,
    store: stores.channels,
    revocations: stores.revocations,
    preimages: stores.preimages,
    config: { ...DEFAULT_CHANNEL_CONFIG, feeratePerKw: options.feeratePerKw, ...options.channelConfig },
    chainHash,
    feeratePerKw: options.feeratePerKw,
    feeLimits: options.feeLimits,
    signer: c.signer,
    secrets: c.secrets,
    tip: c.watcher,
    wallet: c.wallet,
    peers: c.peers,
    broadcaster: c.broadcaster,
    watcher: c.watcher,
    events: new ChannelEventRouter(c),
  })
  c.fees = new FeeFollower({
    channels: c.channels,
    peers: c.peers,
    log: log.child('fees'),
    limits: options.feeLimits,
  })
  c.policies = new PolicyBook(c, { ...DEFAULT_POLICY, ...options.policy })
  c.gossip = new GossipService({
    log: log.child('gossip'),
    peerLog: c.peerLog,
    limits,
    settings: options.gossip,
    nodeSecret: identity.secret,
    signer: c.signer,
    nodeId: identity.nodeId,
    alias: options.name,
    chainHash,
    chain,
    kv: stores.gossip,
    graphFile: stores.gossipGraph,
    tip: c.watcher,
    transport: c.peers,
    peers: c.peers,
    channels: c.channels,
    policies: c.policies,
  })
  c.missionControl = new MissionControl({ updates: c.gossip.store, journal: stores.missionControl })
  c.missionControl.restore(
    stores.missionControl.keys().map((k) => [k, stores.missionControl.get(k)!] as [string, number]),
    Date.now(),
  )
  composePayments(c)
  c.testing = new TestingHooks(c)
  return c
}
