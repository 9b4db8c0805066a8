/**
 * What a node knows of the public network: every valid channel_announcement,
 * the newest channel_update of each direction, the newest node_announcement of
 * each node, kept with the bytes they arrived in so that relaying them keeps
 * the signatures valid. The store decides what is new and should be relayed
 * (once), what is a duplicate or stale (dropped), and what must wait for the
 * channel it refers to. No timers: the caller passes the time.
 * https://github.com/lightning/bolts/blob/master/07-routing-gossip.md
 */
import type { Sat } from '../../core/amount.js'
import { bytesEqual, toHex } from '../../core/bytes.js'
import { formatScid, type ShortChannelId } from '../../core/shortChannelId.js'
import { decodeMessage, encodeMessage } from '../../wire/codec.js'
import type { ChannelAnnouncement, ChannelUpdate, NodeAnnouncement } from '../../wire/messages.js'
import { GossipError } from '../errors.js'
import { verifyChannelAnnouncement, type FundingOutputLookup } from './channelAnnouncement.js'
import { updateDirection, verifyChannelUpdate } from './channelUpdate.js'
import { verifyNodeAnnouncement } from './nodeAnnouncement.js'

export type SignedGossip = ChannelAnnouncement | NodeAnnouncement | ChannelUpdate

/**
 * The fields of a stored message that the node reads again. Signatures, funding keys and the chain hash were checked
 * once and stay only in its bytes: at 500 nodes their decoded views were nearly half a node's store (1.2 of 2.6 MB).
 */
export type KeptGossip<M extends SignedGossip = SignedGossip> = M extends ChannelAnnouncement
  ? Pick<ChannelAnnouncement, 'type' | 'shortChannelId' | 'nodeId1' | 'nodeId2'>
  : M extends ChannelUpdate
    ? Omit<ChannelUpdate, 'signature' | 'chainHash'>
    : Omit<NodeAnnouncement, 'signature'>

/** A message as the store keeps it: the bytes it was received (or created) as, and the fields read again. */
export interface StoredGossip<M extends SignedGossip = SignedGossip> {
  message: KeptGossip<M>
  encoded: Uint8Array
}

/** A message still to be checked (held for its channel), whole. */
interface ReceivedGossip<M extends SignedGossip> {
  message: M
  encoded: Uint8Array
}

/** What the store keeps of a checked message; `encoded` must be its bytes and stay unchanged. */
export function keptGossip<M extends SignedGossip>(message: M, encoded: Uint8Array): StoredGossip<M> {
  switch (message.type) {
    case 'channel_announcement': {
      const { type, shortChannelId, nodeId1, nodeId2 } = message
      return { message: { type, shortChannelId, nodeId1, nodeId2 } as KeptGossip<M>, encoded }
    }
    case 'channel_update': {
      const { signature: _signature, chainHash: _chainHash, ...kept } = message
      return { message: kept as unknown as KeptGossip<M>, encoded }
    }
    case 'node_announcement': {
      const { signature: _signature, ...kept } = message
      return { message: kept as unknown as KeptGossip<M>, encoded }
    }
  }
  throw new Error('not a signed gossip message')
}

/** A stored message whole, decoded again from its bytes (for what reads its signatures, or rewrites it). */
export function decodeStored<M extends SignedGossip>(item: StoredGossip<M>): M {
  const decoded = decodeMessage(item.encoded, { owned: true })
  if (decoded.kind !== 'message' || decoded.message.type !== item.message.type)
    throw new Error(`a stored ${item.message.type} no longer decodes as one`)
  return decoded.message as M
}

export interface StoredChannel {
  announcement: StoredGossip<ChannelAnnouncement>
  capacitySat: Sat
  /** indexed by direction: [from node_id_1, from node_id_2] */
  updates: [StoredGossip<ChannelUpdate> | undefined, StoredGossip<ChannelUpdate> | undefined]
}

export type GossipVerdict =
  /** accepted: relay these to every peer but the sender (the message, then any it released from waiting) */
  | { status: 'new'; relay: StoredGossip[] }
  /** a duplicate, or not newer than what the store has: drop it */
  | { status: 'known' }
  /** its channel (or, for a node_announcement, any channel of its node) is not known yet: kept for a while */
  | { status: 'held' }
  /** refused: tell the peer with a warning naming `error.code` */
  | { status: 'invalid'; error: GossipError }

