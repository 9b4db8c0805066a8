import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/bytes.js'
import { InvalidInputError } from '../../../src/core/errors.js'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import { createNodeAnnouncement } from '../../../src/routing/gossip/nodeAnnouncement.js'
import { decodeStored, GossipStore, type GossipVerdict } from '../../../src/routing/gossip/store.js'
import { restoreGossipStore, snapshotGossipStore } from '../../../src/routing/gossip/storeSnapshot.js'
import { ChannelGraph } from '../../../src/routing/graph.js'
import { announce, CHAIN_HASH, FakeChain, NOW, NOW_S, testNode, update, type TestNode } from './helpers.js'

const alice = testNode('alice')
const bob = testNode('bob')
const carol = testNode('carol')
const ab = shortChannelId(101, 1, 0)
const bc = shortChannelId(102, 1, 0)

function network(): { chain: FakeChain; store: GossipStore } {
  const chain = new FakeChain()
  chain.fund(ab, alice, bob, 1_000_000n)
  chain.fund(bc, bob, carol, 2_000_000n)
  return {
    chain,
    store: new GossipStore({ chainHash: CHAIN_HASH, lookupFundingOutput: chain.lookup, pendingTtlMs: 60_000 }),
  }
}

function nodeAnnouncement(node: TestNode, timestamp = NOW_S, alias = node.name) {
  return createNodeAnnouncement({
    nodeKey: node.nodeKey,
    alias,
    color: '#000000',
    addresses: ['/ip4/127.0.0.1/tcp/9735'],
    timestamp,
  })
}

const relayed = (v: GossipVerdict): string[] => (v.status === 'new' ? v.relay.map((r) => r.message.type) : [])

