/**
 * A Lightning node: the services of one `lnsim node` process, wired together
 * and started in order (stores → chain → wallet → peers → channels → API), and
 * stopped in reverse. Each service is small and owns one concern; this file
 * only connects them.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Libp2p } from 'libp2p'
import { fromHex, toHex, u64be } from '../core/bytes.js'
import { LnsimError } from '../core/errors.js'
import { formatScid } from '../core/shortChannelId.js'
import { txid as txidOf, type Transaction } from '../chain/transaction.js'
import { DEFAULT_CHANNEL_CONFIG, type ChannelConfig } from '../channel/constants.js'
import { commitmentsOf, type ChannelData } from '../channel/states.js'
import { availableToSendMsat } from '../channel/commitments.js'
import type { ChannelEvent } from '../channel/io.js'
import { API_TOKEN_FILE, API_URL_FILE } from '../api/locate.js'
import type { Init } from '../wire/messages.js'
import { FEATURE_BITS, featureBits } from '../wire/features.js'
import { chainClientAccess } from './chain/chainClientAccess.js'
import { decodeInvoiceToPay, INVOICE_NETWORK, invoiceEncoder } from './payments/invoiceCodec.js'
import { MemoryReplayLog } from '../routing/onion/replayLog.js'
import type { ChainAccess } from './chain/chainAccess.js'
import { Broadcaster, type PendingBroadcast } from './chain/broadcaster.js'
import { ChainWatcher, type WatchState } from './chain/chainWatcher.js'
import { ChannelManager, isLastingChannelPart, type ChannelRecord } from './channels/channelManager.js'
import { channelInfo, shortChannelIdOf } from './channels/channelViews.js'
import { EventBus } from './eventBus.js'
import { deriveSecret, loadOrCreateIdentity, type NodeIdentity } from './identity.js'
import { createLogger, type Logger } from './logger.js'
import { PeerLogLimiter } from './peerLogLimiter.js'
import { DEFAULT_POLICY, MIN_FINAL_CLTV_EXPIRY_DELTA, type NodeOptions } from './options.js'
import { createHost } from './peers/host.js'
import { PeerManager, type PeerRecord } from './peers/peerManager.js'
import { findPaymentRoute, paymentRouteOrThrow } from './payments/routeFinder.js'
import { GossipService } from './gossip/gossipService.js'
import { MissionControl } from '../routing/missionControl.js'
import type { LocalChannel } from '../routing/graph.js'
import { InvoiceRegistry, type InvoiceRecord } from './payments/invoiceRegistry.js'
import type { PaymentRecord } from './payments/paymentRecord.js'
import { PaymentSender, type PlannedRoute, type RouteRequest } from './payments/paymentSender.js'
import { Relay, type ForwardingPolicy, type HtlcRecord } from './payments/relay.js'
import { DurableStore, type KvLog } from './store/durableStore.js'
import { Wallet, type WalletState } from './wallet/wallet.js'
import { CheatRecorder, type CheatState } from './testing/cheatRecorder.js'
import { FaultInjector } from './testing/faults.js'
import { startControlApi } from './api/controlApi.js'
import type { RunningServer } from './api/httpServer.js'

/** Feature bits we advertise in init (BOLT #9): var_onion_optin and payment_secret, required. */
const INIT_FEATURES = featureBits(FEATURE_BITS.var_onion_optin[0], FEATURE_BITS.payment_secret[0])

export interface NodeStores {
  channels: KvLog<ChannelRecord>
  revocations: KvLog<{ channel: string; index: bigint }>
  wallet: KvLog<WalletState>
  watch: KvLog<WatchState>
  broadcasts: KvLog<PendingBroadcast>
  peers: KvLog<PeerRecord>
  invoices: KvLog<InvoiceRecord | number>
  payments: KvLog<PaymentRecord>
  htlcs: KvLog<HtlcRecord>
  preimages: KvLog<Uint8Array>
  meta: KvLog<number>
  testing: KvLog<CheatState>
  gossip: KvLog<unknown>
  policies: KvLog<Partial<ForwardingPolicy>>
}

