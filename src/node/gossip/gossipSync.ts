/**
 * BOLT #7 gossip queries, both sides. A peer that offers gossip_queries
 * (feature bits 6/7) is not sent the whole graph on connection: we tell it
 * which gossip we want from now on (gossip_timestamp_filter), ask which
 * channels it knows (query_channel_range over every block), and ask for the
 * ones we lack (query_short_channel_ids, a chunk at a time, the next after
 * reply_short_channel_ids_end). What it asks of us is answered from the store.
 *
 * Range queries go to one peer at a time, as LND's historical sync does: a
 * node that connects to several peers at once would otherwise download the
 * whole graph from each of them, since none of it is known when their replies
 * come. The next peer's query, sent once the last is answered, asks only for
 * what is still missing. Every RESYNC_INTERVAL_MS one peer is asked again, so
 * gossip that slipped past every filter (older than it, and late) is not lost.
 * (LND re-syncs every 20 minutes; simulated networks live minutes.)
 * With a peer that also offers gossip_queries_ex (bits 10/11), the range query
 * asks for each channel's update timestamps and checksums, and only what is
 * newer and different is asked for, message by message (updateVersions.ts);
 * we answer such queries in kind. Only encoding type 0 (uncompressed) is used.
 * https://github.com/lightning/bolts/blob/master/07-routing-gossip.md#query-messages
 */
import { bytesEqual, toHex } from '../../core/bytes.js'
import type { ShortChannelId } from '../../core/shortChannelId.js'
import type { GossipStore, KeptGossip, StoredGossip } from '../../routing/gossip/store.js'
import type {
  GossipQueryMessage,
  GossipTimestampFilter,
  Message,
  QueryChannelRange,
  QueryShortChannelIds,
  ReplyChannelRange,
} from '../../wire/messages.js'
import type { GossipSendReason } from './gossipCounters.js'
import { QUERY_FLAG, QUERY_OPTION_CHECKSUMS, QUERY_OPTION_TIMESTAMPS } from '../../wire/gossipQueryTlvs.js'
import { checksumsOf, flagsToAsk, timestampsOf, type PeerVersions } from './updateVersions.js'

/**
 * Ids per query_short_channel_ids and per reply_channel_range. A message holds
 * at most 8,191 (65,535 bytes); 1,000 keep each reply's burst of announcements
 * (three to five messages an id) within a peer's gossip rate, and a 500-node
 * graph of 1,500 channels in two exchanges.
 */
export const SHORT_IDS_PER_MESSAGE = 1000

/**
 * The filter we send asks for gossip this much older than the moment we
 * connect: what was made just before, still on its way to the peer when it
 * answered our range query, is not missed. The peer sends all of it at once,
 * mostly copies of what the range query brings: in a network coming up, where
 * nearly all gossip is recent, a minute's lookback had every new connection
 * send the whole graph again (a quarter of a 150-node network's gossip). What a
 * short lookback misses, the next range query or re-sync brings.
 */
export const TIMESTAMP_FILTER_LOOKBACK_S = 10

/** A peer's range query that takes longer than this no longer holds up the next peer's (it may never answer). */
export const RANGE_SYNC_PATIENCE_MS = 60_000

/** How often one peer, in turn, is asked again which channels it knows. */
export const RESYNC_INTERVAL_MS = 60_000

const ALL_BLOCKS = 0xffff_ffff

interface PeerSync {
  /** the peer offers gossip_queries_ex: its range replies carry timestamps and checksums, our queries flags */
  extended: boolean
  /** the peer's gossip_timestamp_filter: relay what is in [first, end) */
  filter?: { first: number; end: number }
  /** channels the peer has that we may lack, found by the range query, with what it said it holds of them */
  wanted: Array<{ id: ShortChannelId; theirs?: PeerVersions }>
  rangeDone: boolean
  /** a query_short_channel_ids of ours waits for its reply_short_channel_ids_end */
  querying: boolean
}

