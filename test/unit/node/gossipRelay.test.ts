/**
 * How a node passes gossip on: once per broadcast interval (one write per
 * peer), the newest message per channel direction only, never back to a peer
 * that sent it, and not to a peer that sent the same message meanwhile; and how
 * it forgets channels that closed on chain or went stale.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import type { ChannelUpdate, Message } from '../../../src/wire/messages.js'
import { encodeMessage } from '../../../src/wire/codec.js'
import { knowingAliceAndBob, memoryStorage, testGossipService, type GossipComponents } from './gossipFixture.js'
import { GossipService } from '../../../src/node/gossip/gossipService.js'
import {
  DEFAULT_GOSSIP_SETTINGS,
  SPENT_CHANNEL_FORGET_DEPTH,
  type GossipSettings,
} from '../../../src/node/gossip/gossipSettings.js'
import { announce, testNode, update } from '../routing/helpers.js'
import { decodeStored, type StoredGossip } from '../../../src/routing/gossip/store.js'

const alice = testNode('alice')
const bob = testNode('bob')
const scid = shortChannelId(101, 1, 0)
const PEERS = ['p1', 'p2', 'p3']
const INTERVAL_MS = 1000
const SETTINGS: GossipSettings = { ...DEFAULT_GOSSIP_SETTINGS, broadcastIntervalMs: INTERVAL_MS }

type Sent = Array<{ peer: string; message: Message; encoded?: Uint8Array }>

/** A gossip service with in-memory storage that records what it sends; `deps` overrides the rest. */
function gossipService(sent: Sent, deps: Partial<GossipComponents>): GossipService {
  return testGossipService('us', {
    peers: {
      connectedPeers: () => PEERS,
      send: (peer: string, message: Message) => void sent.push({ peer, message }),
      sendStored: (peer: string, item: StoredGossip) =>
        void sent.push({ peer, message: decodeStored(item), encoded: item.encoded }),
      isConnected: () => true,
    },
    settings: SETTINGS,
    ...deps,
  })
}

/** …that knows alice and bob's funding output, as the chain sends the block holding it. */
function service(sent: Sent, deps: Partial<GossipComponents> = {}): GossipService {
  return knowingAliceAndBob(gossipService(sent, deps))
}

// every test here runs on fake timers: the batches wait on setTimeout and stamp Date.now()
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  // flushes fall on multiples of the interval: start on one, so the first is a whole interval away
  vi.setSystemTime(Math.ceil(Date.now() / INTERVAL_MS) * INTERVAL_MS)
})
afterEach(() => void vi.useRealTimers())