export interface GossipStoreOptions {
  chainHash: Uint8Array
  lookupFundingOutput: FundingOutputLookup
  /** how long an update or node_announcement waits for its channel_announcement. @default 60_000 */
  pendingTtlMs?: number
  /**
   * how many messages may wait at once; the oldest goes first. A big network's opening wave announces hundreds of
   * channels at once, and both updates of each may arrive before the announcement is checked. @default 10_000
   */
  maxPending?: number
}

const KNOWN: GossipVerdict = { status: 'known' }
const HELD: GossipVerdict = { status: 'held' }

interface Pending {
  item: ReceivedGossip<ChannelUpdate | NodeAnnouncement>
  expiresAt: number
  /** an update's channel: it does not expire while that channel's announcement is being checked */
  channel?: ShortChannelId
}

export class GossipStore {
  private readonly chainHash: Uint8Array
  private readonly lookup: FundingOutputLookup
  private readonly pendingTtlMs: number
  private readonly maxPending: number
  private readonly channelsById = new Map<ShortChannelId, StoredChannel>()
  private readonly nodes = new Map<string, StoredGossip<NodeAnnouncement>>()
  /** how many known channels each node has: a node with none is unknown (BOLT #7) */
  private readonly channelCounts = new Map<string, number>()
  private readonly verifying = new Map<ShortChannelId, Promise<GossipVerdict>>()
  /** insertion order is expiry order, so expiring reads from the front */
  private readonly pending = new Map<string, Pending>()
  private changes = 0

  constructor(options: GossipStoreOptions) {
    this.chainHash = options.chainHash
    this.lookup = options.lookupFundingOutput
    this.pendingTtlMs = options.pendingTtlMs ?? 60_000
    this.maxPending = options.maxPending ?? 10_000
  }

  /** Grows with every change to the stored graph: a graph built at one version is current until it moves. */
  get version(): number {
    return this.changes
  }

  accept(message: SignedGossip, nowMs: number, encoded?: Uint8Array): Promise<GossipVerdict> {
    switch (message.type) {
      case 'channel_announcement':
        return this.acceptChannelAnnouncement(message, nowMs, encoded)
      case 'channel_update':
        return Promise.resolve(this.acceptChannelUpdate(message, nowMs, encoded))
      case 'node_announcement':
        return Promise.resolve(this.acceptNodeAnnouncement(message, nowMs, encoded))
    }
  }

  /**
   * Verifies (signatures, then the funding output through the lookup) and
   * stores. A lookup that throws (the chain is unreachable) rejects the promise:
   * the message was neither accepted nor refused.
   */
  async acceptChannelAnnouncement(
    m: ChannelAnnouncement,
    nowMs: number,
    encoded: Uint8Array = encodeMessage(m),
  ): Promise<GossipVerdict> {
    const scid = m.shortChannelId
    const known = this.channelsById.get(scid)
    if (known) return this.sameChannel(known.announcement.message, m)
    const inFlight = this.verifying.get(scid)
    if (inFlight) {
      // the same announcement from two peers at once: one verification, then the second is a duplicate
      await inFlight.catch(() => undefined)
      return this.acceptChannelAnnouncement(m, nowMs, encoded)
    }
    const verdict = this.verifyAndAddChannel(m, nowMs, encoded)
    this.verifying.set(scid, verdict)
    try {
      return await verdict
    } finally {
      this.verifying.delete(scid)
    }
  }

  acceptChannelUpdate(m: ChannelUpdate, nowMs: number, encoded: Uint8Array = encodeMessage(m)): GossipVerdict {
    this.expirePending(nowMs)
    const channel = this.channelsById.get(m.shortChannelId)
    if (!channel)
      return this.hold(`u:${m.shortChannelId}:${updateDirection(m)}`, { message: m, encoded }, nowMs, m.shortChannelId)
    const existing = channel.updates[updateDirection(m)]
    if (existing && m.timestamp <= existing.message.timestamp) return KNOWN
    const a = channel.announcement.message
    try {
      verifyChannelUpdate(
        m,
        { nodeId1: a.nodeId1, nodeId2: a.nodeId2, capacitySat: channel.capacitySat },
        this.chainHash,
        nowMs,
        encoded,
      )
    } catch (err) {
      return invalid(err)
    }
    const item = keptGossip(m, encoded)
    channel.updates[updateDirection(m)] = item
    this.changes++
    return { status: 'new', relay: [item] }
  }