export interface GossipSyncComponents {
  chainHash: Uint8Array
  store: GossipStore
  /** our queries and their replies' ends */
  send(peer: string, message: Message): void
  /** a stored message, as the bytes it arrived in; `reason` for the node's counters */
  sendStored(peer: string, item: StoredGossip, reason: GossipSendReason): void
  /** whether a channel's funding was seen spent: not worth asking for */
  closed(scid: ShortChannelId): boolean
  now(): number
  /** how old a channel's newest update may be before it is forgotten (updateVersions.ts asks by it) */
  staleChannelMs: number
}

export class GossipSync {
  private readonly peers = new Map<string, PeerSync>()
  /** the peer whose range query is under way, and those waiting for theirs, in order */
  private ranging: { peer: string; patience: NodeJS.Timeout } | undefined
  private readonly rangeQueue: string[] = []
  private resyncTimer: NodeJS.Timeout | undefined
  private resyncTurn = 0

  constructor(private readonly d: GossipSyncComponents) {}

  /**
   * A peer that offers gossip_queries connected (`extended`: and gossip_queries_ex): set its filter, and ask it which
   * channels it knows in turn.
   */
  start(peer: string, extended = false): void {
    this.peers.set(peer, { extended, wanted: [], rangeDone: false, querying: false })
    const nowS = Math.floor(this.d.now() / 1000)
    this.d.send(peer, {
      type: 'gossip_timestamp_filter',
      chainHash: this.d.chainHash,
      firstTimestamp: Math.max(0, nowS - TIMESTAMP_FILTER_LOOKBACK_S),
      timestampRange: ALL_BLOCKS,
    })
    this.queueRangeQuery(peer)
    this.resyncTimer ??= this.armResync()
  }

  disconnected(peer: string): void {
    this.peers.delete(peer)
    const waiting = this.rangeQueue.indexOf(peer)
    if (waiting >= 0) this.rangeQueue.splice(waiting, 1)
    this.rangeQueryDone(peer)
  }

  stop(): void {
    if (this.ranging) clearTimeout(this.ranging.patience)
    this.ranging = undefined
    if (this.resyncTimer) clearTimeout(this.resyncTimer)
    this.resyncTimer = undefined
  }

  private queueRangeQuery(peer: string): void {
    if (this.ranging?.peer !== peer && !this.rangeQueue.includes(peer)) this.rangeQueue.push(peer)
    this.nextRangeQuery()
  }

  private nextRangeQuery(): void {
    while (!this.ranging) {
      const peer = this.rangeQueue.shift()
      if (peer === undefined) return
      const p = this.peers.get(peer)
      if (!p) continue
      p.rangeDone = false
      p.wanted = []
      const patience = setTimeout(() => this.rangeQueryDone(peer), RANGE_SYNC_PATIENCE_MS)
      patience.unref()
      this.ranging = { peer, patience }
      this.d.send(peer, {
        type: 'query_channel_range',
        chainHash: this.d.chainHash,
        firstBlocknum: 0,
        numberOfBlocks: ALL_BLOCKS,
        ...(p.extended ? { queryOption: QUERY_OPTION_TIMESTAMPS | QUERY_OPTION_CHECKSUMS } : {}),
      })
    }
  }

  /** The peer answered all we asked (or left, or took too long): the next peer's range query may go. */
  private rangeQueryDone(peer: string): void {
    if (this.ranging?.peer !== peer) return
    clearTimeout(this.ranging.patience)
    this.ranging = undefined
    this.nextRangeQuery()
  }

  private armResync(): NodeJS.Timeout {
    const t = setTimeout(() => {
      const peers = [...this.peers.keys()]
      this.resyncTimer = peers.length > 0 ? this.armResync() : undefined
      if (peers.length > 0) this.queueRangeQuery(peers[this.resyncTurn++ % peers.length]!)
    }, RESYNC_INTERVAL_MS)
    t.unref()
    return t
  }

  /** BOLT #7: gossip a node did not make goes to a querying peer only once it sent a filter, and only within it. */
  wants(peer: string, message: KeptGossip, ours: boolean): boolean {
    const p = this.peers.get(peer)
    if (!p) return true
    if (ours) return true
    if (!p.filter) return false
    const t = this.timestampOf(message)
    return t === undefined || (t >= p.filter.first && t < p.filter.end)
  }