describe('gossip relay', () => {
  it('waits for the interval, then sends each message once to each peer that has not sent it', async () => {
    const sent: Sent = []
    const g = service(sent)
    const announcement = announce(alice, bob, scid)
    const fromAlice = update(alice, bob, scid, {}, Math.floor(Date.now() / 1000))
    await g.onGossip('p1', announcement, encodeMessage(announcement))
    await g.onGossip('p1', fromAlice, encodeMessage(fromAlice))
    // the same update reaches us from p2 before the batch leaves
    await g.onGossip('p2', fromAlice, encodeMessage(fromAlice))
    vi.advanceTimersByTime(INTERVAL_MS / 10)
    expect(sent).toEqual([])
    vi.advanceTimersByTime(INTERVAL_MS)
    const to = (peer: string): string[] => sent.filter((s) => s.peer === peer).map((s) => s.message.type)
    expect(to('p1')).toEqual([])
    expect(to('p2')).toEqual(['channel_announcement'])
    expect(to('p3')).toEqual(['channel_announcement', 'channel_update'])
    // nothing more: every message went out once
    vi.advanceTimersByTime(10 * INTERVAL_MS)
    expect(sent).toHaveLength(3)
  })

  it('relays the bytes a message arrived in, not an encoding of it made again', async () => {
    const sent: Sent = []
    const g = service(sent)
    const announcement = announce(alice, bob, scid)
    const bytes = encodeMessage(announcement)
    await g.onGossip('p1', announcement, bytes)
    vi.advanceTimersByTime(INTERVAL_MS)
    expect(sent.map((s) => s.peer)).toEqual(['p2', 'p3'])
    for (const s of sent) expect(s.encoded).toEqual(bytes)
  })

  it('keeps a whole frame as it came, and a view of a larger buffer as a copy that lets the buffer go', async () => {
    const g = service([])
    const announcement = announce(alice, bob, scid)
    const frame = encodeMessage(announcement)
    await g.onGossip('p1', announcement, frame)
    expect(g.store.channel(scid)!.announcement.encoded).toBe(frame)
    const fromAlice = update(alice, bob, scid, {}, Math.floor(Date.now() / 1000))
    const chunk = new Uint8Array(4096)
    chunk.set(encodeMessage(fromAlice), 100)
    const view = chunk.subarray(100, 100 + encodeMessage(fromAlice).length)
    await g.onGossip('p1', fromAlice, view)
    const kept = g.store.channel(scid)!.updates.find((u) => u !== undefined)!.encoded
    expect(kept).toEqual(view)
    expect(kept.buffer.byteLength).toBe(view.length)
  })

  it("lets the announced channel's funding output go once the announcement is stored", async () => {
    const asked: string[] = []
    const chain = {
      outputAt: async (height: number, txIndex: number, vout: number) =>
        void asked.push(`${height}x${txIndex}x${vout}`),
    } as unknown as GossipComponents['chain']
    const g = service([], { chain })
    const announcement = announce(alice, bob, scid)
    await g.onGossip('p1', announcement, encodeMessage(announcement))
    expect(asked).toEqual([])
    // asked for again (the channel announced anew after it was forgotten): the chain is asked
    await g.fundingIndex.lookup(scid)
    expect(asked).toEqual(['101x1x0'])
  })

  it('relays only the newest update of a channel direction that changed several times in one interval', async () => {
    const sent: Sent = []
    const g = service(sent)
    const now = Math.floor(Date.now() / 1000)
    const announcement = announce(alice, bob, scid)
    await g.onGossip('p1', announcement, encodeMessage(announcement))
    for (let i = 0; i < 20; i++) {
      const u = update(alice, bob, scid, { feeBaseMsat: 1000 + i }, now - 100 + i)
      await g.onGossip('p1', u, encodeMessage(u))
    }
    const fromBob = update(bob, alice, scid, {}, now - 50)
    await g.onGossip('p1', fromBob, encodeMessage(fromBob))
    vi.advanceTimersByTime(INTERVAL_MS)
    const toP2 = sent.filter((s) => s.peer === 'p2').map((s) => s.message)
    expect(toP2.map((m) => m.type)).toEqual(['channel_announcement', 'channel_update', 'channel_update'])
    expect((toP2[1] as ChannelUpdate).feeBaseMsat).toBe(1019)
    expect(toP2[2]).toEqual(fromBob)
  })

  it('checks the same bytes once, however many peers send them', async () => {
    const sent: Sent = []
    const g = service(sent)
    const announcement = announce(alice, bob, scid)
    const bytes = encodeMessage(announcement)
    await g.onGossip('p1', announcement, bytes)
    await g.onGossip('p2', announcement, bytes)
    await g.onGossip('p3', announcement, bytes)
    expect(g.verified.hits).toBe(2)
    // a refused message is not checked (nor warned about) again either
    const forged = { ...update(alice, bob, scid, {}, Math.floor(Date.now() / 1000)), feeBaseMsat: 5 }
    const forgedBytes = encodeMessage(forged)
    await g.onGossip('p1', forged, forgedBytes)
    await g.onGossip('p2', forged, forgedBytes)
    expect(sent.filter((s) => s.message.type === 'warning').map((s) => s.peer)).toEqual(['p1'])
    expect(g.verified.hits).toBe(3)
  })

  it('knows judged bytes before they are decoded, and does not relay them back to who sends them again', async () => {
    const sent: Sent = []
    const g = service(sent)
    const announcement = announce(alice, bob, scid)
    const bytes = encodeMessage(announcement)
    expect(g.isKnown(bytes)).toBe(false)
    await g.onGossip('p1', announcement, bytes)
    // a copy of the same bytes from another peer is known; another message, or anything not gossip, is not
    expect(g.isKnown(bytes.slice())).toBe(true)
    expect(g.isKnown(encodeMessage(update(alice, bob, scid, {}, Math.floor(Date.now() / 1000))))).toBe(false)
    expect(g.isKnown(encodeMessage({ type: 'ping', numPongBytes: 0, ignored: new Uint8Array(0) }))).toBe(false)
    g.onKnownGossip('p2', bytes.slice())
    vi.advanceTimersByTime(INTERVAL_MS)
    expect(sent.map((s) => s.peer)).toEqual(['p3'])
    expect(g.counters.receivedCounts()).toEqual([
      { type: 'channel_announcement', outcome: 'new', count: 1 },
      { type: 'channel_announcement', outcome: 'duplicate', count: 1 },
    ])
  })
})

