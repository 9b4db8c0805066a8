/**
 * The node's part in BOLT #7 gossip: it announces its public channels once
 * their funding is 6 blocks deep (announcement_signatures, then the
 * channel_announcement and its own channel_update), announces itself, checks
 * and stores what peers send (every message relayed once, to every peer but its
 * sender, in batches: gossipOutbox.ts), syncs a new peer by gossip queries
 * (gossipSync.ts) or, if it does not offer them, gives it the whole graph, keeps
 * its channel_updates current as channels go up, down and close, and forgets
 * channels whose funding output was spent 12 blocks deep or that stopped
 * updating (BOLT #7 "Pruning the Network View"). Each peer's gossip is held to
 * a rate first (peerGossipRates.ts); a peer's update for a private channel of
 * ours is kept for our invoices' route hints (privateChannelUpdates.ts).
 */
import { bytesEqual, fromHex, toHex } from '../../core/bytes.js'
import { scidParts, type ShortChannelId } from '../../core/shortChannelId.js'
import { FundingIndex } from './fundingIndex.js'
import { commitmentsOf, type ChannelData } from '../../channel/states.js'
import type { ChannelSigner } from '../../channel/signer.js'
import { encodeMessage } from '../../wire/codec.js'
import type { AnnouncementSignatures, ChannelUpdate, Message } from '../../wire/messages.js'
import {
  createAnnouncementSignatures,
  createChannelAnnouncement,
  type ChannelAnnouncementContext,
} from '../../routing/gossip/channelAnnouncement.js'
import {
  createChannelUpdate,
  isDisabled,
  nextGossipTimestamp,
  updateDirection,
} from '../../routing/gossip/channelUpdate.js'
import { createNodeAnnouncement } from '../../routing/gossip/nodeAnnouncement.js'
import { INIT_FEATURES } from '../transport/host.js'
import { GossipStore, type KeptGossip, type SignedGossip, type StoredGossip } from '../../routing/gossip/store.js'
import { restoreGossipStore, snapshotGossipStore } from '../../routing/gossip/storeSnapshot.js'
import { ChannelGraph } from '../../routing/graph.js'
import type { ChainAccess } from '../chain/chainAccess.js'
import type { KvLog } from '../store/durableStore.js'
import type { Logger } from '../logger.js'
import type { PeerLogLimiter } from '../peerLogLimiter.js'
import type { NodeLimits } from '../../api/node/limits.js'
import { shortChannelIdOf } from '../channels/channelViews.js'
import type { ForwardingPolicy } from '../../routing/forwardingPolicy.js'
import type { RouteHint } from '../../routing/routeHint.js'
import { PeerGossipRates } from './peerGossipRates.js'
import { PrivateChannelUpdates } from './privateChannelUpdates.js'
import { GossipOutbox, identityOf } from './gossipOutbox.js'
import { signedGossipTypeOf } from '../../wire/gossipDigest.js'
import { GossipSync } from './gossipSync.js'
import { GossipCounters, type GossipSendReason } from './gossipCounters.js'
import { VerifiedGossip } from './verifiedGossip.js'
import { SPENT_CHANNEL_FORGET_DEPTH, type GossipSettings } from './gossipSettings.js'
import { FEATURE_BITS, hasFeatureBit } from '../../wire/features.js'
import type { GossipQueryMessage } from '../../wire/messages.js'

/** BOLT #7: announcement_signatures only once the funding transaction has 6 confirmations. */
export const ANNOUNCEMENT_DEPTH = 6

interface AnnounceState {
  sentSignatures: boolean
  remote?: AnnouncementSignatures
  announced: boolean
  lastUpdateTimestamp?: number
}