  onMessage(peer: string, m: GossipQueryMessage): void {
    if (!bytesEqual(m.chainHash, this.d.chainHash)) {
      // BOLT #7: a query for another chain is answered as one we know nothing of
      if (m.type === 'query_short_channel_ids')
        this.d.send(peer, { type: 'reply_short_channel_ids_end', chainHash: m.chainHash, fullInformation: 0 })
      return
    }
    switch (m.type) {
      case 'gossip_timestamp_filter':
        return this.onFilter(peer, m)
      case 'query_channel_range':
        return this.onQueryChannelRange(peer, m)
      case 'reply_channel_range':
        return this.onReplyChannelRange(peer, m)
      case 'query_short_channel_ids':
        return this.onQueryShortChannelIds(peer, m)
      case 'reply_short_channel_ids_end': {
        const p = this.peers.get(peer)
        if (!p) return
        p.querying = false
        this.askNext(peer, p)
        return
      }
    }
  }

  /** The filter replaces any before it; what we hold within it is sent now. */
  private onFilter(peer: string, m: GossipTimestampFilter): void {
    const p = this.peers.get(peer) ?? { extended: false, wanted: [], rangeDone: true, querying: false }
    this.peers.set(peer, p)
    p.filter = { first: m.firstTimestamp, end: m.firstTimestamp + m.timestampRange }
    const { first, end } = p.filter
    const within = (t: number) => t >= first && t < end
    const nodes = new Set<string>()
    for (const c of this.d.store.channels()) {
      const updates = c.updates.filter((u): u is NonNullable<typeof u> => u !== undefined)
      // BOLT #7: an announcement goes only with an update in range, as its timestamp, and before it
      if (!updates.some((u) => within(u.message.timestamp))) continue
      this.sendStored(peer, c.announcement, 'filter')
      for (const u of updates) if (within(u.message.timestamp)) this.sendStored(peer, u, 'filter')
      nodes.add(toHex(c.announcement.message.nodeId1)).add(toHex(c.announcement.message.nodeId2))
    }
    for (const n of this.d.store.nodeAnnouncements())
      if (within(n.message.timestamp) && nodes.has(toHex(n.message.nodeId))) this.sendStored(peer, n, 'filter')
  }

  private onQueryChannelRange(peer: string, m: QueryChannelRange): void {
    const end = Math.min(m.firstBlocknum + m.numberOfBlocks, ALL_BLOCKS + 1)
    const ids = this.d.store.shortChannelIdsInBlocks(m.firstBlocknum, end - m.firstBlocknum)
    // each reply covers the blocks from where the last ended to its last id's block (the last: to the query's end);
    // a block's ids may be split across replies, which BOLT #7 allows
    let from = m.firstBlocknum
    for (let at = 0; ; at += SHORT_IDS_PER_MESSAGE) {
      const chunk = ids.slice(at, at + SHORT_IDS_PER_MESSAGE)
      const last = at + SHORT_IDS_PER_MESSAGE >= ids.length
      const to = last ? end : Number(chunk[chunk.length - 1]! >> 40n) + 1
      const channels = chunk.map((id) => this.d.store.channel(id))
      const option = m.queryOption ?? 0n
      this.d.send(peer, {
        type: 'reply_channel_range',
        chainHash: this.d.chainHash,
        firstBlocknum: from,
        numberOfBlocks: Math.max(1, to - from),
        syncComplete: last ? 1 : 0,
        shortChannelIds: chunk,
        ...(option & QUERY_OPTION_TIMESTAMPS ? { timestamps: channels.map(timestampsOf) } : {}),
        ...(option & QUERY_OPTION_CHECKSUMS ? { checksums: channels.map(checksumsOf) } : {}),
      })
      if (last) return
      from = Math.max(from, to - 1)
    }
  }

