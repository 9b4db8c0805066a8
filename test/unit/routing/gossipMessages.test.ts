import { describe, expect, it } from 'vitest'
import { compareBytes, concatBytes, fromHex, toHex } from '../../../src/core/bytes.js'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { signDigest } from '../../../src/crypto/secp256k1.js'
import { fundingCondition } from '../../../src/channel/scripts.js'
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js'
import { featureBits } from '../../../src/wire/features.js'
import { channelAnnouncementDigest, nodeAnnouncementDigest } from '../../../src/wire/gossipDigest.js'
import type { ChannelAnnouncement } from '../../../src/wire/messages.js'
import { GossipError } from '../../../src/routing/errors.js'
import {
  checkChannelAnnouncement,
  createAnnouncementSignatures,
  createChannelAnnouncement,
  verifyChannelAnnouncement,
} from '../../../src/routing/gossip/channelAnnouncement.js'
import {
  createChannelUpdate,
  directionOf,
  isDisabled,
  nextGossipTimestamp,
  updateDirection,
  verifyChannelUpdate,
} from '../../../src/routing/gossip/channelUpdate.js'
import {
  aliasText,
  colorText,
  createNodeAnnouncement,
  verifyNodeAnnouncement,
} from '../../../src/routing/gossip/nodeAnnouncement.js'
import {
  announce,
  announcementContext,
  CHAIN_HASH,
  FakeChain,
  NOW,
  NOW_S,
  POLICY,
  testNode,
  update,
} from './helpers.js'

const alice = testNode('alice')
const bob = testNode('bob')
const mallory = testNode('mallory')
const scid = shortChannelId(101, 1, 0)
const channel = {
  nodeId1: compareBytes(alice.nodeId, bob.nodeId) < 0 ? alice.nodeId : bob.nodeId,
  nodeId2: compareBytes(alice.nodeId, bob.nodeId) < 0 ? bob.nodeId : alice.nodeId,
  capacitySat: 1_000_000n,
}

function gossipCode(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(GossipError)
    return (err as GossipError).code
  }
  throw new Error('expected a GossipError')
}

async function gossipCodeAsync(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(GossipError)
  return (err as GossipError).code
}