export interface GossipComponents {
  log: Logger
  nodeSecret: Uint8Array
  /** signs our half of a channel's announcement with its funding key */
  signer: ChannelSigner
  nodeId: Uint8Array
  alias: string
  chainHash: Uint8Array
  chain: ChainAccess
  kv: KvLog<AnnounceState | unknown>
  /** where the graph is saved whole, replacing the last save (it can be relearned: no log of its versions) */
  graphFile: { read(): unknown; write(value: unknown): void }
  tip: { readonly height: number }
  /** where this node listens, for its node_announcement */
  transport: { listenAddresses(): string[] }
  peers: {
    connectedPeers(): string[]
    send(peer: string, message: Message): void
    /** a stored message, as the bytes it arrived in (they carry what its signature covers) */
    sendStored(peer: string, item: StoredGossip): void
    isConnected(peer: string): boolean
  }
  channels: {
    get(key: string): { peer: string; data: ChannelData } | undefined
    list(): Array<{ key: string; record: { peer: string; data: ChannelData } }>
  }
  policies: { of(channel: string): ForwardingPolicy }
  limits: Pick<NodeLimits, 'gossipBurst' | 'gossipPerSecond'>
  settings: GossipSettings
  /** limits the lines a peer's bad gossip writes to the log */
  peerLog: PeerLogLimiter
}

/** Where an older node kept the graph and its funding outpoints in the state log: read once, then dropped. */
const SNAPSHOT_KEY = 'store'
const OUTPOINTS_KEY = 'funding-outpoints'

/**
 * The graph file: the store's snapshot, and the funding outpoints of the stored channels by short channel id (their
 * spends are seen after a restart too).
 */
interface SavedGraph {
  store: unknown
  fundingOutpoints: unknown
}
/** The graph is saved this long after it first changed since the last save (it is also relearned from peers). */
const SNAPSHOT_DELAY_MS = 5000
/**
 * ... and no sooner than this many times as long as the last save took: saving stays under 1% of the node's time.
 * The snapshot is the whole graph (1.2 MB of hex at 500 nodes and 887 channels), made again each time: every 5 s on
 * each of 500 nodes while gossip flowed, that was a large share of a 2-core machine during bring-up.
 */
const SNAPSHOT_COST_MULTIPLE = 100

export class GossipService {
  readonly store: GossipStore
  /** funding outputs seen on chain, so announcements are checked without asking the chain */
  readonly fundingIndex: FundingIndex
  private graphCache: { version: number; graph: ChannelGraph } | undefined
  private lastNodeAnnouncement: number | undefined
  private snapshotTimer: NodeJS.Timeout | undefined
  /** how long the last snapshot took to make, in ms: the next waits a multiple of it */
  private lastSaveMs = 0
  /** what we relay, flushed once per broadcast interval */
  readonly outbox: GossipOutbox
  /** gossip queries with the peers that offer them */
  readonly sync: GossipSync
  /** messages already judged, by the hash of their bytes */
  readonly verified = new VerifiedGossip()
  /**
   * the latest channel_update we made for each of our channels, and its encoding with the type (for failure messages)
   */
  private readonly ourUpdates = new Map<string, { update: ChannelUpdate; encoded: Uint8Array }>()
  private readonly rates: PeerGossipRates
  private readonly privateUpdates: PrivateChannelUpdates
  readonly counters = new GossipCounters()
  private lastKey: { frame: Uint8Array; key: string } | undefined

