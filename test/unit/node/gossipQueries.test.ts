/**
 * Two gossip services syncing by BOLT #7 gossip queries over an in-memory
 * wire (every message encoded and decoded on the way): a new peer that offers
 * gossip_queries learns the graph by asking for it, gets no dump, and relayed
 * gossip reaches it only within its gossip_timestamp_filter.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import type { ChannelUpdate, Message } from '../../../src/wire/messages.js'
import { QUERY_FLAG, QUERY_OPTION_CHECKSUMS, QUERY_OPTION_TIMESTAMPS } from '../../../src/wire/gossipQueryTlvs.js'
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js'
import { FEATURE_BITS, featureBits } from '../../../src/wire/features.js'
import { knowingAliceAndBob, testGossipService } from './gossipFixture.js'
import { GossipService } from '../../../src/node/gossip/gossipService.js'
import { DEFAULT_GOSSIP_SETTINGS } from '../../../src/node/gossip/gossipSettings.js'
import { RESYNC_INTERVAL_MS, TIMESTAMP_FILTER_LOOKBACK_S } from '../../../src/node/gossip/gossipSync.js'
import { announce, CHAIN_HASH, testNode, update } from '../routing/helpers.js'
import type { SignedGossip, StoredGossip } from '../../../src/routing/gossip/store.js'

const alice = testNode('alice')
const bob = testNode('bob')
const INTERVAL_MS = 1000
const QUERIES = featureBits(FEATURE_BITS.gossip_queries[1])
const QUERIES_EX = featureBits(FEATURE_BITS.gossip_queries[1], FEATURE_BITS.gossip_queries_ex[1])
const NO_QUERIES = featureBits(FEATURE_BITS.var_onion_optin[0])

interface Wire {
  to: string
  from: string
  bytes: Uint8Array
}

/** A gossip service named `name`, connected to `peers`, whose sends go on the shared wire. */
function node(name: string, peers: string[], wire: Wire[], staleChannelMs?: number): GossipService {
  return knowingAliceAndBob(
    testGossipService(name, {
      peers: {
        connectedPeers: () => peers,
        send: (peer: string, message: Message) =>
          void wire.push({ from: name, to: peer, bytes: encodeMessage(message) }),
        sendStored: (peer: string, item: StoredGossip) => void wire.push({ from: name, to: peer, bytes: item.encoded }),
        isConnected: () => true,
      },
      settings: {
        ...DEFAULT_GOSSIP_SETTINGS,
        broadcastIntervalMs: INTERVAL_MS,
        ...(staleChannelMs === undefined ? {} : { staleChannelMs }),
      },
    }),
  )
}

/** Delivers what is on the wire, as the node's peer router would, until nothing is left; returns what went. */
async function pump(
  wire: Wire[],
  nodes: Record<string, GossipService>,
  /** every message delivered, whole */
  seen: Message[] = [],
): Promise<Array<{ from: string; type: string }>> {
  const delivered: Array<{ from: string; type: string }> = []
  while (wire.length > 0) {
    const w = wire.shift()!
    const d = decodeMessage(w.bytes)
    if (d.kind !== 'message') throw new Error('undecodable')
    const m = d.message
    delivered.push({ from: w.from, type: m.type })
    seen.push(m)
    const to = nodes[w.to]!
    if (m.type === 'channel_announcement' || m.type === 'channel_update' || m.type === 'node_announcement')
      await to.onGossip(w.from, m, w.bytes)
    else if ('chainHash' in m && m.type !== 'open_channel') to.onQuery(w.from, m as never)
  }
  return delivered
}

const scid = shortChannelId(101, 1, 0)

/** A service that knows alice and bob's channel and both its updates. */
async function knowing(name: string, peers: string[], wire: Wire[]): Promise<GossipService> {
  const g = node(name, peers, wire)
  const now = Math.floor(Date.now() / 1000)
  for (const m of [announce(alice, bob, scid), update(alice, bob, scid, {}, now), update(bob, alice, scid, {}, now)])
    await g.onGossip('elsewhere', m, encodeMessage(m))
  // what it relayed of them went to peers before ours connected
  vi.advanceTimersByTime(INTERVAL_MS)
  wire.length = 0
  return g
}

beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }))
afterEach(() => void vi.useRealTimers())