describe('channel_announcement', () => {
  const chain = new FakeChain()
  chain.fund(scid, alice, bob, 1_000_000n)

  it('both sides build one announcement from announcement_signatures; it verifies against the funding', async () => {
    const byAlice = announce(alice, bob, scid)
    const byBob = announce(bob, alice, scid)
    expect(toHex(encodeMessage(byAlice))).toBe(toHex(encodeMessage(byBob)))
    expect(compareBytes(byAlice.nodeId1, byAlice.nodeId2)).toBeLessThan(0)
    // each funding key sits beside its own node's id
    const aliceIsNode1 = toHex(byAlice.nodeId1) === alice.hex
    expect(toHex(aliceIsNode1 ? byAlice.bitcoinKey1 : byAlice.bitcoinKey2)).toBe(toHex(alice.fundingPubkey))
    await expect(verifyChannelAnnouncement(byAlice, CHAIN_HASH, chain.lookup)).resolves.toEqual({
      capacitySat: 1_000_000n,
    })
  })

  it('refuses a peer half for another channel or with signatures that do not verify', () => {
    const good = createAnnouncementSignatures(announcementContext(bob, alice, scid), new Uint8Array(32))
    const ctx = announcementContext(alice, bob, scid)
    expect(gossipCode(() => createChannelAnnouncement(ctx, { ...good, shortChannelId: scid + 1n }))).toBe(
      'SHORT_CHANNEL_ID_MISMATCH',
    )
    const byMallory = createAnnouncementSignatures(announcementContext(mallory, alice, scid), new Uint8Array(32))
    expect(gossipCode(() => createChannelAnnouncement(ctx, { ...good, nodeSignature: byMallory.nodeSignature }))).toBe(
      'INVALID_SIGNATURE',
    )
    expect(gossipCode(() => createChannelAnnouncement(ctx, { ...good, bitcoinSignature: good.nodeSignature }))).toBe(
      'INVALID_SIGNATURE',
    )
  })

  it('refuses another chain, unordered node ids and unknown required features', () => {
    const a = announce(alice, bob, scid)
    expect(gossipCode(() => checkChannelAnnouncement({ ...a, chainHash: sha256(CHAIN_HASH) }, CHAIN_HASH))).toBe(
      'UNKNOWN_CHAIN',
    )
    const swapped: ChannelAnnouncement = {
      ...a,
      nodeId1: a.nodeId2,
      nodeId2: a.nodeId1,
      nodeSignature1: a.nodeSignature2,
      nodeSignature2: a.nodeSignature1,
      bitcoinKey1: a.bitcoinKey2,
      bitcoinKey2: a.bitcoinKey1,
      bitcoinSignature1: a.bitcoinSignature2,
      bitcoinSignature2: a.bitcoinSignature1,
    }
    expect(gossipCode(() => checkChannelAnnouncement(swapped, CHAIN_HASH))).toBe('NODE_IDS_NOT_ORDERED')
    expect(gossipCode(() => checkChannelAnnouncement({ ...a, features: featureBits(20) }, CHAIN_HASH))).toBe(
      'UNKNOWN_REQUIRED_FEATURE',
    )
    // an unknown odd bit is fine ("it's OK to be odd"), but it is signed: re-sign to change it
    expect(gossipCode(() => checkChannelAnnouncement({ ...a, features: featureBits(21) }, CHAIN_HASH))).toBe(
      'INVALID_SIGNATURE',
    )
  })

  it('refuses each of the four signatures when it does not verify', () => {
    const a = announce(alice, bob, scid)
    const forged = signDigest(channelAnnouncementDigest(a), mallory.nodeKey)
    const fields = [
      ['nodeSignature1', 'node_signature_1'],
      ['nodeSignature2', 'node_signature_2'],
      ['bitcoinSignature1', 'bitcoin_signature_1'],
      ['bitcoinSignature2', 'bitcoin_signature_2'],
    ] as const
    for (const [field, wireName] of fields) {
      expect(() => checkChannelAnnouncement({ ...a, [field]: forged }, CHAIN_HASH)).toThrow(
        expect.objectContaining({ code: 'INVALID_SIGNATURE', details: expect.objectContaining({ field: wireName }) }),
      )
    }
  })

  it('checks the signatures over the bytes as received, extension included', () => {
    const a = announce(alice, bob, scid)
    const encoded = encodeMessage(a)
    expect(() => checkChannelAnnouncement(a, CHAIN_HASH, encoded)).not.toThrow()
    const extended = concatBytes(encoded, fromHex('0b0100'))
    expect(decodeMessage(extended).kind).toBe('message')
    expect(gossipCode(() => checkChannelAnnouncement(a, CHAIN_HASH, extended))).toBe('INVALID_SIGNATURE')
  })

  it('refuses a channel whose funding output is missing, spent, or not the 2-of-2 of its bitcoin keys', async () => {
    const a = announce(alice, bob, scid)
    expect(await gossipCodeAsync(verifyChannelAnnouncement(a, CHAIN_HASH, async () => undefined))).toBe(
      'FUNDING_OUTPUT_NOT_FOUND',
    )
    const wrongKeys = async () => ({
      value: 1_000_000n,
      condition: fundingCondition(alice.fundingPubkey, mallory.fundingPubkey),
    })
    expect(await gossipCodeAsync(verifyChannelAnnouncement(a, CHAIN_HASH, wrongKeys))).toBe('FUNDING_OUTPUT_MISMATCH')
    // signatures are checked before the chain is asked
    const lookups = chain.lookups
    await gossipCodeAsync(
      verifyChannelAnnouncement({ ...a, nodeSignature1: a.nodeSignature2 }, CHAIN_HASH, chain.lookup),
    )
    expect(chain.lookups).toBe(lookups)
  })
})