describe('gossip store', () => {
  it('relays each message once: a repeat is known, two peers sending it at once need one chain lookup', async () => {
    const { chain, store } = network()
    const a = announce(alice, bob, ab)
    const [first, second] = await Promise.all([store.accept(a, NOW), store.accept(a, NOW)])
    expect([first.status, second.status].sort()).toEqual(['known', 'new'])
    expect(chain.lookups).toBe(1)
    expect((await store.accept(a, NOW)).status).toBe('known')
    const u = update(alice, bob, ab)
    expect(relayed(store.acceptChannelUpdate(u, NOW))).toEqual(['channel_update'])
    expect(store.acceptChannelUpdate(u, NOW).status).toBe('known')
  })

  it('keeps of each message its bytes and the fields read again, and gives the whole message back', async () => {
    const { store } = network()
    const a = announce(alice, bob, ab)
    const u = update(alice, bob, ab, { feeBaseMsat: 5 })
    const n = nodeAnnouncement(alice)
    await store.accept(a, NOW)
    store.acceptChannelUpdate(u, NOW)
    store.acceptNodeAnnouncement(n, NOW)
    const channel = store.channel(ab)!
    const node = store.nodeAnnouncement(alice.nodeId)!
    // signatures, funding keys and the chain hash stay in the bytes only: their decoded views were half the store
    expect(Object.keys(channel.announcement.message).sort()).toEqual(['nodeId1', 'nodeId2', 'shortChannelId', 'type'])
    expect(channel.updates[0]!.message).not.toHaveProperty('signature')
    expect(channel.updates[0]!.message).not.toHaveProperty('chainHash')
    expect(channel.updates[0]!.message.feeBaseMsat).toBe(5)
    expect(node.message).not.toHaveProperty('signature')
    expect(node.message.addresses).toEqual(['/ip4/127.0.0.1/tcp/9735'])
    expect(decodeStored(channel.announcement)).toEqual(a)
    expect(decodeStored(channel.updates[0]!)).toEqual(u)
    expect(decodeStored(node)).toEqual(n)
  })

  it('keeps the newest channel_update per direction; older or equal timestamps are stale', async () => {
    const { store } = network()
    await store.accept(announce(alice, bob, ab), NOW)
    expect(store.acceptChannelUpdate(update(alice, bob, ab, { feeBaseMsat: 5 }, NOW_S + 10), NOW).status).toBe('new')
    expect(store.acceptChannelUpdate(update(alice, bob, ab, { feeBaseMsat: 7 }, NOW_S + 10), NOW).status).toBe('known')
    expect(store.acceptChannelUpdate(update(alice, bob, ab, { feeBaseMsat: 9 }, NOW_S + 5), NOW).status).toBe('known')
    expect(store.acceptChannelUpdate(update(bob, alice, ab, { feeBaseMsat: 11 }, NOW_S), NOW).status).toBe('new')
    const fees = [...ChannelGraph.fromStore(store).edges()].map((e) => [e.from, e.feeBaseMsat])
    expect(fees).toEqual(
      expect.arrayContaining([
        [alice.hex, 5n],
        [bob.hex, 11n],
      ]),
    )
    expect(store.acceptChannelUpdate(update(alice, bob, ab, { feeBaseMsat: 13 }, NOW_S + 11), NOW).status).toBe('new')
    expect([...ChannelGraph.fromStore(store).edges()].find((e) => e.from === alice.hex)!.feeBaseMsat).toBe(13n)
  })

  it('holds an update that arrives before its channel, and relays it after the announcement', async () => {
    const { store } = network()
    const u = update(alice, bob, ab)
    expect(store.acceptChannelUpdate(u, NOW).status).toBe('held')
    expect(store.acceptChannelUpdate(u, NOW).status).toBe('held')
    const verdict = await store.accept(announce(alice, bob, ab), NOW + 1000)
    expect(relayed(verdict)).toEqual(['channel_announcement', 'channel_update'])
    expect(store.pendingCount).toBe(0)
    expect(store.acceptChannelUpdate(u, NOW + 2000).status).toBe('known')
  })

  it('keeps an update whose announcement is still being checked, however long the funding lookup takes', async () => {
    const chain = new FakeChain()
    chain.fund(ab, alice, bob, 1_000_000n)
    let answer!: () => void
    const slowChain = new Promise<void>((r) => (answer = r))
    const store = new GossipStore({
      chainHash: CHAIN_HASH,
      lookupFundingOutput: async (scid) => {
        await slowChain
        return chain.lookup(scid)
      },
      pendingTtlMs: 60_000,
    })
    const checking = store.accept(announce(alice, bob, ab), NOW)
    expect(store.acceptChannelUpdate(update(alice, bob, ab), NOW).status).toBe('held')
    // a loaded machine's chain answers after two minutes: the update must still be there
    store.expirePending(NOW + 120_000)
    expect(store.pendingCount).toBe(1)
    answer()
    expect(relayed(await checking)).toEqual(['channel_announcement', 'channel_update'])
  })

  it('drops held messages after a while, and never holds more than its limit', async () => {
    const chain = new FakeChain()
    chain.fund(ab, alice, bob, 1_000_000n)
    const store = new GossipStore({
      chainHash: CHAIN_HASH,
      lookupFundingOutput: chain.lookup,
      pendingTtlMs: 60_000,
      maxPending: 2,
    })
    store.acceptChannelUpdate(update(alice, bob, ab), NOW)
    store.acceptChannelUpdate(update(alice, bob, shortChannelId(500, 1, 0)), NOW + 1)
    store.acceptChannelUpdate(update(alice, bob, shortChannelId(501, 1, 0)), NOW + 2)
    expect(store.pendingCount).toBe(2)
    // the oldest (ab's) made room for the newer ones
    expect(relayed(await store.accept(announce(alice, bob, ab), NOW + 3))).toEqual(['channel_announcement'])
    store.expirePending(NOW + 60_001)
    expect(store.pendingCount).toBe(1)
    store.expirePending(NOW + 60_002)
    expect(store.pendingCount).toBe(0)
  })

  it('takes a node_announcement only for a node with a channel (held until then), newest wins', async () => {
    const { store } = network()
    expect(store.acceptNodeAnnouncement(nodeAnnouncement(carol), NOW).status).toBe('held')
    await store.accept(announce(alice, bob, ab), NOW)
    expect(relayed(await store.accept(announce(bob, carol, bc), NOW))).toEqual([
      'channel_announcement',
      'node_announcement',
    ])
    expect(store.acceptNodeAnnouncement(nodeAnnouncement(carol, NOW_S, 'carol again'), NOW).status).toBe('known')
    expect(store.acceptNodeAnnouncement(nodeAnnouncement(carol, NOW_S + 1, 'carol 2'), NOW).status).toBe('new')
    expect(ChannelGraph.fromStore(store).node(carol.hex)?.alias).toBe('carol 2')
  })

  it('answers invalid messages with the reason, and conflicting announcements of a known channel', async () => {
    const { store } = network()
    const bad = await store.accept({ ...announce(alice, bob, ab), chainHash: new Uint8Array(32) }, NOW)
    expect(bad.status === 'invalid' && bad.error.code).toBe('UNKNOWN_CHAIN')
    expect(store.channel(ab)).toBeUndefined()
    await store.accept(announce(alice, bob, ab), NOW)
    const conflict = await store.accept(announce(bob, carol, ab), NOW)
    expect(conflict.status === 'invalid' && conflict.error.code).toBe('CHANNEL_ANNOUNCEMENT_CONFLICT')
    const forged = store.acceptChannelUpdate({ ...update(alice, bob, ab), feeBaseMsat: 0 }, NOW)
    expect(forged.status === 'invalid' && forged.error.code).toBe('INVALID_SIGNATURE')
    const tooBig = store.acceptChannelUpdate(update(alice, bob, ab, { htlcMaximumMsat: 1_000_000_001n }), NOW)
    expect(tooBig.status === 'invalid' && tooBig.error.code).toBe('HTLC_MAXIMUM_ABOVE_CAPACITY')
    const noOutput = await store.accept(announce(alice, carol, shortChannelId(999, 1, 0)), NOW)
    expect(noOutput.status === 'invalid' && noOutput.error.code).toBe('FUNDING_OUTPUT_NOT_FOUND')
  })

  it('a chain that cannot be asked leaves the announcement neither accepted nor refused', async () => {
    const store = new GossipStore({
      chainHash: CHAIN_HASH,
      lookupFundingOutput: async () => {
        throw new Error('chain unreachable')
      },
    })
    await expect(store.accept(announce(alice, bob, ab), NOW)).rejects.toThrow('chain unreachable')
    expect(store.channel(ab)).toBeUndefined()
  })

  it('sends a new peer everything in BOLT #7 order, and the peer ends with the same graph', async () => {
    const { chain, store } = network()
    await store.accept(announce(alice, bob, ab), NOW)
    await store.accept(announce(bob, carol, bc), NOW)
    for (const u of [
      update(alice, bob, ab),
      update(bob, alice, ab),
      update(bob, carol, bc),
      update(carol, bob, bc, { disabled: true }),
    ])
      store.acceptChannelUpdate(u, NOW)
    for (const n of [alice, bob, carol]) store.acceptNodeAnnouncement(nodeAnnouncement(n), NOW)

    const sync = store.messagesForNewPeer()
    expect(sync.map((m) => m.message.type)).toEqual([
      'channel_announcement',
      'channel_update',
      'channel_update',
      'channel_announcement',
      'channel_update',
      'channel_update',
      'node_announcement',
      'node_announcement',
      'node_announcement',
    ])
    const peer = new GossipStore({ chainHash: CHAIN_HASH, lookupFundingOutput: chain.lookup })
    for (const item of sync) expect((await peer.accept(decodeStored(item), NOW, item.encoded)).status).toBe('new')
    expect(graphText(peer)).toBe(graphText(store))
    expect(peer.messagesForNewPeer().map((m) => toHex(m.encoded))).toEqual(sync.map((m) => toHex(m.encoded)))
  })

  it('forgets a closed channel, and the announcement of a node left without channels', async () => {
    const { store } = network()
    await store.accept(announce(alice, bob, ab), NOW)
    await store.accept(announce(bob, carol, bc), NOW)
    store.acceptNodeAnnouncement(nodeAnnouncement(carol), NOW)
    store.acceptNodeAnnouncement(nodeAnnouncement(bob), NOW)
    const version = store.version
    expect(store.forgetChannel(bc)).toBe(true)
    expect(store.version).toBeGreaterThan(version)
    expect(store.nodeAnnouncement(carol.nodeId)).toBeUndefined()
    expect(store.nodeAnnouncement(bob.nodeId)).toBeDefined()
    expect(store.acceptNodeAnnouncement(nodeAnnouncement(carol, NOW_S + 1), NOW).status).toBe('held')
    expect(store.forgetChannel(bc)).toBe(false)
  })

  it('survives a restart through its JSON snapshot, and refuses a damaged one', async () => {
    const { chain, store } = network()
    await store.accept(announce(alice, bob, ab), NOW)
    store.acceptChannelUpdate(update(bob, alice, ab), NOW)
    store.acceptNodeAnnouncement(nodeAnnouncement(alice), NOW)
    const json = JSON.parse(JSON.stringify(snapshotGossipStore(store)))
    const lookups = chain.lookups
    const restored = restoreGossipStore(json, { chainHash: CHAIN_HASH, lookupFundingOutput: chain.lookup })
    expect(chain.lookups).toBe(lookups)
    expect(restored.messagesForNewPeer().map((m) => toHex(m.encoded))).toEqual(
      store.messagesForNewPeer().map((m) => toHex(m.encoded)),
    )
    expect(restored.channel(ab)!.capacitySat).toBe(1_000_000n)
    expect(restored.acceptChannelUpdate(update(bob, alice, ab), NOW).status).toBe('known')

    const options = { chainHash: CHAIN_HASH, lookupFundingOutput: chain.lookup }
    expect(() => restoreGossipStore({ ...json, format: 2 }, options)).toThrow(InvalidInputError)
    const swapped = {
      ...json,
      channels: [{ ...json.channels[0], updates: [json.channels[0].updates[1], json.channels[0].updates[0]] }],
    }
    expect(() => restoreGossipStore(swapped, options)).toThrow(InvalidInputError)
    const notAnUpdate = { ...json, channels: [{ ...json.channels[0], updates: [json.channels[0].announcement, null] }] }
    expect(() => restoreGossipStore(notAnUpdate, options)).toThrow(InvalidInputError)
    expect(() => restoreGossipStore({ ...json, channels: [] }, options)).toThrow(InvalidInputError)
    expect(() => restoreGossipStore({ ...json, nodeAnnouncements: ['00ff'] }, options)).toThrow(InvalidInputError)
  })
})

function graphText(store: GossipStore): string {
  const graph = ChannelGraph.fromStore(store)
  const edges = [...graph.edges()]
    .map(
      (e) =>
        `${e.shortChannelId} ${e.from}>${e.to} ${e.feeBaseMsat}/${e.feeProportionalMillionths} ${e.cltvExpiryDelta} ` +
        `${e.htlcMinimumMsat}-${e.htlcMaximumMsat} ${e.disabled} ${e.capacityMsat}`,
    )
    .sort()
  const nodes = [...graph.nodes()].map((n) => `${n.nodeId} ${n.alias} ${n.addresses.join(',')}`).sort()
  return [...edges, ...nodes].join('\n')
}