async function openStores(dir: string, fsync: boolean): Promise<{ durable: DurableStore; stores: NodeStores }> {
  const durable = await DurableStore.open(join(dir, 'state.log'), { fsync })
  const stores: NodeStores = {
    channels: durable.kv('channel', { internable: isLastingChannelPart }),
    revocations: durable.kv('revoked'),
    wallet: durable.kv('wallet'),
    watch: durable.kv('watch'),
    broadcasts: durable.kv('broadcast'),
    peers: durable.kv('peer'),
    invoices: durable.kv('invoice'),
    payments: durable.kv('payment'),
    htlcs: durable.kv('htlc', { keepValues: true }),
    preimages: durable.kv('preimage'),
    meta: durable.kv('meta'),
    testing: durable.kv('testing'),
    gossip: durable.kv('gossip'),
    policies: durable.kv('policy'),
  }
  return { durable, stores }
}

const EPHEMERAL_LISTEN = '/ip4/127.0.0.1/tcp/0'

/** States in which a channel only has its temporary id. */
const PRE_FUNDING: ReadonlySet<string> = new Set(['WAIT_FOR_OPEN_CHANNEL', 'WAIT_FOR_ACCEPT_CHANNEL', 'WAIT_FOR_FUNDING_INTERNAL', 'WAIT_FOR_FUNDING_CREATED'])

/**
 * A node asked for any free port gets, after a restart, the same port as
 * before when it is still free: peers that dialled it before can redial.
 */
async function createHostKeepingPort(identity: NodeIdentity, options: NodeOptions, meta: KvLog<number>): Promise<Libp2p> {
  const previous = meta.get('listenPort')
  const wantsAny = options.listen.length === 1 && options.listen[0] === EPHEMERAL_LISTEN
  if (wantsAny && previous !== undefined) {
    try {
      const host = await createHost(identity, [`/ip4/127.0.0.1/tcp/${previous}`])
      await host.start()
      return host
    } catch {
      // taken by someone else meanwhile: any port will do
    }
  }
  const host = await createHost(identity, options.listen)
  await host.start()
  const port = Number(/\/tcp\/([0-9]+)/.exec(host.getMultiaddrs()[0]?.toString() ?? '')?.[1])
  if (wantsAny && Number.isInteger(port)) {
    meta.set('listenPort', port)
    await meta.flush()
  }
  return host
}

export class LightningNode {
  readonly identity: NodeIdentity
  readonly log: Logger
  readonly bus: EventBus
  readonly options: NodeOptions
  readonly channelConfig: ChannelConfig
  readonly policy: ForwardingPolicy
  readonly chainHash: Uint8Array
  readonly stores: NodeStores
  readonly durable: DurableStore
  readonly chain: ChainAccess
  readonly wallet: Wallet
  readonly watcher: ChainWatcher
  readonly broadcaster: Broadcaster
  readonly host: Libp2p
  readonly peers: PeerManager
  readonly channels: ChannelManager
  readonly invoices: InvoiceRegistry
  readonly relay: Relay
  readonly sender: PaymentSender
  readonly gossip: GossipService
  readonly missionControl: MissionControl
  /** onions seen, to refuse replays (in memory: a restart forgets them, see the closing note) */
  readonly replayLog = new MemoryReplayLog()
  /** only with --testing */
  readonly cheats: CheatRecorder | undefined
  readonly faults: FaultInjector | undefined
  api!: RunningServer
  /** limits the lines any one peer's bad input writes to node.log */
  readonly peerLog: PeerLogLimiter
  private openingTimer: NodeJS.Timeout | undefined
  private readonly stopController = new AbortController()