  private onReplyChannelRange(peer: string, m: ReplyChannelRange): void {
    const p = this.peers.get(peer)
    if (!p || p.rangeDone) return
    // a record that does not hold one entry per id is ignored (BOLT #7 lets us warn or disconnect instead)
    const whole = <T>(list: T[] | undefined) => (list?.length === m.shortChannelIds.length ? list : undefined)
    const timestamps = whole(m.timestamps)
    const checksums = whole(m.checksums)
    m.shortChannelIds.forEach((id, i) => {
      if (this.d.closed(id)) return
      const theirs = timestamps && { timestamps: timestamps[i]!, ...(checksums ? { checksums: checksums[i]! } : {}) }
      p.wanted.push(theirs ? { id, theirs } : { id })
    })
    // BOLT #7: the replies are done once one reaches the end of what was asked (every block)
    if (m.firstBlocknum + m.numberOfBlocks < ALL_BLOCKS) return
    p.rangeDone = true
    this.askNext(peer, p)
  }

  /** The next chunk of what we still lack, judged now: gossip that came meanwhile is not asked for again. */
  private askNext(peer: string, p: PeerSync): void {
    if (p.querying || !p.rangeDone) return
    const asks: Array<{ id: ShortChannelId; flags: bigint }> = []
    let taken = 0
    for (; taken < p.wanted.length && asks.length < SHORT_IDS_PER_MESSAGE; taken++) {
      const { id, theirs } = p.wanted[taken]!
      const flags = flagsToAsk(this.d.store.channel(id), theirs, this.d.now(), this.d.staleChannelMs)
      if (flags !== 0n) asks.push({ id, flags })
    }
    p.wanted.splice(0, taken)
    if (asks.length === 0) return this.rangeQueryDone(peer)
    p.querying = true
    asks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    this.d.send(peer, {
      type: 'query_short_channel_ids',
      chainHash: this.d.chainHash,
      shortChannelIds: asks.map((a) => a.id),
      ...(p.extended ? { queryFlags: asks.map((a) => a.flags) } : {}),
    })
  }

  /**
   * Each known channel's announcement and newest updates (with query_flags: those it names), then its nodes'
   * announcements once each, then the end. Flags that are not one per id answer nothing, as for an unknown chain.
   */
  private onQueryShortChannelIds(peer: string, m: QueryShortChannelIds): void {
    const flags = m.queryFlags
    if (flags && flags.length !== m.shortChannelIds.length) {
      this.d.send(peer, { type: 'reply_short_channel_ids_end', chainHash: m.chainHash, fullInformation: 0 })
      return
    }
    const nodes = new Map<string, StoredGossip>()
    m.shortChannelIds.forEach((id, i) => {
      const c = this.d.store.channel(id)
      if (!c) return
      const wants = (flag: bigint) => flags === undefined || (flags[i]! & flag) !== 0n
      if (wants(QUERY_FLAG.announcement)) this.sendStored(peer, c.announcement, 'query_reply')
      const [u1, u2] = c.updates
      if (u1 && wants(QUERY_FLAG.update1)) this.sendStored(peer, u1, 'query_reply')
      if (u2 && wants(QUERY_FLAG.update2)) this.sendStored(peer, u2, 'query_reply')
      const { nodeId1, nodeId2 } = c.announcement.message
      for (const [nodeId, flag] of [
        [nodeId1, QUERY_FLAG.nodeAnnouncement1],
        [nodeId2, QUERY_FLAG.nodeAnnouncement2],
      ] as const) {
        const n = wants(flag) ? this.d.store.nodeAnnouncement(nodeId) : undefined
        if (n) nodes.set(toHex(nodeId), n)
      }
    })
    for (const n of nodes.values()) this.sendStored(peer, n, 'query_reply')
    this.d.send(peer, { type: 'reply_short_channel_ids_end', chainHash: this.d.chainHash, fullInformation: 1 })
  }

  private sendStored(peer: string, item: StoredGossip, reason: GossipSendReason): void {
    this.d.sendStored(peer, item, reason)
  }

  /** A message's timestamp for the filter; a channel_announcement's is that of its newest update, if any. */
  private timestampOf(m: KeptGossip): number | undefined {
    if (m.type !== 'channel_announcement') return m.timestamp
    const c = this.d.store.channel(m.shortChannelId)
    const times = (c?.updates ?? []).flatMap((u) => (u ? [u.message.timestamp] : []))
    return times.length > 0 ? Math.max(...times) : undefined
  }
}
