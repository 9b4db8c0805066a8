/**
 * Every service of a node, by name: what the composition root (compose.ts)
 * builds, and what the control API and the event routers are given. Each
 * service itself depends only on the few of these it names in its own
 * `…Components` interface.
 */
import type { ChainAccess } from './chain/chainAccess.js'
import type { Broadcaster } from './chain/broadcaster.js'
import type { ChainWatcher } from './chain/chainWatcher.js'
import type { ChannelManager } from './channels/channelManager.js'
import type { FeeFollower } from './channels/feeFollower.js'
import type { EventBus } from './eventBus.js'
import type { GossipService } from './gossip/gossipService.js'
import type { NodeIdentity } from './identity.js'
import type { Logger } from './logger.js'
import type { NodeOptions } from './options.js'
import type { PaymentSender } from './payments/outbound/paymentSender.js'
import type { RouteFinder } from './payments/outbound/routeFinder.js'
import type { FinalHop } from './payments/receive/finalHop.js'
import type { InvoiceRegistry } from './payments/receive/invoiceRegistry.js'
import type { PolicyBook } from './payments/switch/forwardingPolicy.js'
import type { HtlcSwitch } from './payments/switch/htlcSwitch.js'
import type { HtlcPolicy } from './payments/policy/htlcPolicy.js'
import type { Settlements } from './payments/switch/settlements.js'
import type { PeerLogLimiter } from './peerLogLimiter.js'
import type { PeerManager } from './transport/peerManager.js'
import type { NodeSecrets } from './secrets.js'
import type { DurableStore } from './store/durableStore.js'
import type { NodeStores } from './store/nodeStores.js'
import type { CheatRecorder } from './testing/cheatRecorder.js'
import type { ChainTrouble } from './testing/chainTrouble.js'
import type { FaultInjector } from './testing/faults.js'
import type { RogueMessages } from './testing/rogueMessages.js'
import type { TestingHooks } from './testing/testingHooks.js'
import type { Wallet } from './wallet/wallet.js'
import type { SeedSigner } from '../channel/signer.js'
import type { MissionControl } from '../routing/missionControl.js'
import type { ReplayLog } from '../routing/onion/replayLog.js'

export interface NodeComponents {
  options: NodeOptions
  identity: NodeIdentity
  log: Logger
  bus: EventBus
  durable: DurableStore
  stores: NodeStores
  chain: ChainAccess
  chainHash: Uint8Array
  secrets: NodeSecrets
  /** every channel's keys, derived from the node's secret by the id its state keeps */
  signer: SeedSigner
  /** onions seen, to refuse replays (kept in the node's state: a restart remembers them) */
  replayLog: ReplayLog
  wallet: Wallet
  broadcaster: Broadcaster
  /** the chain as this node has seen it; `height` is the tip */
  watcher: ChainWatcher
  peers: PeerManager
  channels: ChannelManager
  /** sends update_fee on the channels this node funds as the chain's estimate moves */
  fees: FeeFollower
  policies: PolicyBook
  gossip: GossipService
  missionControl: MissionControl
  invoices: InvoiceRegistry
  settlements: Settlements
  /** payments to us */
  receive: FinalHop
  routes: RouteFinder
  /** our own payments */
  outbound: PaymentSender
  /** forwarding, and the outcomes of outgoing HTLCs */
  switch: HtlcSwitch
  /** the forwarding policy: which forwards this node takes on (and each peer's reputation, for the reputation one) */
  htlcPolicy: HtlcPolicy
  testing: TestingHooks
  /** limits the lines any one peer's bad input writes to node.log */
  peerLog: PeerLogLimiter
  /** only with --testing */
  cheats: CheatRecorder | undefined
  faults: FaultInjector | undefined
  rogue: RogueMessages | undefined
  chainTrouble: ChainTrouble | undefined
}

/** What exists before the services: the process's identity, log, state, chain and libp2p host. */
export type NodeFoundations = Pick<
  NodeComponents,
  'options' | 'identity' | 'log' | 'durable' | 'stores' | 'chain' | 'chainHash'
>