  constructor(private readonly d: GossipComponents) {
    this.fundingIndex = new FundingIndex(d.chain)
    const options = {
      chainHash: d.chainHash,
      lookupFundingOutput: (scid: ShortChannelId) => this.fundingIndex.lookup(scid),
    }
    let saved: SavedGraph | undefined
    let store: GossipStore
    try {
      saved = this.savedGraph()
      store = saved ? restoreGossipStore(saved.store, options) : new GossipStore(options)
    } catch (err) {
      d.log.warn('gossip snapshot unreadable; starting with an empty graph', { error: (err as Error).message })
      saved = undefined
      store = new GossipStore(options)
    }
    this.store = store
    const outpoints = saved?.fundingOutpoints
    if (outpoints && typeof outpoints === 'object')
      for (const [scid, outpoint] of Object.entries(outpoints))
        if (/^[0-9]{1,20}$/.test(scid) && typeof outpoint === 'string' && /^[0-9a-f]{64}:[0-9]{1,5}$/.test(outpoint))
          this.fundingIndex.remember(BigInt(scid), outpoint)
    this.sync = new GossipSync({
      chainHash: d.chainHash,
      store,
      send: (peer, m) => d.peers.send(peer, m),
      sendStored: (peer, item, reason) => this.sendStored(peer, item, reason),
      closed: (scid) => this.fundingIndex.isSpent(scid),
      now: () => Date.now(),
      staleChannelMs: d.settings.staleChannelMs,
    })
    this.rates = new PeerGossipRates(d.log, d.limits)
    this.privateUpdates = new PrivateChannelUpdates({
      ...d,
      isAnnounced: (scid) => store.channel(scid) !== undefined,
    })
    this.outbox = new GossipOutbox(d.settings.broadcastIntervalMs, {
      peers: () => d.peers.connectedPeers(),
      wants: (peer, m, ours) => this.sync.wants(peer, m, ours),
      send: (peer, item) => this.sendStored(peer, item, 'relay'),
    })
  }

  /** The stored graph, rebuilt only when gossip changed it. */
  graph(): ChannelGraph {
    if (!this.graphCache || this.graphCache.version !== this.store.version)
      this.graphCache = { version: this.store.version, graph: ChannelGraph.fromStore(this.store) }
    return this.graphCache.graph
  }

  /** The bytes of our latest channel_update for a channel (for BOLT #4 failures), or empty. */
  channelUpdateBytes(channel: string): Uint8Array {
    return this.ourUpdates.get(channel)?.encoded ?? new Uint8Array(0)
  }