describe('forgetting channels', () => {
  const outpoint = { txid: '11'.repeat(32), vout: 0 }

  it(`forgets a channel once its funding output's spend is ${SPENT_CHANNEL_FORGET_DEPTH} blocks deep`, async () => {
    const g = service([])
    const announcement = announce(alice, bob, scid)
    await g.onGossip('p1', announcement, encodeMessage(announcement))
    expect(g.store.channel(scid)).toBeDefined()
    g.fundingIndex.onBlock(150, { created: [], spent: [outpoint] })
    g.onBlock(150)
    for (let h = 151; h < 150 + SPENT_CHANNEL_FORGET_DEPTH - 1; h++) {
      g.fundingIndex.onBlock(h, { created: [], spent: [] })
      g.onBlock(h)
    }
    // 11 confirmations: still in the graph
    expect(g.store.channel(scid)).toBeDefined()
    g.fundingIndex.onBlock(150 + SPENT_CHANNEL_FORGET_DEPTH - 1, { created: [], spent: [] })
    g.onBlock(150 + SPENT_CHANNEL_FORGET_DEPTH - 1)
    expect(g.store.channel(scid)).toBeUndefined()
    // and its announcement, sent again by a peer that has not pruned it yet, is refused
    const again = { ...announcement }
    await g.onGossip('p2', again, encodeMessage(again))
    expect(g.store.channel(scid)).toBeUndefined()
  })

  it('after a restart, still forgets a channel it restored once its funding spend is deep enough', async () => {
    const { kv, graphFile } = memoryStorage()
    const before = service([], { kv, graphFile })
    const announcement = announce(alice, bob, scid)
    await before.onGossip('p1', announcement, encodeMessage(announcement))
    before.stop()
    // the new process saw none of the blocks before its start: only what it saved tells it the funding outpoint
    const after = gossipService([], { kv, graphFile })
    expect(after.store.channel(scid)).toBeDefined()
    after.fundingIndex.onBlock(150, { created: [], spent: [outpoint] })
    after.onBlock(150)
    after.fundingIndex.onBlock(150 + SPENT_CHANNEL_FORGET_DEPTH - 1, { created: [], spent: [] })
    after.onBlock(150 + SPENT_CHANNEL_FORGET_DEPTH - 1)
    expect(after.store.channel(scid)).toBeUndefined()
  })

  it("saves the graph in its own file, and takes an older node's from the state log once, then drops it", async () => {
    const storage = memoryStorage()
    const before = service([], storage)
    const announcement = announce(alice, bob, scid)
    await before.onGossip('p1', announcement, encodeMessage(announcement))
    before.stop()
    expect(storage.values.has('store')).toBe(false)
    const saved = storage.graph.saved as { store: unknown; fundingOutpoints: unknown }
    expect(saved.fundingOutpoints).toEqual({ [scid.toString()]: `${outpoint.txid}:0` })
    // an older node kept both in its state log
    const older = memoryStorage()
    older.values.set('store', saved.store).set('funding-outpoints', saved.fundingOutpoints)
    const after = gossipService([], older)
    expect(after.store.channel(scid)).toBeDefined()
    after.stop()
    expect(older.graph.saved).toEqual(saved)
    expect([...older.values.keys()].filter((k) => k === 'store' || k === 'funding-outpoints')).toEqual([])
  })

  it('starts with an empty graph when the graph file is unreadable, and saves a good one over it', async () => {
    const storage = memoryStorage()
    storage.graph.saved = { something: 'else' }
    const g = service([], storage)
    expect([...g.store.channels()]).toEqual([])
    const announcement = announce(alice, bob, scid)
    await g.onGossip('p1', announcement, encodeMessage(announcement))
    g.stop()
    expect((storage.graph.saved as { store: { channels: unknown[] } }).store.channels).toHaveLength(1)
  })

  it('forgets a channel whose oldest direction has not been updated within the stale window', async () => {
    const g = service([], { settings: { ...SETTINGS, staleChannelMs: 3_600_000 } })
    const announcement = announce(alice, bob, scid)
    await g.onGossip('p1', announcement, encodeMessage(announcement))
    const now = Math.floor(Date.now() / 1000)
    const fromAlice = update(alice, bob, scid, {}, now)
    const fromBob = update(bob, alice, scid, {}, now)
    await g.onGossip('p1', fromAlice, encodeMessage(fromAlice))
    await g.onGossip('p1', fromBob, encodeMessage(fromBob))
    vi.advanceTimersByTime(3_000_000)
    // alice keeps updating; bob went quiet
    const aliceAgain = update(alice, bob, scid, {}, Math.floor(Date.now() / 1000))
    await g.onGossip('p1', aliceAgain, encodeMessage(aliceAgain))
    g.onBlock(111)
    expect(g.store.channel(scid)).toBeDefined()
    vi.advanceTimersByTime(700_000)
    g.onBlock(112)
    expect(g.store.channel(scid)).toBeUndefined()
  })
})