describe('channel_update', () => {
  it('sets the direction from the node id order and the disable bit, and verifies', () => {
    const fromAlice = update(alice, bob, scid)
    const fromBob = update(bob, alice, scid, { disabled: true })
    expect(updateDirection(fromAlice)).toBe(directionOf(alice.nodeId, bob.nodeId))
    expect(updateDirection(fromBob)).toBe(1 - updateDirection(fromAlice))
    expect(fromAlice.messageFlags & 1).toBe(1)
    expect(isDisabled(fromAlice)).toBe(false)
    expect(isDisabled(fromBob)).toBe(true)
    expect(() => verifyChannelUpdate(fromAlice, channel, CHAIN_HASH, NOW)).not.toThrow()
    expect(() => verifyChannelUpdate(fromBob, channel, CHAIN_HASH, NOW)).not.toThrow()
  })

  it('refuses every BOLT #7 violation with its own code', () => {
    const u = update(alice, bob, scid)
    const resign = (fields: Partial<typeof POLICY> & { timestamp?: number }) =>
      update(alice, bob, scid, fields, fields.timestamp)
    expect(
      gossipCode(() => verifyChannelUpdate({ ...u, chainHash: sha256(CHAIN_HASH) }, channel, CHAIN_HASH, NOW)),
    ).toBe('UNKNOWN_CHAIN')
    expect(gossipCode(() => verifyChannelUpdate({ ...u, messageFlags: 0 }, channel, CHAIN_HASH, NOW))).toBe(
      'HTLC_MAXIMUM_NOT_SET',
    )
    expect(
      gossipCode(() => verifyChannelUpdate(resign({ htlcMaximumMsat: 1_000_000_001n }), channel, CHAIN_HASH, NOW)),
    ).toBe('HTLC_MAXIMUM_ABOVE_CAPACITY')
    expect(() =>
      verifyChannelUpdate(resign({ htlcMaximumMsat: 1_000_000_000n }), channel, CHAIN_HASH, NOW),
    ).not.toThrow()
    expect(
      gossipCode(() =>
        verifyChannelUpdate(resign({ htlcMinimumMsat: 2000n, htlcMaximumMsat: 1999n }), channel, CHAIN_HASH, NOW),
      ),
    ).toBe('HTLC_MINIMUM_ABOVE_MAXIMUM')
    expect(
      gossipCode(() => verifyChannelUpdate(resign({ timestamp: NOW_S + 2 * 86_400 }), channel, CHAIN_HASH, NOW)),
    ).toBe('TIMESTAMP_IN_FUTURE')
    expect(gossipCode(() => verifyChannelUpdate({ ...u, feeBaseMsat: 1 }, channel, CHAIN_HASH, NOW))).toBe(
      'INVALID_SIGNATURE',
    )
    // signed by the other end of the channel than its direction bit says
    expect(
      gossipCode(() => verifyChannelUpdate({ ...u, channelFlags: u.channelFlags ^ 1 }, channel, CHAIN_HASH, NOW)),
    ).toBe('INVALID_SIGNATURE')
    const byMallory = createChannelUpdate({
      nodeKey: mallory.nodeKey,
      remoteNodeId: bob.nodeId,
      chainHash: CHAIN_HASH,
      shortChannelId: scid,
      timestamp: NOW_S,
      ...POLICY,
    })
    expect(
      gossipCode(() => verifyChannelUpdate({ ...byMallory, channelFlags: u.channelFlags }, channel, CHAIN_HASH, NOW)),
    ).toBe('INVALID_SIGNATURE')
  })

  it('timestamps always move forward, even twice in a second', () => {
    expect(nextGossipTimestamp(undefined, NOW)).toBe(NOW_S)
    expect(nextGossipTimestamp(NOW_S, NOW + 10)).toBe(NOW_S + 1)
    expect(nextGossipTimestamp(NOW_S - 100, NOW)).toBe(NOW_S)
  })
})

describe('node_announcement', () => {
  const input = {
    nodeKey: alice.nodeKey,
    alias: 'alice ⚡',
    color: '#3399ff',
    addresses: ['/ip4/127.0.0.1/tcp/9735'],
    timestamp: NOW_S,
  }

  it('carries alias, colour and multiaddrs, signed by the node key', () => {
    const n = createNodeAnnouncement(input)
    expect(toHex(n.nodeId)).toBe(alice.hex)
    expect(aliasText(n.alias)).toBe('alice ⚡')
    expect(n.alias).toHaveLength(32)
    expect(colorText(n.rgbColor)).toBe('#3399ff')
    const received = decodeMessage(encodeMessage(n))
    expect(received.kind === 'message' && received.message).toEqual(n)
    expect(() => verifyNodeAnnouncement(n, NOW)).not.toThrow()
  })

  it('refuses bad input when creating and bad messages when receiving', () => {
    expect(gossipCode(() => createNodeAnnouncement({ ...input, alias: 'x'.repeat(33) }))).toBe('INVALID_ALIAS')
    expect(gossipCode(() => createNodeAnnouncement({ ...input, color: 'blue' }))).toBe('INVALID_FIELD')
    expect(gossipCode(() => createNodeAnnouncement({ ...input, addresses: ['127.0.0.1:9735'] }))).toBe(
      'INVALID_ADDRESS',
    )
    const n = createNodeAnnouncement(input)
    expect(gossipCode(() => verifyNodeAnnouncement({ ...n, alias: new Uint8Array(32) }, NOW))).toBe('INVALID_SIGNATURE')
    expect(
      gossipCode(() =>
        verifyNodeAnnouncement(createNodeAnnouncement({ ...input, timestamp: NOW_S + 2 * 86_400 }), NOW),
      ),
    ).toBe('TIMESTAMP_IN_FUTURE')
    // a well-signed but unparsable address, as a broken peer would send it
    const { signature: _, type: __, ...unsigned } = { ...n, addresses: ['/ip4/300.0.0.1/tcp/1'] }
    const broken = {
      type: 'node_announcement' as const,
      ...unsigned,
      signature: signDigest(nodeAnnouncementDigest(unsigned), alice.nodeKey),
    }
    expect(gossipCode(() => verifyNodeAnnouncement(broken, NOW))).toBe('INVALID_ADDRESS')
  })
})