  private saveSoon(): void {
    if (this.snapshotTimer) return
    const delay = Math.max(SNAPSHOT_DELAY_MS, this.lastSaveMs * SNAPSHOT_COST_MULTIPLE)
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined
      const started = performance.now()
      this.save()
      this.lastSaveMs = performance.now() - started
    }, delay)
    this.snapshotTimer.unref()
  }

  stop(): void {
    this.rates.stop()
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer)
    this.snapshotTimer = undefined
    this.outbox.stop()
    this.sync.stop()
    this.save()
  }

  /** The graph as last saved: in its file, or, from an older node, in the state log. */
  private savedGraph(): SavedGraph | undefined {
    const file = this.d.graphFile.read()
    if (file !== undefined) {
      if (typeof file !== 'object' || file === null || !('store' in file))
        throw new Error('the graph file holds no gossip store')
      return file as SavedGraph
    }
    const store = this.d.kv.get(SNAPSHOT_KEY)
    return store === undefined ? undefined : { store, fundingOutpoints: this.d.kv.get(OUTPOINTS_KEY) }
  }

  private save(): void {
    const fundingOutpoints: Record<string, string> = {}
    for (const c of this.store.channels()) {
      const scid = c.announcement.message.shortChannelId
      const outpoint = this.fundingIndex.outpointOf(scid)
      if (outpoint !== undefined) fundingOutpoints[scid.toString()] = outpoint
    }
    try {
      this.d.graphFile.write({ store: snapshotGossipStore(this.store), fundingOutpoints } satisfies SavedGraph)
    } catch (err) {
      // the graph is relearned from peers: a full disk costs a restart its head start, nothing more
      this.d.log.warn('could not save the gossip graph', { error: (err as Error).message })
      return
    }
    if (this.d.kv.has(SNAPSHOT_KEY)) this.d.kv.delete(SNAPSHOT_KEY)
    if (this.d.kv.has(OUTPOINTS_KEY)) this.d.kv.delete(OUTPOINTS_KEY)
  }

  private relay(items: StoredGossip[], from?: string): void {
    for (const item of items) this.outbox.queue(item, from, this.isOurs(item.message))
  }

  /** A stored message to a peer, as the bytes it arrived in (what its signature covers), counted by why it went. */
  private sendStored(peer: string, item: StoredGossip, reason: GossipSendReason): void {
    this.counters.onSent(reason)
    this.d.peers.sendStored(peer, item)
  }

  /** Gossip this node made: BOLT #7 sends it to a peer whatever that peer's timestamp filter says. */
  private isOurs(m: KeptGossip): boolean {
    const me = this.d.nodeId
    switch (m.type) {
      case 'node_announcement':
        return bytesEqual(m.nodeId, me)
      case 'channel_announcement':
        return bytesEqual(m.nodeId1, me) || bytesEqual(m.nodeId2, me)
      case 'channel_update': {
        const a = this.store.channel(m.shortChannelId)?.announcement.message
        return a !== undefined && bytesEqual(updateDirection(m) === 0 ? a.nodeId1 : a.nodeId2, me)
      }
    }
  }

  /**
   * A new peer that offers gossip_queries is synced by queries (BOLT #7); one
   * that does not (or with queries off) gets the whole graph we know.
   */
  onPeerConnected(peer: string, features: Uint8Array = new Uint8Array(0)): void {
    const offersQueries =
      hasFeatureBit(features, FEATURE_BITS.gossip_queries[0]) || hasFeatureBit(features, FEATURE_BITS.gossip_queries[1])
    const offersExtended =
      hasFeatureBit(features, FEATURE_BITS.gossip_queries_ex[0]) ||
      hasFeatureBit(features, FEATURE_BITS.gossip_queries_ex[1])
    if (this.d.settings.queries && offersQueries) this.sync.start(peer, offersExtended)
    else for (const item of this.store.messagesForNewPeer()) this.sendStored(peer, item, 'whole_graph')
    // an announcement_signatures the peer may have missed (BOLT #7: retransmit until we have theirs)
    for (const { key, record } of this.d.channels.list()) if (record.peer === peer) this.maybeAnnounce(key)
  }

  onPeerDisconnected(peer: string): void {
    this.sync.disconnected(peer)
  }

  /** A gossip query message (BOLT #7); counted against the peer's gossip rate like the gossip it asks for. */
  onQuery(peer: string, message: GossipQueryMessage): void {
    if (!this.rates.admit(peer, Date.now())) return
    this.sync.onMessage(peer, message)
  }

  /** Whether these bytes are gossip judged before: the peer connection then hands them to onKnownGossip undecoded. */
  isKnown(frame: Uint8Array): boolean {
    return signedGossipTypeOf(frame) !== undefined && this.verified.has(this.keyOf(frame))
  }

  /**
   * A flood reaches us from several peers: gossip checked once already is counted against the peer's rate, and not
   * relayed back to it (whoever sent it has it).
   */
  onKnownGossip(peer: string, frame: Uint8Array): void {
    const type = signedGossipTypeOf(frame)!
    if (!this.rates.admit(peer, Date.now())) return this.counters.onReceived(type, 'over_rate')
    this.heardAgain(peer, type, identityOf(frame))
  }

  /** A message judged before came from this peer again: it is not relayed back to it. */
  private heardAgain(peer: string, type: SignedGossip['type'], identity: string): void {
    this.outbox.heardFrom(identity, peer)
    this.counters.onReceived(type, 'duplicate')
  }

  /** The verified-gossip key of a frame; the frame isKnown just hashed is not hashed again for onGossip. */
  private keyOf(frame: Uint8Array): string {
    if (this.lastKey?.frame !== frame) this.lastKey = { frame, key: VerifiedGossip.keyOf(frame) }
    return this.lastKey.key
  }

  async onGossip(peer: string, message: SignedGossip, frame: Uint8Array): Promise<void> {
    if (!this.rates.admit(peer, Date.now())) return this.counters.onReceived(message.type, 'over_rate')
    const hash = this.keyOf(frame)
    if (this.verified.has(hash)) {
      // judged while this one was decoded, or by a caller that does not ask isKnown first
      return this.heardAgain(peer, message.type, identityOf(frame))
    }
    if (message.type === 'channel_update' && this.privateUpdates.note(peer, message, frame)) return
    // the frame a connection decoded is its own copy, which the message's fields already view; a view of a larger
    // buffer (a chunk as it arrived) is copied, or the store would keep that whole buffer alive
    const whole = frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength
    const verdict = await this.store.accept(message, Date.now(), whole ? frame : frame.slice())
    this.counters.onReceived(message.type, verdict.status)
    if (verdict.status !== 'held') this.verified.add(hash)
    if (verdict.status === 'new') {
      if (message.type === 'channel_announcement') this.fundingIndex.release(message.shortChannelId)
      this.relay(verdict.relay, peer)
      this.saveSoon()
    } else if (verdict.status === 'known') {
      this.outbox.heardFrom(identityOf(frame), peer)
    } else if (verdict.status === 'invalid') {
      this.d.peerLog.line(this.d.log, 'info', peer, 'refused gossip', {
        type: message.type,
        code: verdict.error.code,
        error: verdict.error.message,
      })
      this.d.peers.send(peer, {
        type: 'warning',
        channelId: new Uint8Array(32),
        data: new TextEncoder().encode(`${verdict.error.code}: ${verdict.error.message}`),
      })
    }
  }

  onAnnouncementSignatures(peer: string, msg: AnnouncementSignatures): void {
    const key = toHex(msg.channelId)
    const r = this.d.channels.get(key)
    if (!r || r.peer !== peer) return
    const state = this.state(key)
    if (state.announced) return
    this.d.kv.set(`announce:${key}`, { ...state, remote: msg })
    this.maybeAnnounce(key)
  }

  private state(key: string): AnnounceState {
    return (
      (this.d.kv.get(`announce:${key}`) as AnnounceState | undefined) ?? { sentSignatures: false, announced: false }
    )
  }

  private context(key: string): ChannelAnnouncementContext | undefined {
    const r = this.d.channels.get(key)
    if (!r || r.data.state !== 'NORMAL') return undefined
    const c = commitmentsOf(r.data)!
    if ((c.channelFlags & 1) === 0) return undefined
    const scid = shortChannelIdOf(r.data)!
    return {
      chainHash: this.d.chainHash,
      shortChannelId: scid,
      nodeKey: this.d.nodeSecret,
      fundingKey: this.d.signer.channel(c.localParams.keysId).secrets.fundingPrivkey,
      remoteNodeId: fromHex(r.peer),
      remoteFundingPubkey: c.remoteParams.basepoints.fundingPubkey,
    }
  }

  /** Sends our announcement_signatures once deep enough; announces once we also have the peer's. */
  maybeAnnounce(key: string): void {
    const ctx = this.context(key)
    if (!ctx) return
    const depth = this.d.tip.height - scidParts(ctx.shortChannelId).blockHeight + 1
    if (depth < ANNOUNCEMENT_DEPTH) return
    const r = this.d.channels.get(key)!
    let state = this.state(key)
    if (state.announced) return
    if (this.d.peers.isConnected(r.peer)) {
      this.d.peers.send(r.peer, createAnnouncementSignatures(ctx, fromHex(key)))
      if (!state.sentSignatures) state = { ...state, sentSignatures: true }
    }
    if (state.remote) {
      try {
        const announcement = createChannelAnnouncement(ctx, state.remote)
        state = { ...state, announced: true }
        this.d.kv.set(`announce:${key}`, state)
        void this.store
          .accept(announcement, Date.now())
          .then((v) => {
            if (v.status === 'new') {
              this.fundingIndex.release(announcement.shortChannelId)
              this.relay(v.relay)
            }
            this.publishUpdate(key)
            // once per run: each new version floods the whole network, and nothing in it changed
            if (this.lastNodeAnnouncement === undefined) this.announceNode()
            this.saveSoon()
          })
          .catch((err: Error) => {
            // the chain could not be asked: announce again on a later block
            this.d.log.warn('could not check our own channel announcement yet', { channel: key, error: err.message })
            this.d.kv.set(`announce:${key}`, { ...state, announced: false })
          })
        return
      } catch (err) {
        this.d.log.warn('peer announcement_signatures do not fit', { channel: key, error: (err as Error).message })
        state = { ...state, remote: undefined }
      }
    }
    this.d.kv.set(`announce:${key}`, state)
  }

  /** Our channel_update for a channel, after any change of state or policy. */
  publishUpdate(key: string): void {
    const r = this.d.channels.get(key)
    if (!r) return
    const c = commitmentsOf(r.data)
    const scid = shortChannelIdOf(r.data)
    if (!c || scid === undefined) return
    const state = this.state(key)
    const policy = this.d.policies.of(key)
    // BOLT #7: htlc_maximum_msat is at most the capacity; a node-wide maximum may exceed a small channel's
    const capacityMsat = c.capacitySat * 1000n
    const htlcMaximumMsat =
      policy.htlcMaximumMsat !== undefined && policy.htlcMaximumMsat < capacityMsat
        ? policy.htlcMaximumMsat
        : capacityMsat
    const wanted = {
      shortChannelId: scid,
      cltvExpiryDelta: policy.cltvExpiryDelta,
      htlcMinimumMsat: policy.htlcMinimumMsat,
      htlcMaximumMsat,
      feeBaseMsat: Number(policy.feeBaseMsat),
      feeProportionalMillionths: Number(policy.feeProportionalMillionths),
      disabled: !(r.data.state === 'NORMAL' && this.d.peers.isConnected(r.peer)),
    }
    // Nothing changed since our last update (typically: the one the peer got while the channel was
    // still private, now announced): send that one again. A new one would flood the whole network
    // a second time, as the peer releases the first from waiting for the announcement and relays it too.
    // An update older than half the stale window is made anew even so (a keep-alive, as LND sends): peers forget a
    // channel whose updates went stale.
    const previous = this.ourUpdates.get(key)?.update
    const fresh =
      previous !== undefined && Date.now() / 1000 - previous.timestamp < this.d.settings.staleChannelMs / 2000
    let update: ChannelUpdate
    if (previous && fresh && sameUpdate(previous, wanted)) {
      update = previous
    } else {
      const timestamp = nextGossipTimestamp(state.lastUpdateTimestamp, Date.now())
      update = createChannelUpdate({
        ...wanted,
        nodeKey: this.d.nodeSecret,
        remoteNodeId: fromHex(r.peer),
        chainHash: this.d.chainHash,
        timestamp,
      })
      this.d.kv.set(`announce:${key}`, { ...state, lastUpdateTimestamp: timestamp })
      this.ourUpdates.set(key, { update, encoded: encodeMessage(update) })
    }
    if (state.announced) {
      const v = this.store.acceptChannelUpdate(update, Date.now())
      if (v.status === 'new') {
        this.relay(v.relay)
        this.saveSoon()
      }
    } else if (this.d.peers.isConnected(r.peer)) {
      // a private channel's update goes only to its peer, so it can tell payers how to reach us through it
      this.d.peers.send(r.peer, update)
    }
  }

  /** Our node_announcement, once we have an announced channel (BOLT #7), at most once a second. */
  announceNode(): void {
    const timestamp = nextGossipTimestamp(this.lastNodeAnnouncement, Date.now())
    this.lastNodeAnnouncement = timestamp
    const hasPublic = this.d.channels.list().some(({ key }) => this.state(key).announced)
    if (!hasPublic) return
    const m = createNodeAnnouncement({
      nodeKey: this.d.nodeSecret,
      alias: this.d.alias,
      color: '#3399ff',
      features: INIT_FEATURES,
      addresses: this.d.transport.listenAddresses().map((a) => a.replace(/\/p2p\/.*$/, '')),
      timestamp,
    })
    const v = this.store.acceptNodeAnnouncement(m, Date.now())
    if (v.status === 'new') {
      this.relay(v.relay)
      this.saveSoon()
    }
  }

  /**
   * Every block: channels that became deep enough get announced; waiting gossip
   * expires; channels whose funding was spent SPENT_CHANNEL_FORGET_DEPTH blocks
   * deep, or whose updates went stale, are forgotten.
   */
  onBlock(height: number): void {
    for (const { key } of this.d.channels.list()) this.maybeAnnounce(key)
    const now = Date.now()
    this.store.expirePending(now)
    let forgot = 0
    for (const scid of this.fundingIndex.takeSpentAtOrBelow(height - SPENT_CHANNEL_FORGET_DEPTH + 1))
      if (this.store.forgetChannel(scid)) forgot++
    for (const scid of this.store.staleChannels(now, this.d.settings.staleChannelMs)) {
      // our own channels stay: their updates are ours to renew
      const a = this.store.channel(scid)?.announcement.message
      if (a && this.isOurs(a)) continue
      if (this.store.forgetChannel(scid)) forgot++
    }
    if (forgot > 0) {
      this.d.log.info('forgot closed or stale channels', { channels: forgot, height })
      this.saveSoon()
    }
  }

  /** A channel went up, down or closed. */
  onChannelStateChanged(key: string, to: string): void {
    const r = this.d.channels.get(key)
    const scid = r ? shortChannelIdOf(r.data) : undefined
    if (to === 'CLOSING' || to === 'CLOSED') {
      if (scid !== undefined && this.store.forgetChannel(scid)) this.saveSoon()
      return
    }
    if (to === 'NORMAL' || to === 'OFFLINE') {
      this.publishUpdate(key)
      if (to === 'NORMAL') this.maybeAnnounce(key)
    }
  }

  /** The features a node announced (BOLT #7), or undefined when its node_announcement has not reached us. */
  featuresOf(nodeId: string): Uint8Array | undefined {
    return this.store.nodeAnnouncement(fromHex(nodeId))?.message.features
  }

  /** The route hints for an invoice of ours: our private channels, with their peers' policies. */
  routeHints(amountMsat: bigint | null): RouteHint[] {
    return this.privateUpdates.routeHints(amountMsat)
  }

  /** Where a node can be reached, from its node_announcement. */
  addressOf(nodeId: string): string | undefined {
    const a = this.store.nodeAnnouncement(fromHex(nodeId))
    const addr = a?.message.addresses[0]
    return addr ? `${nodeId}@${addr}` : undefined
  }
}

/** Whether an update of ours already says what a new one would (all but its timestamp and signature). */
function sameUpdate(
  u: ChannelUpdate,
  wanted: {
    shortChannelId: ShortChannelId
    cltvExpiryDelta: number
    htlcMinimumMsat: bigint
    htlcMaximumMsat: bigint
    feeBaseMsat: number
    feeProportionalMillionths: number
    disabled: boolean
  },
): boolean {
  return (
    u.shortChannelId === wanted.shortChannelId &&
    u.cltvExpiryDelta === wanted.cltvExpiryDelta &&
    u.htlcMinimumMsat === wanted.htlcMinimumMsat &&
    u.htlcMaximumMsat === wanted.htlcMaximumMsat &&
    u.feeBaseMsat === wanted.feeBaseMsat &&
    u.feeProportionalMillionths === wanted.feeProportionalMillionths &&
    isDisabled(u) === wanted.disabled
  )
}