describe('our channel_update', () => {
  /** Our end of a NORMAL channel with alice, not announced yet: its updates go to alice only. */
  function ourChannel(sent: Sent, policy: { feeBaseMsat: bigint }): GossipService {
    const data = {
      state: 'NORMAL',
      shortChannelId: scid,
      commitments: {
        capacitySat: 1_000_000n,
        channelFlags: 1,
        localParams: { keysId: '09'.repeat(32) },
        remoteParams: { basepoints: { fundingPubkey: alice.fundingPubkey } },
      },
    }
    return gossipService(sent, {
      tip: { height: 102 },
      peers: {
        connectedPeers: () => [alice.hex],
        send: (peer: string, message: Message) => void sent.push({ peer, message }),
        sendStored: (peer: string, item: StoredGossip) => void sent.push({ peer, message: decodeStored(item) }),
        isConnected: () => true,
      },
      channels: {
        get: (key: string) => (key === 'c1' ? { peer: alice.hex, data: data as never } : undefined),
        list: () => [{ key: 'c1', record: { peer: alice.hex, data: data as never } }],
      },
      policies: {
        of: () => ({
          feeBaseMsat: policy.feeBaseMsat,
          feeProportionalMillionths: 1n,
          cltvExpiryDelta: 40,
          htlcMinimumMsat: 1n,
        }),
      },
    })
  }

  it('is sent again unchanged when nothing in it changed, and made anew when the policy did', () => {
    const sent: Sent = []
    const policy = { feeBaseMsat: 1000n }
    const g = ourChannel(sent, policy)
    g.publishUpdate('c1')
    vi.advanceTimersByTime(5000)
    // announced later, say: the update the peer already holds is the one to flood, not a second one
    g.publishUpdate('c1')
    expect(sent.map((s) => s.peer)).toEqual([alice.hex, alice.hex])
    const [first, again] = sent.map((s) => s.message as ChannelUpdate)
    expect(again).toBe(first)
    policy.feeBaseMsat = 2000n
    g.publishUpdate('c1')
    const changed = sent[2]!.message as ChannelUpdate
    expect(changed.feeBaseMsat).toBe(2000)
    expect(changed.timestamp).toBeGreaterThan(first!.timestamp)
    expect(g.channelUpdateBytes('c1')).toEqual(encodeMessage(changed))
  })

  it('is made anew, unchanged, once it is half as old as the window after which peers forget a channel', () => {
    const sent: Sent = []
    const g = ourChannel(sent, { feeBaseMsat: 1000n })
    g.publishUpdate('c1')
    vi.advanceTimersByTime(SETTINGS.staleChannelMs / 2 - 60_000)
    g.publishUpdate('c1')
    vi.advanceTimersByTime(120_000)
    g.publishUpdate('c1')
    const [first, same, renewed] = sent.map((s) => s.message as ChannelUpdate)
    expect(same).toBe(first)
    expect(renewed!.feeBaseMsat).toBe(first!.feeBaseMsat)
    expect(renewed!.timestamp).toBeGreaterThan(first!.timestamp + SETTINGS.staleChannelMs / 2000 - 1)
  })
})