describe('gossip queries between two nodes', () => {
  it('a new peer gets recent gossip through its filter, and asks for nothing it then has', async () => {
    const wire: Wire[] = []
    const old = await knowing('old', ['new'], wire)
    const fresh = node('new', ['old'], wire)
    // both offer gossip_queries; each starts its own sync
    old.onPeerConnected('new', QUERIES)
    fresh.onPeerConnected('old', QUERIES)
    const delivered = await pump(wire, { old, new: fresh })
    expect(fresh.store.channel(scid)?.updates.every((u) => u !== undefined)).toBe(true)
    expect(delivered.filter((d) => d.from === 'new').map((d) => d.type)).toEqual([
      'gossip_timestamp_filter',
      'query_channel_range',
      'reply_channel_range',
    ])
    expect(delivered.filter((d) => d.from === 'old').map((d) => d.type)).toEqual([
      'gossip_timestamp_filter',
      'query_channel_range',
      // the filter asks for the last minute, which holds the channel: sent at once, before the range reply
      'channel_announcement',
      'channel_update',
      'channel_update',
      'reply_channel_range',
    ])
  })

  it('asks only for channels it lacks, and the answer carries announcement, updates, then the end', async () => {
    const wire: Wire[] = []
    const old = await knowing('old', ['new'], wire)
    const fresh = node('new', ['old'], wire)
    vi.advanceTimersByTime(2 * TIMESTAMP_FILTER_LOOKBACK_S * 1000)
    fresh.onPeerConnected('old', QUERIES)
    old.onPeerConnected('new', QUERIES)
    const delivered = await pump(wire, { old, new: fresh })
    expect(fresh.store.channel(scid)).toBeDefined()
    // the channel is older than the filter: it came through the queries alone
    const fromOld = delivered.filter((d) => d.from === 'old').map((d) => d.type)
    expect(fromOld.slice(fromOld.indexOf('reply_channel_range'))).toEqual([
      'reply_channel_range',
      'channel_announcement',
      'channel_update',
      'channel_update',
      'reply_short_channel_ids_end',
    ])
    // synced again later: nothing is missing, so nothing is asked
    fresh.onPeerConnected('old', QUERIES)
    const again = await pump(wire, { old, new: fresh })
    expect(again.map((d) => d.type)).not.toContain('query_short_channel_ids')
  })

  it('asks again for a channel it knows with one update missing, which no filter would bring', async () => {
    const wire: Wire[] = []
    const old = await knowing('old', ['new'], wire)
    const fresh = node('new', ['old'], wire)
    // the new node heard the announcement and alice's update elsewhere, never bob's (at 300 nodes, a sixth of the
    // nodes ended a bring-up like this for some channels: bob's update predates every filter they sent)
    const now = Math.floor(Date.now() / 1000)
    for (const m of [announce(alice, bob, scid), update(alice, bob, scid, {}, now)])
      await fresh.onGossip('elsewhere', m, encodeMessage(m))
    vi.advanceTimersByTime(2 * TIMESTAMP_FILTER_LOOKBACK_S * 1000)
    wire.length = 0
    fresh.onPeerConnected('old', QUERIES)
    old.onPeerConnected('new', QUERIES)
    const delivered = await pump(wire, { old, new: fresh })
    expect(delivered.filter((d) => d.from === 'new').map((d) => d.type)).toContain('query_short_channel_ids')
    expect(fresh.store.channel(scid)?.updates.every((u) => u !== undefined)).toBe(true)
  })

  it('asks one peer at a time which channels it knows, so the graph comes once, not from every peer', async () => {
    const wire: Wire[] = []
    const one = await knowing('one', ['new'], wire)
    const two = await knowing('two', ['new'], wire)
    const fresh = node('new', ['one', 'two'], wire)
    vi.advanceTimersByTime(2 * TIMESTAMP_FILTER_LOOKBACK_S * 1000)
    wire.length = 0
    for (const [peer, them] of [
      ['one', one],
      ['two', two],
    ] as const) {
      fresh.onPeerConnected(peer, QUERIES)
      them.onPeerConnected('new', QUERIES)
    }
    const delivered = await pump(wire, { one, two, new: fresh })
    const asked = delivered.filter((d) => d.from === 'new' && d.type === 'query_channel_range').length
    // the second peer is asked too (it may know channels the first does not), but only for what is still missing
    expect(asked).toBe(2)
    expect(delivered.filter((d) => d.type === 'channel_announcement')).toEqual([
      { from: 'one', type: 'channel_announcement' },
    ])
    expect(fresh.counters.receivedCounts()).toContainEqual({ type: 'channel_announcement', outcome: 'new', count: 1 })
    expect(one.counters.sentCounts()).toContainEqual({ reason: 'query_reply', count: 3 })
    expect(two.counters.sentCounts()).not.toContainEqual(expect.objectContaining({ reason: 'query_reply' }))
  })

  it('asks a peer again after a while, and so learns what slipped past its filter', async () => {
    const wire: Wire[] = []
    const old = node('old', ['new'], wire)
    const fresh = node('new', ['old'], wire)
    fresh.onPeerConnected('old', QUERIES)
    old.onPeerConnected('new', QUERIES)
    await pump(wire, { old, new: fresh })
    // the old node learns a channel made long ago: it is older than the new node's filter, so it is not relayed
    const longAgo = Math.floor(Date.now() / 1000) - 3600
    for (const m of [
      announce(alice, bob, scid),
      update(alice, bob, scid, {}, longAgo),
      update(bob, alice, scid, {}, longAgo),
    ])
      await old.onGossip('elsewhere', m, encodeMessage(m))
    vi.advanceTimersByTime(INTERVAL_MS)
    await pump(wire, { old, new: fresh })
    expect(fresh.store.channel(scid)).toBeUndefined()
    vi.advanceTimersByTime(RESYNC_INTERVAL_MS)
    const delivered = await pump(wire, { old, new: fresh })
    // (the old node asks the new one again too, and learns nothing)
    expect(delivered.filter((d) => d.from === 'new' && d.type.startsWith('query_')).map((d) => d.type)).toEqual([
      'query_channel_range',
      'query_short_channel_ids',
    ])
    expect(fresh.store.channel(scid)?.updates.every((u) => u !== undefined)).toBe(true)
  })

  it('a peer that does not offer gossip_queries gets the whole graph on connection', async () => {
    const wire: Wire[] = []
    const old = await knowing('old', ['legacy'], wire)
    old.onPeerConnected('legacy', NO_QUERIES)
    expect(wire.map((w) => w.to)).toEqual(['legacy', 'legacy', 'legacy'])
  })

  it('relays to a querying peer only once it sent its filter, and only gossip within it', async () => {
    const wire: Wire[] = []
    const old = await knowing('old', ['new'], wire)
    const fresh = node('new', ['old'], wire)
    old.onPeerConnected('new', QUERIES)
    wire.length = 0
    const now = Math.floor(Date.now() / 1000)
    const newer = update(alice, bob, scid, { feeBaseMsat: 7 }, now + 1)
    await old.onGossip('elsewhere', newer, encodeMessage(newer))
    vi.advanceTimersByTime(INTERVAL_MS)
    // no filter from the peer yet: BOLT #7 sends it nothing it did not make itself
    expect(wire).toEqual([])
    old.onQuery('new', {
      type: 'gossip_timestamp_filter',
      chainHash: CHAIN_HASH,
      firstTimestamp: now + 100,
      timestampRange: 0xffff_ffff,
    })
    const newest = update(alice, bob, scid, { feeBaseMsat: 8 }, now + 200)
    const older = update(bob, alice, scid, { feeBaseMsat: 9 }, now + 50)
    await old.onGossip('elsewhere', newest, encodeMessage(newest))
    await old.onGossip('elsewhere', older, encodeMessage(older))
    vi.advanceTimersByTime(INTERVAL_MS)
    const delivered = await pump(wire, { old, new: fresh })
    // the announcement takes its newest update's timestamp; bob's update is older than the filter
    expect(delivered.map((d) => d.type)).toEqual(['channel_update'])
    expect(fresh.store.channel(scid)).toBeUndefined()
  })
})

