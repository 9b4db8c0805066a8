/**
 * How a node passes gossip on: in batches (one write per peer), never back to a
 * peer that sent it, and not to a peer that sent the same message meanwhile.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fromHex } from '../../../src/core/bytes.js'
import { SeedSigner } from '../../../src/channel/signer.js'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import { fundingCondition } from '../../../src/channel/scripts.js'
import type { ChannelUpdate, Message } from '../../../src/wire/messages.js'
import { encodeMessage } from '../../../src/wire/codec.js'
import type { ChainAccess } from '../../../src/node/chain/chainAccess.js'
import { DEFAULT_NODE_LIMITS } from '../../../src/api/node/limits.js'
import { createLogger } from '../../../src/node/logger.js'
import { PeerLogLimiter } from '../../../src/node/peerLogLimiter.js'
import {
  GOSSIP_BATCH_MS,
  GOSSIP_BUSY_BATCH_MS,
  GOSSIP_BUSY_BATCH_SIZE,
  GossipService,
} from '../../../src/node/gossip/gossipService.js'
import { announce, CHAIN_HASH, testNode, update } from '../routing/helpers.js'

const alice = testNode('alice')
const bob = testNode('bob')
const us = testNode('us')
const scid = shortChannelId(101, 1, 0)
const PEERS = ['p1', 'p2', 'p3']

type Sent = Array<{ peer: string; message: Message }>
type GossipComponents = ConstructorParameters<typeof GossipService>[0]

/** A gossip service with in-memory storage that records what it sends; `deps` overrides the rest. */
function gossipService(sent: Sent, deps: Partial<GossipComponents>): GossipService {
  const values = new Map<string, unknown>()
  return new GossipService({
    log: createLogger({ level: 'error', console: false, name: 'us' }),
    nodeSecret: us.nodeKey,
    signer: new SeedSigner({ derive: fromHex }),
    nodeId: us.nodeId,
    alias: 'us',
    chainHash: CHAIN_HASH,
    chain: {} as ChainAccess,
    kv: { get: (k: string) => values.get(k), set: (k: string, v: unknown) => void values.set(k, v) } as never,
    tip: { height: 110 },
    transport: { listenAddresses: () => [] },
    peers: {
      connectedPeers: () => PEERS,
      send: (peer: string, message: Message) => void sent.push({ peer, message }),
      isConnected: () => true,
    },
    channels: { get: () => undefined, list: () => [] },
    policies: {
      of: () => ({ feeBaseMsat: 1000n, feeProportionalMillionths: 1n, cltvExpiryDelta: 40, htlcMinimumMsat: 1n }),
    },
    limits: DEFAULT_NODE_LIMITS,
    peerLog: new PeerLogLimiter(createLogger({ level: 'error', console: false, name: 'us' }), 10),
    ...deps,
  })
}

function service(sent: Sent): GossipService {
  const g = gossipService(sent, {})
  // the channel outputs of the block holding alice and bob's funding output, as the chain sends them
  const condition = fundingCondition(alice.fundingPubkey, bob.fundingPubkey)
  g.fundingIndex.onBlock(101, {
    created: [{ txIndex: 1, vout: 0, txid: '11'.repeat(32), valueSat: 1_000_000n, condition }],
    spent: [],
  })
  return g
}

// every test here runs on fake timers: the batches wait on setTimeout and stamp Date.now()
beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }))
afterEach(() => void vi.useRealTimers())

describe('gossip relay', () => {
  it('waits for the batch, then sends each message once to each peer that has not sent it', async () => {
    const sent: Sent = []
    const g = service(sent)
    const announcement = announce(alice, bob, scid)
    const fromAlice = update(alice, bob, scid, {}, Math.floor(Date.now() / 1000))
    await g.onGossip('p1', announcement, encodeMessage(announcement))
    await g.onGossip('p1', fromAlice, encodeMessage(fromAlice))
    // the same update reaches us from p2 before the batch leaves
    await g.onGossip('p2', fromAlice, encodeMessage(fromAlice))
    expect(sent).toEqual([])
    vi.advanceTimersByTime(GOSSIP_BATCH_MS)
    const to = (peer: string): string[] => sent.filter((s) => s.peer === peer).map((s) => s.message.type)
    expect(to('p1')).toEqual([])
    expect(to('p2')).toEqual(['channel_announcement'])
    expect(to('p3')).toEqual(['channel_announcement', 'channel_update'])
    // nothing more: every message went out once
    vi.advanceTimersByTime(10 * GOSSIP_BATCH_MS)
    expect(sent).toHaveLength(3)
  })
})

describe('gossip relay while flooding', () => {
  it('waits longer after a large batch, and goes back to the short wait once traffic is light', async () => {
    const sent: Sent = []
    const g = service(sent)
    const now = Math.floor(Date.now() / 1000)
    const announcement = announce(alice, bob, scid)
    await g.onGossip('p1', announcement, encodeMessage(announcement))
    for (let i = 0; i < GOSSIP_BUSY_BATCH_SIZE; i++) {
      const u = update(alice, bob, scid, {}, now - 100 + i)
      await g.onGossip('p1', u, encodeMessage(u))
    }
    vi.advanceTimersByTime(GOSSIP_BATCH_MS)
    const afterFlood = sent.length
    expect(afterFlood).toBe(2 * (GOSSIP_BUSY_BATCH_SIZE + 1))
    const late = update(alice, bob, scid, {}, now)
    await g.onGossip('p1', late, encodeMessage(late))
    vi.advanceTimersByTime(GOSSIP_BATCH_MS)
    expect(sent).toHaveLength(afterFlood)
    vi.advanceTimersByTime(GOSSIP_BUSY_BATCH_MS - GOSSIP_BATCH_MS)
    expect(sent).toHaveLength(afterFlood + 2)
    const quiet = update(alice, bob, scid, {}, now + 1)
    await g.onGossip('p1', quiet, encodeMessage(quiet))
    vi.advanceTimersByTime(GOSSIP_BATCH_MS)
    expect(sent).toHaveLength(afterFlood + 4)
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
})
