/**
 * A peer that asks for channels and never funds them: a security review sent
 * 20,000 open_channel, which cost a node a minute of CPU, 447 MB and 16,700
 * CLOSED records kept forever. Now a node holds at most its pending-channel
 * limits (10 per peer by default), answers the rest with an error and keeps
 * nothing of them, forgets an opening that never reached the chain, and aborts
 * one whose peer stops answering.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromHex, toHex, u32be } from '../../../src/core/bytes.js'
import { SeedSigner } from '../../../src/channel/signer.js'
import { sig } from '../../../src/chain/condition.js'
import { publicKeyOf } from '../../../src/crypto/secp256k1.js'
import { DEFAULT_CHANNEL_CONFIG } from '../../../src/channel/constants.js'
import { openChannel } from '../../../src/channel/opening.js'
import type { ChannelRecord } from '../../../src/node/channels/channelManager.js'
import { DurableStore } from '../../../src/node/store/durableStore.js'
import type { Message, OpenChannel } from '../../../src/wire/messages.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'
import { connectTo, TestPeer } from '../../helpers/testPeer.js'

function errorsFor(peer: TestPeer, text: string): Message[] {
  return peer.received.filter((m) => m.type === 'error' && new TextDecoder().decode(m.data).includes(text))
}

function accepts(peer: TestPeer): Message[] {
  return peer.received.filter((m) => m.type === 'accept_channel')
}

describe('a peer that opens channels it never funds', () => {
  const net = new TestNetwork()
  const peers: TestPeer[] = []
  let chainHash: Uint8Array
  let spammer: TestPeer

  async function connectedPeer(node: string, seedByte: number): Promise<TestPeer> {
    const peer = new TestPeer(chainHash, seedByte)
    peers.push(peer)
    return connectTo(net, node, peer)
  }

  /**
   * `count` valid open_channel to `node`, each with its own temporary channel id (the keys can be the same: nothing is
   * funded).
   */
  function openChannels(node: string, count: number, from = 0): OpenChannel[] {
    const r = openChannel(
      {
        remoteNodeId: fromHex(net.node(node).nodeId),
        temporaryChannelId: new Uint8Array(32),
        fundingSat: 100_000n,
        pushMsat: 0n,
        announce: false,
        config: DEFAULT_CHANNEL_CONFIG,
        keysId: '33'.repeat(32),
        finalCondition: sig(publicKeyOf(new Uint8Array(32).fill(0x34))),
      },
      { blockHeight: 0, chainHash, feeratePerKw: 253, signer: new SeedSigner({ derive: fromHex }) },
    )
    const template = r.effects.find((e) => e.type === 'send')!
    if (template.type !== 'send' || template.message.type !== 'open_channel') throw new Error('no open_channel')
    const open = template.message
    return Array.from({ length: count }, (_, i) => ({
      ...open,
      temporaryChannelId: new Uint8Array([...new Uint8Array(28).fill(0x5a), ...u32be(from + i)]),
    }))
  }

  async function channelsFrom(node: string, peer: TestPeer) {
    return (await net.node(node).client.channels()).filter((c) => c.remoteNodeId === peer.nodeId)
  }

  beforeAll(async () => {
    chainHash = await net.startAliceAndBob(2_000_000n)
  }, 60_000)

  afterAll(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('300 open_channel: alice accepts 10, refuses the rest with an error, holds 10, pays bob meanwhile', async () => {
    spammer = await connectedPeer('alice', 0x71)
    const paying = net.pay('alice', 'bob', 1_000_000n)
    const opens = openChannels('alice', 300)
    for (let i = 0; i < opens.length; i += 50) await spammer.sendMany(opens.slice(i, i + 50))
    await spammer.waitFor(
      'an answer to every open_channel',
      () => accepts(spammer).length + errorsFor(spammer, '').length >= 300,
    )
    expect(accepts(spammer)).toHaveLength(10)
    const refused = errorsFor(spammer, 'TOO_MANY_PENDING_CHANNELS')
    expect(refused).toHaveLength(290)
    // the refusals name the temporary channel ids past the limit
    expect(new Set(refused.map((m) => (m.type === 'error' ? toHex(m.channelId) : '')))).toEqual(
      new Set(opens.slice(10).map((o) => toHex(o.temporaryChannelId))),
    )
    const held = await channelsFrom('alice', spammer)
    expect(held).toHaveLength(10)
    expect(held.every((c) => c.state === 'WAIT_FOR_FUNDING_CREATED')).toBe(true)
    expect((await paying).status).toBe('succeeded')
  })

  it('when the peer goes, its openings go with it, and a restarted alice has no record of them', async () => {
    await spammer.disconnect()
    await waitFor('alice to forget the openings', async () => (await channelsFrom('alice', spammer)).length === 0)
    await net.stopNode('alice')
    const store = await DurableStore.open(join(net.node('alice').dataDir, 'state.log'))
    const records = [...store.kv<ChannelRecord>('channel').entries()].map(([, r]) => r)
    await store.close()
    expect(records.filter((r) => r.peer === spammer.nodeId)).toEqual([])
    expect(records.map((r) => r.peer)).toEqual([net.node('bob').nodeId])
    await net.restartNode('alice')
    await net.connect('alice', 'bob')
    await waitFor('alice to call the channel to bob active', async () =>
      (await net.node('alice').client.channels()).some((c) => c.remoteNodeId === net.node('bob').nodeId && c.active),
    )
    expect(await channelsFrom('alice', spammer)).toEqual([])
    expect((await net.pay('alice', 'bob', 1_000_000n)).status).toBe('succeeded')
  })

  it('an accepted opening the peer never funds times out, and its place is free again', async () => {
    await net.startNode('carol', ['--opening-timeout', '2', '--max-pending-channels-per-peer', '2'])
    const peer = await connectedPeer('carol', 0x72)
    await peer.sendMany(openChannels('carol', 3))
    await peer.waitFor(
      'two accepted, one refused',
      () => accepts(peer).length === 2 && errorsFor(peer, 'TOO_MANY_PENDING_CHANNELS').length === 1,
    )
    await peer.waitFor('both openings to time out', () => errorsFor(peer, 'OPENING_TIMED_OUT').length === 2, 10_000)
    expect(await channelsFrom('carol', peer)).toEqual([])
    await peer.sendMany(openChannels('carol', 1, 100))
    await peer.waitFor('a new opening accepted', () => accepts(peer).length === 3)
  })
})