  private constructor(parts: {
    identity: NodeIdentity
    log: Logger
    options: NodeOptions
    durable: DurableStore
    stores: NodeStores
    chain: ChainAccess
    chainHash: Uint8Array
    tip: number
    host: Libp2p
  }) {
    const { identity, log, options, stores, chain } = parts
    this.identity = identity
    this.log = log
    this.options = options
    this.stores = stores
    this.durable = parts.durable
    this.chain = chain
    this.chainHash = parts.chainHash
    this.host = parts.host
    this.bus = new EventBus(identity.nodeIdHex, options.name)
    this.peerLog = new PeerLogLimiter(log.child('peers'), options.limits.logLinesPerPeerPerMinute)
    this.cheats = options.testing ? new CheatRecorder(stores.testing) : undefined
    this.faults = options.testing ? new FaultInjector(options.seed ? toHex(options.seed) : identity.nodeIdHex) : undefined
    this.channelConfig = { ...DEFAULT_CHANNEL_CONFIG, feeratePerKw: options.feeratePerKw, ...options.channelConfig }
    this.policy = { ...DEFAULT_POLICY, ...options.policy }
    this.wallet = new Wallet(deriveSecret(identity, 'wallet'), stores.wallet, chain, () => options.feeratePerKw)
    this.broadcaster = new Broadcaster(chain, stores.broadcasts, log.child('broadcast'), (txid, p) => {
      this.bus.emit({ type: 'onchain', channelId: p.channel || null, txid, label: p.label, amountSat: null, spendableFromHeight: null })
    })
    this.watcher = new ChainWatcher(
      chain,
      stores.watch,
      {
        onBlock: (height) => this.onBlock(height),
        onConfirmed: (channel, txid, height, txIndex) => this.channels.onTxConfirmed(channel, txid, height, txIndex),
        onSpent: (channel, outpoint, tx, txid, height) => this.channels.onOutputSpent(channel, outpoint, tx, height, txid),
        onTransactions: (txids, height, txs) => {
          this.broadcaster.onBlock(height, txids)
          this.gossip.fundingIndex.onBlock(height, txs, txids)
        },
      },
      log.child('watcher'),
      parts.tip,
    )
    this.peers = new PeerManager(
      this.host,
      identity.nodeIdHex,
      (): Init => ({ type: 'init', features: INIT_FEATURES, networks: [this.chainHash] }),
      stores.peers,
      {
        onConnected: (peer) => {
          this.bus.emit({ type: 'peer_connected', peer })
          this.channels.onPeerConnected(peer)
          this.gossip.onPeerConnected(peer)
        },
        onDisconnected: (peer) => {
          this.bus.emit({ type: 'peer_disconnected', peer })
          this.channels.onPeerDisconnected(peer)
        },
        onMessage: (peer, message, frame) => {
          switch (message.type) {
            case 'channel_announcement':
            case 'node_announcement':
            case 'channel_update':
              void this.gossip.onGossip(peer, message, frame).catch((err: Error) => this.log.warn('gossip failed', { peer, error: err.message }))
              return
            case 'announcement_signatures':
              this.gossip.onAnnouncementSignatures(peer, message)
              return
            case 'ping':
            case 'pong':
            case 'init':
              return
            default:
              this.channels.onMessage(peer, message)
          }
        },
        onInvalidChannelMessage: (peer, channelId, error) => this.channels.onInvalidMessage(peer, channelId, `${error.code}: ${error.message}`),
        wantsReconnect: (peer) => this.channels.channelsWith(peer).length > 0,
        addressOf: (peer) => this.gossip.addressOf(peer),
      },
      log.child('peers'),
      { limits: options.limits, peerLog: this.peerLog },
      this.faults,
    )
    this.channels = new ChannelManager({
      log: log.child('channels'),
      peerLog: this.peerLog,
      limits: options.limits,
      store: stores.channels,
      revocations: stores.revocations,
      config: this.channelConfig,
      chainHash: () => this.chainHash,
      blockHeight: () => this.watcher.height,
      feeratePerKw: options.feeratePerKw,
      preimageFor: (hash) => stores.preimages.get(toHex(hash)),
      nextChannelSeed: (role) => this.nextSecret(`channel/${role}`),
      closingCondition: () => this.wallet.newAddress('channel close').condition,
      sendToPeer: (peer, message) => this.peers.send(peer, message),
      disconnectPeer: (peer, reason) => void this.peers.disconnect(peer, reason),
      isPeerConnected: (peer) => this.peers.isConnected(peer),
      broadcast: (tx, txid, label, validFromHeight, channel) => this.broadcaster.broadcast(tx, txid, label, validFromHeight, channel, this.watcher.height).catch((err: Error) => {
        this.log.warn('broadcast refused', { channel, txid, label, error: err.message })
        throw err
      }),
      watchConfirmed: (txid, depth, channel) => this.watcher.watchConfirmed(txid, depth, channel),
      watchSpent: (outpoint, channel) => this.watcher.watchSpent(outpoint, channel),
      unwatch: (channel) => this.watcher.forget(channel),
      makeFundingTx: (amountSat, condition) => this.wallet.fund(amountSat, condition),
      releaseFunding: (tx: Transaction) => this.wallet.release(tx),
      onEvent: (channel, peer, event, data) => this.onChannelEvent(channel, peer, event, data),
      onStateChanged: (channel, data) => this.cheats?.observe(channel, data),
    })
    this.invoices = new InvoiceRegistry(stores.invoices, deriveSecret(identity, 'invoices'), invoiceEncoder(identity.secret, identity.nodeId), MIN_FINAL_CLTV_EXPIRY_DELTA)
    this.relay = new Relay({
      log: log.child('relay'),
      bus: this.bus,
      nodeSecret: identity.secret,
      replayLog: this.replayLog,
      invoices: this.invoices,
      records: stores.htlcs,
      preimages: stores.preimages,
      blockHeight: () => this.watcher.height,
      command: (channel, command) => this.channels.command(channel, command),
      channelByScid: (scid) => this.channelByScid(scid),
      channelView: (channel) => {
        const r = this.channels.get(channel)
        if (!r) return undefined
        return { state: r.data.state, connected: this.peers.isConnected(r.peer), peer: r.peer, policy: this.policyOf(channel), channelUpdate: this.gossip.channelUpdateBytes(channel) }
      },
      onLocalOutcome: (record, outcome, channel, htlcId) => this.sender.onOutcome(record, outcome, channel, htlcId),
      holdIncoming: () => this.holdingPayments,
    })
    this.sender = new PaymentSender({
      log: log.child('pay'),
      bus: this.bus,
      network: INVOICE_NETWORK,
      ourNodeId: identity.nodeIdHex,
      payments: stores.payments,
      blockHeight: () => this.watcher.height,
      decodeInvoice: decodeInvoiceToPay,
      findRoute: (req) => this.findRoute(req),
      learnFailure: (route, hopIndex, failure) => {
        if (route.route) this.missionControl.recordFailure(route.route, hopIndex, failure, Date.now())
      },
      learnSuccess: (route) => {
        if (route.route) this.missionControl.recordSuccess(route.route, Date.now())
      },
      command: (channel, command) => this.channels.command(channel, command),
      recordLocal: (channel, id, hash, attempt) => this.relay.recordLocal(channel, id, hash, attempt),
    })
    this.gossip = new GossipService({
      log: log.child('gossip'),
      nodeSecret: identity.secret,
      nodeId: identity.nodeId,
      alias: options.name,
      chainHash: this.chainHash,
      chain,
      kv: stores.gossip,
      blockHeight: () => this.watcher.height,
      listenAddresses: () => this.listenAddresses(),
      connectedPeers: () => this.peers.list().filter((p) => p.connected).map((p) => p.nodeId),
      sendToPeer: (peer, message) => this.peers.send(peer, message),
      channel: (key) => this.channels.get(key),
      channels: () => this.channels.list().map(({ key, record }) => ({ key, peer: record.peer, data: record.data })),
      isPeerConnected: (peer) => this.peers.isConnected(peer),
      policyOf: (channel) => this.policyOf(channel),
      limits: options.limits,
      peerLog: this.peerLog,
    })
    this.missionControl = new MissionControl({ applyChannelUpdate: (u, bytes, now) => this.gossip.store.acceptChannelUpdate(u, now, bytes).status === 'new' })
  }