  acceptNodeAnnouncement(m: NodeAnnouncement, nowMs: number, encoded: Uint8Array = encodeMessage(m)): GossipVerdict {
    this.expirePending(nowMs)
    const nodeId = toHex(m.nodeId)
    // BOLT #7: ignore a node_announcement before a channel_announcement names the node
    if (!this.channelCounts.has(nodeId)) return this.hold(`n:${nodeId}`, { message: m, encoded }, nowMs)
    const existing = this.nodes.get(nodeId)
    if (existing && m.timestamp <= existing.message.timestamp) return KNOWN
    try {
      verifyNodeAnnouncement(m, nowMs, encoded)
    } catch (err) {
      return invalid(err)
    }
    const item = keptGossip(m, encoded)
    this.nodes.set(nodeId, item)
    this.changes++
    return { status: 'new', relay: [item] }
  }

  /** Drops a channel whose funding output was spent (BOLT #7), and the announcement of a node left without channels. */
  forgetChannel(scid: ShortChannelId): boolean {
    const channel = this.channelsById.get(scid)
    if (!channel) return false
    this.channelsById.delete(scid)
    for (const id of [channel.announcement.message.nodeId1, channel.announcement.message.nodeId2]) {
      const nodeId = toHex(id)
      const left = (this.channelCounts.get(nodeId) ?? 1) - 1
      if (left > 0) {
        this.channelCounts.set(nodeId, left)
      } else {
        this.channelCounts.delete(nodeId)
        this.nodes.delete(nodeId)
      }
    }
    this.changes++
    return true
  }

  /**
   * The channels whose older direction's newest channel_update is older than
   * `windowMs` (BOLT #7 "Recommendation on Pruning Stale Entries": the oldest is
   * used, so a channel one end stopped updating ages too). A channel with no
   * update yet is left alone: its updates may still be on their way.
   */
  staleChannels(nowMs: number, windowMs: number): ShortChannelId[] {
    const cutoffSeconds = (nowMs - windowMs) / 1000
    const stale: ShortChannelId[] = []
    for (const [scid, c] of this.channelsById) {
      const times = c.updates.flatMap((u) => (u ? [u.message.timestamp] : []))
      if (times.length > 0 && Math.min(...times) < cutoffSeconds) stale.push(scid)
    }
    return stale
  }