describe('extended gossip queries (gossip_queries_ex) between two nodes', () => {
  /**
   * `fresh` knows these messages, `old` the channel with both updates made before; they sync by queries, with
   * gossip_queries_ex unless told otherwise.
   */
  async function holding(freshKnows: SignedGossip[], staleChannelMs?: number, features = QUERIES_EX) {
    const wire: Wire[] = []
    const old = await knowing('old', ['new'], wire)
    const fresh = node('new', ['old'], wire, staleChannelMs)
    for (const m of freshKnows) await fresh.onGossip('elsewhere', m, encodeMessage(m))
    // past the filter's lookback: what the new node learns, it learns by the queries
    vi.advanceTimersByTime(2 * TIMESTAMP_FILTER_LOOKBACK_S * 1000)
    wire.length = 0
    fresh.onPeerConnected('old', features)
    old.onPeerConnected('new', features)
    const seen: Message[] = []
    await pump(wire, { old, new: fresh }, seen)
    const times = (g: GossipService) => g.store.channel(scid)!.updates.map((u) => u!.message.timestamp)
    return { fresh, old, seen, times }
  }
  const at = (ageS: number) => Math.floor(Date.now() / 1000) - ageS
  const direction = (u: ChannelUpdate) => u.channelFlags & 1

  it('asks only for the one update that is newer and different, by its query flag', async () => {
    const stale = update(alice, bob, scid, { feeBaseMsat: 5 }, at(100))
    const current = update(bob, alice, scid, {}, at(0))
    const { fresh, old, seen } = await holding([announce(alice, bob, scid), stale, current])
    const range = seen.find((m) => m.type === 'query_channel_range')
    expect(range).toMatchObject({ queryOption: QUERY_OPTION_TIMESTAMPS | QUERY_OPTION_CHECKSUMS })
    const reply = seen.find((m) => m.type === 'reply_channel_range' && m.shortChannelIds.length > 0)
    expect(reply).toMatchObject({ timestamps: [expect.any(Object)], checksums: [expect.any(Object)] })
    const query = seen.find((m) => m.type === 'query_short_channel_ids')
    const flag = direction(stale) === 0 ? QUERY_FLAG.update1 : QUERY_FLAG.update2
    expect(query).toMatchObject({ shortChannelIds: [scid], queryFlags: [flag] })
    // the answer is that update alone: no announcement, no second update
    expect(seen.filter((m) => m.type === 'channel_update' || m.type === 'channel_announcement')).toHaveLength(1)
    const updated = fresh.store.channel(scid)!.updates[direction(stale)]!
    expect(updated.encoded).toEqual(old.store.channel(scid)!.updates[direction(stale)]!.encoded)
  })

  it('does not ask for a re-signed update with the same policy until ours is past half the stale window', async () => {
    const known = [
      announce(alice, bob, scid),
      update(alice, bob, scid, {}, at(100)),
      update(bob, alice, scid, {}, at(100)),
    ]
    const young = await holding(known)
    expect(young.seen.map((m) => m.type)).not.toContain('query_short_channel_ids')
    // a 150 s window: ours, 100 s old, is past its half, and the peer's newer keep-alive is worth having
    const ageing = await holding(known, 150_000)
    const query = ageing.seen.find((m) => m.type === 'query_short_channel_ids')
    expect(query).toMatchObject({ queryFlags: [QUERY_FLAG.update1 | QUERY_FLAG.update2] })
    expect(ageing.times(ageing.fresh)).toEqual(ageing.times(ageing.old))
  })

  it('asks for a channel it does not know whole: announcement, both updates, both node announcements', async () => {
    const { fresh, seen } = await holding([])
    expect(seen.find((m) => m.type === 'query_short_channel_ids')).toMatchObject({ queryFlags: [0x1fn] })
    expect(fresh.store.channel(scid)?.updates.every((u) => u !== undefined)).toBe(true)
  })

  it('answers query flags with the messages they name, and flags that are not one per id with nothing', async () => {
    const wire: Wire[] = []
    const old = await knowing('old', ['new'], wire)
    const ask = async (queryFlags: bigint[]) => {
      old.onQuery('new', {
        type: 'query_short_channel_ids',
        chainHash: CHAIN_HASH,
        shortChannelIds: [scid],
        queryFlags,
      })
      const seen: Message[] = []
      await pump(wire, { old, new: node('new', [], []) }, seen)
      return seen
    }
    const second = await ask([QUERY_FLAG.update2])
    expect(second.map((m) => m.type)).toEqual(['channel_update', 'reply_short_channel_ids_end'])
    expect(direction(second[0] as ChannelUpdate)).toBe(1)
    const announcementOnly = await ask([QUERY_FLAG.announcement])
    expect(announcementOnly.map((m) => m.type)).toEqual(['channel_announcement', 'reply_short_channel_ids_end'])
    const mismatched = await ask([QUERY_FLAG.update1, QUERY_FLAG.update2])
    expect(mismatched).toEqual([expect.objectContaining({ type: 'reply_short_channel_ids_end', fullInformation: 0 })])
  })

  it('sends a peer without gossip_queries_ex no query option and no flags', async () => {
    const { seen } = await holding([], undefined, QUERIES)
    expect(seen.find((m) => m.type === 'query_channel_range')).not.toHaveProperty('queryOption')
    expect(seen.find((m) => m.type === 'reply_channel_range')).not.toHaveProperty('timestamps')
    expect(seen.find((m) => m.type === 'query_short_channel_ids')).not.toHaveProperty('queryFlags')
  })
})