  static async start(options: NodeOptions): Promise<LightningNode> {
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
    const identity = await loadOrCreateIdentity(options.dataDir, options.seed)
    const log = createLogger({
      file: join(options.dataDir, 'node.log'),
      level: options.logLevel,
      console: options.logToConsole,
      name: options.name,
      rotation: { maxBytes: options.limits.logMaxBytes, files: options.limits.logFiles },
    })
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
    const host = await createHostKeepingPort(identity, options, stores.meta)
    const node = new LightningNode({ identity, log, options, durable, stores, chain, chainHash, tip, host })
    await node.begin()
    return node
  }

  private async begin(): Promise<void> {
    this.channels.markAllDisconnected()
    // an opening whose peer went quiet gives back its place among the pending channels
    this.openingTimer = setInterval(() => this.channels.expireOpenings(Date.now()), Math.max(100, Math.min(5000, this.options.limits.openingTimeoutMs / 4)))
    this.openingTimer.unref()
    await this.peers.start()
    // catch up with blocks missed while stopped before talking to anyone
    await this.watcher.start(this.stopController.signal)
    this.api = await startControlApi(this)
    const token = await this.apiToken()
    await writeFile(join(this.options.dataDir, API_URL_FILE), this.api.url + '\n', { mode: 0o600 })
    await writeFile(join(this.options.dataDir, API_TOKEN_FILE), token + '\n', { mode: 0o600 })
    this.bus.emit({ type: 'node_started', listenAddresses: this.listenAddresses() })
    this.log.info('node started', { nodeId: this.identity.nodeIdHex, api: this.api.url, listen: this.listenAddresses() })
  }