  /** The short channel ids of the known channels whose funding is in blocks [first, first + count), ascending. */
  shortChannelIdsInBlocks(firstBlock: number, numberOfBlocks: number): ShortChannelId[] {
    const end = firstBlock + numberOfBlocks
    const ids: ShortChannelId[] = []
    for (const scid of this.channelsById.keys()) {
      const block = Number(scid >> 40n)
      if (block >= firstBlock && block < end) ids.push(scid)
    }
    return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /**
   * Forgets held messages whose channel never came. An update whose announcement is still being checked stays: the
   * funding lookup can take minutes on a loaded machine, and nothing would send the update again (at 300 nodes, a
   * sixth of the nodes lost some channel's update this way and never learnt its policy).
   */
  expirePending(nowMs: number): void {
    for (const [key, entry] of this.pending) {
      if (entry.expiresAt > nowMs) break
      if (entry.channel !== undefined && this.verifying.has(entry.channel)) continue
      this.pending.delete(key)
    }
  }

  /**
   * Everything to send a peer that just connected (lnsim peers ask for the
   * whole graph, as initial_routing_sync did), in BOLT #7 order: each channel
   * announcement before its updates, node announcements after the channels.
   */
  messagesForNewPeer(): StoredGossip[] {
    const out: StoredGossip[] = []
    for (const c of this.channelsById.values()) {
      out.push(c.announcement)
      for (const u of c.updates) if (u) out.push(u)
    }
    out.push(...this.nodes.values())
    return out
  }

  channels(): IterableIterator<StoredChannel> {
    return this.channelsById.values()
  }

  channel(scid: ShortChannelId): StoredChannel | undefined {
    return this.channelsById.get(scid)
  }

  nodeAnnouncements(): IterableIterator<StoredGossip<NodeAnnouncement>> {
    return this.nodes.values()
  }

  nodeAnnouncement(nodeId: Uint8Array): StoredGossip<NodeAnnouncement> | undefined {
    return this.nodes.get(toHex(nodeId))
  }

  get pendingCount(): number {
    return this.pending.size
  }

  /** Adds a channel without checks, into a fresh store: for restoring what this store verified before. */
  restoreChannel(channel: StoredChannel): void {
    this.addChannel(channel)
  }

  /**
   * Adds a node announcement without checks, for restoring what this store verified before; false if the node has no
   * channel.
   */
  restoreNodeAnnouncement(item: StoredGossip<NodeAnnouncement>): boolean {
    const nodeId = toHex(item.message.nodeId)
    if (!this.channelCounts.has(nodeId)) return false
    this.nodes.set(nodeId, item)
    this.changes++
    return true
  }

  private sameChannel(known: KeptGossip<ChannelAnnouncement>, m: ChannelAnnouncement): GossipVerdict {
    if (bytesEqual(known.nodeId1, m.nodeId1) && bytesEqual(known.nodeId2, m.nodeId2)) return KNOWN
    return invalid(
      new GossipError(
        'CHANNEL_ANNOUNCEMENT_CONFLICT',
        `channel ${formatScid(m.shortChannelId)} is already announced between other nodes`,
        { shortChannelId: formatScid(m.shortChannelId) },
      ),
    )
  }

  private async verifyAndAddChannel(
    m: ChannelAnnouncement,
    nowMs: number,
    encoded: Uint8Array,
  ): Promise<GossipVerdict> {
    let capacitySat: Sat
    try {
      capacitySat = (await verifyChannelAnnouncement(m, this.chainHash, this.lookup, encoded)).capacitySat
    } catch (err) {
      if (err instanceof GossipError) return invalid(err)
      throw err
    }
    const item = keptGossip(m, encoded)
    this.addChannel({ announcement: item, capacitySat, updates: [undefined, undefined] })
    return { status: 'new', relay: [item, ...this.release(m, nowMs)] }
  }

  private addChannel(channel: StoredChannel): void {
    const a = channel.announcement.message
    this.channelsById.set(a.shortChannelId, channel)
    for (const id of [a.nodeId1, a.nodeId2]) {
      const nodeId = toHex(id)
      this.channelCounts.set(nodeId, (this.channelCounts.get(nodeId) ?? 0) + 1)
    }
    this.changes++
  }

  /** The held updates of a channel just announced, and the held announcements of its nodes. */
  private release(a: ChannelAnnouncement, nowMs: number): StoredGossip[] {
    const relay: StoredGossip[] = []
    const keys = [
      `u:${a.shortChannelId}:0`,
      `u:${a.shortChannelId}:1`,
      `n:${toHex(a.nodeId1)}`,
      `n:${toHex(a.nodeId2)}`,
    ]
    for (const key of keys) {
      const entry = this.pending.get(key)
      if (!entry) continue
      this.pending.delete(key)
      const { message, encoded } = entry.item
      const verdict =
        message.type === 'channel_update'
          ? this.acceptChannelUpdate(message, nowMs, encoded)
          : this.acceptNodeAnnouncement(message, nowMs, encoded)
      if (verdict.status === 'new') relay.push(...verdict.relay)
    }
    return relay
  }

  /** Keeps the newest message per channel direction or node; unverified until its channel arrives. */
  private hold(
    key: string,
    item: ReceivedGossip<ChannelUpdate | NodeAnnouncement>,
    nowMs: number,
    channel?: ShortChannelId,
  ): GossipVerdict {
    const held = this.pending.get(key)
    if (held && item.message.timestamp <= held.item.message.timestamp) return HELD
    this.pending.delete(key)
    if (this.pending.size >= this.maxPending) this.pending.delete(this.pending.keys().next().value!)
    this.pending.set(key, { item, expiresAt: nowMs + this.pendingTtlMs, ...(channel === undefined ? {} : { channel }) })
    return HELD
  }
}

function invalid(err: unknown): GossipVerdict {
  if (err instanceof GossipError) return { status: 'invalid', error: err }
  throw err
}