  private tokenValue: string | undefined
  async apiToken(): Promise<string> {
    this.tokenValue ??= toHex(new Uint8Array(randomBytes(32)))
    return this.tokenValue
  }

  listenAddresses(): string[] {
    return this.host.getMultiaddrs().map((m) => m.toString())
  }

  /** A fresh secret for `purpose`, never handed out twice (a persisted counter). */
  nextSecret(purpose: string): Uint8Array {
    const n = this.stores.meta.get(`counter:${purpose}`) ?? 0
    this.stores.meta.set(`counter:${purpose}`, n + 1)
    return deriveSecret(this.identity, `${purpose}/${n}/${toHex(u64be(BigInt(n)))}`)
  }

  channelByScid(scid: bigint): string | undefined {
    for (const { key, record } of this.channels.list()) if (shortChannelIdOf(record.data) === scid && record.data.state !== 'CLOSED') return key
    return undefined
  }

  channelInfos(): ReturnType<typeof channelInfo>[] {
    return this.channels.list().map(({ key, record }) => channelInfo(key, record.peer, record.data, this.peers.isConnected(record.peer)))
  }

  /** Our channels as pathfinding sees them: what each can send now, and whether its peer is there. */
  localChannels(): Array<LocalChannel & { key: string }> {
    return this.channels.list().flatMap(({ key, record }) => {
      const scid = shortChannelIdOf(record.data)
      const c = commitmentsOf(record.data)
      if (scid === undefined || !c || record.data.state === 'CLOSED' || record.data.state === 'CLOSING') return []
      // asked for every payment: only what pathfinding needs, not the channel's whole view (its HTLCs in hex)
      const normal = record.data.state === 'NORMAL'
      return [{ key, shortChannelId: scid, remoteNodeId: fromHex(record.peer), spendableMsat: normal ? availableToSendMsat(c) : 0n, active: normal && this.peers.isConnected(record.peer), htlcMinimumMsat: c.remoteParams.htlcMinimumMsat }]
    })
  }

  private routeFinderDeps() {
    return { ourNodeId: this.identity.nodeId, graph: () => this.gossip.graph(), localChannels: () => this.localChannels(), missionControl: this.missionControl, blockHeight: () => this.watcher.height }
  }

  findRoute(req: RouteRequest): PlannedRoute | undefined {
    return findPaymentRoute(this.routeFinderDeps(), req)
  }

  /** The route a payment would take now (for `lnsim route`); throws NoRouteError with the reason. */
  routeTo(destination: Uint8Array, amountMsat: bigint): PlannedRoute {
    const finalCltvExpiry = this.watcher.height + MIN_FINAL_CLTV_EXPIRY_DELTA + 3
    return paymentRouteOrThrow(this.routeFinderDeps(), { destination, amountMsat, finalCltvExpiry, maxFeeMsat: amountMsat, avoidChannels: new Set() })
  }

  private onBlock(height: number): void {
    this.replayLog.expire(height)
    this.channels.onBlock(height)
    this.gossip.onBlock()
    this.bus.emit({ type: 'block', height })
  }

  private onChannelEvent(channel: string, peer: string, event: ChannelEvent, data: ChannelData): void {
    this.relay.onChannelEvent(channel, event)
    switch (event.type) {
      case 'state_changed': {
        this.gossip.onChannelStateChanged(channel, event.to)
        // a channel is told about under its real id only: its temporary id would make it look like two channels
        if (PRE_FUNDING.has(event.to) || (event.to === 'CLOSED' && PRE_FUNDING.has(event.from))) return
        const scid = shortChannelIdOf(data)
        this.bus.emit({ type: 'channel_state', channelId: channel, peer, from: event.from, to: event.to, shortChannelId: scid === undefined ? null : formatScid(scid) })
        return
      }
      case 'balance_changed':
        this.bus.emit({ type: 'channel_balance', channelId: channel, localMsat: event.localMsat, remoteMsat: event.remoteMsat })
        return
      // the peer decides how often these happen: its lines and events are limited together
      case 'protocol_violation':
        if (this.peerLog.line(this.log, 'warn', peer, 'protocol violation', { channel, code: event.code, message: event.message })) this.bus.emit({ type: 'warning', code: event.code, message: event.message, peer })
        return
      case 'peer_error':
        if (this.peerLog.line(this.log, 'warn', peer, 'peer error', { channel, message: event.message })) this.bus.emit({ type: 'warning', code: 'PEER_ERROR', message: event.message, peer })
        return
      case 'claim':
        this.bus.emit({ type: 'onchain', channelId: channel, txid: event.txid, label: event.kind, amountSat: event.amountSat, spendableFromHeight: event.validFromHeight })
        return
      case 'closing':
      case 'closed':
        this.log.info(`channel ${event.type}`, { channel, ...('why' in event ? { why: event.why } : {}), ...('how' in event ? { how: event.how } : {}) })
        return
      default:
        return
    }
  }

  async stop(): Promise<void> {
    this.stopController.abort()
    clearInterval(this.openingTimer)
    this.gossip.stop()
    await this.api?.close()
    await this.peers.stop()
    await this.host.stop()
    this.channels.flush()
    await this.durable.close()
    this.peerLog.stop()
    this.log.info('node stopped')
    await this.log.close()
  }

  /** The commitments of a channel, or a clear error. */
  requireChannel(channelId: string): { peer: string; data: ChannelData } {
    const r = this.channels.get(channelId)
    if (!r) throw new LnsimError('UNKNOWN_CHANNEL', `no channel ${channelId}; see \`lnsim channels\``)
    return r
  }

  get chainHashHex(): string {
    return toHex(this.chainHash)
  }

  /** A channel's forwarding policy: the node's, with whatever was set for this channel on top. */
  policyOf(channel: string): ForwardingPolicy {
    return { ...this.policy, ...(this.stores.policies.get(channel) ?? {}) }
  }

  /** Changes a channel's forwarding policy and announces it with a new channel_update. */
  async setChannelPolicy(channel: string, change: Partial<ForwardingPolicy>): Promise<ForwardingPolicy> {
    this.requireChannel(channel)
    this.stores.policies.set(channel, { ...(this.stores.policies.get(channel) ?? {}), ...change })
    await this.durable.flush()
    this.gossip.publishUpdate(channel)
    return this.policyOf(channel)
  }

  /** The fault injector, or a clear refusal in a normal run. */
  requireTesting(what: string): FaultInjector {
    if (!this.faults) throw new LnsimError('TESTING_DISABLED', `${what} needs a node started with --testing`)
    return this.faults
  }

  /** Test hook: payments to us stay pending until released (like a hold invoice). */
  holdingPayments = false

  setHoldPayments(hold: boolean): { holding: boolean; released: number } {
    if (!this.options.testing) throw new LnsimError('TESTING_DISABLED', 'holding payments needs a node started with --testing')
    this.holdingPayments = hold
    const released = hold ? 0 : this.relay.releaseHeld()
    return { holding: hold, released }
  }

  /** Test hook: broadcast this channel's previous, revoked commitment. */
  cheat(channelId: string): { txid: string; revokedIndex: bigint } {
    if (!this.cheats) throw new LnsimError('TESTING_DISABLED', 'cheating needs a node started with --testing')
    this.requireChannel(channelId)
    const revoked = this.cheats.revokedCommitment(channelId)
    const txid = txidOf(revoked.tx)
    void this.broadcaster.broadcast(revoked.tx, txid, 'revoked commitment (cheat)', 0, channelId, this.watcher.height).catch(() => {})
    this.log.warn('broadcast a revoked commitment on purpose (--testing)', { channel: channelId, txid, index: revoked.index.toString() })
    return { txid, revokedIndex: revoked.index }
  }

  fundingTxidOf(data: ChannelData): string | null {
    return commitmentsOf(data)?.funding.outpoint.txid ?? null
  }
}
