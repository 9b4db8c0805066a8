/**
 * A peer that floods a node with gossip that does not verify: a security review
 * added a line to node.log for each (6.1 MB for 20,000, and the file was never
 * rotated). Now the lines about one peer's bad input are limited per minute,
 * with one line saying how many were left out, and each peer's gossip passes a
 * token bucket before any signature is checked: the excess is dropped and counted.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromHex, u32be } from '../../../src/core/bytes.js'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import { publicKeyOf } from '../../../src/crypto/secp256k1.js'
import type { ChannelAnnouncement, Message } from '../../../src/wire/messages.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'
import { connectTo, TestPeer } from '../../helpers/testPeer.js'

const FLOOD = 2000

function logLines(net: TestNetwork, node: string): Array<Record<string, unknown>> {
  return readFileSync(join(net.node(node).dataDir, 'node.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

function warnings(peer: TestPeer): number {
  return peer.received.filter((m) => m.type === 'warning').length
}

describe('a peer that floods a node with invalid gossip', () => {
  const net = new TestNetwork()
  const peers: TestPeer[] = []
  let chainHash: Uint8Array

  async function connectedPeer(node: string, seedByte: number): Promise<TestPeer> {
    const peer = new TestPeer(chainHash, seedByte)
    peers.push(peer)
    return connectTo(net, node, peer)
  }

  /** Channel announcements that parse but whose signatures do not verify, each for another channel. */
  function badAnnouncements(count: number): ChannelAnnouncement[] {
    const [nodeId1, nodeId2] = [
      publicKeyOf(new Uint8Array(32).fill(0x11)),
      publicKeyOf(new Uint8Array(32).fill(0x12)),
    ].sort((a, b) => Buffer.compare(a, b))
    return Array.from({ length: count }, (_, i) => ({
      type: 'channel_announcement',
      nodeSignature1: new Uint8Array([...new Uint8Array(60).fill(1), ...u32be(i)]),
      nodeSignature2: new Uint8Array(64).fill(1),
      bitcoinSignature1: new Uint8Array(64).fill(1),
      bitcoinSignature2: new Uint8Array(64).fill(1),
      features: new Uint8Array(0),
      chainHash,
      shortChannelId: shortChannelId(100 + i, 1, 0),
      nodeId1: nodeId1!,
      nodeId2: nodeId2!,
      bitcoinKey1: publicKeyOf(new Uint8Array(32).fill(0x13)),
      bitcoinKey2: publicKeyOf(new Uint8Array(32).fill(0x14)),
    }))
  }

  async function flood(peer: TestPeer): Promise<void> {
    const messages: Message[] = badAnnouncements(FLOOD)
    for (let i = 0; i < messages.length; i += 100) await peer.sendMany(messages.slice(i, i + 100))
  }

  beforeAll(async () => {
    await net.start('alice')
    chainHash = fromHex((await net.chain<{ chainHash: string }>('GET', '/info')).chainHash)
  }, 60_000)

  afterAll(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('2,000 refused announcements write 10 lines about the peer, and one more that counts the rest', async () => {
    const peer = await connectedPeer('alice', 0x81)
    await flood(peer)
    // every one of them is checked and refused with a warning, as BOLT #7 asks
    await peer.waitFor('a warning for each announcement', () => warnings(peer) >= FLOOD, 30_000)
    // the count of what was left out is written when the minute ends, or when the node stops (which also flushes the
    // log)
    await net.stopNode('alice')
    const lines = logLines(net, 'alice').filter((l) => l.peer === peer.nodeId)
    expect(lines.filter((l) => l.msg === 'refused gossip')).toHaveLength(10)
    expect(lines.filter((l) => l.msg === 'log lines about a peer left out').map((l) => l.suppressed)).toEqual([
      FLOOD - 10,
    ])
    expect(readFileSync(join(net.node('alice').dataDir, 'node.log')).length).toBeLessThan(20_000)
  })

  it('gossip over a peer’s rate is dropped before it is checked, and counted', async () => {
    await net.startNode('carol', ['--gossip-burst', '100', '--gossip-rate', '10'])
    const peer = await connectedPeer('carol', 0x82)
    const started = Date.now()
    await flood(peer)
    await peer.waitFor('the warnings for what was checked', () => warnings(peer) >= 100)
    // the last of them have arrived once none has for a second
    let checked = -1
    while (checked !== warnings(peer)) {
      checked = warnings(peer)
      await new Promise((r) => setTimeout(r, 1000))
    }
    expect(checked).toBeLessThanOrEqual(100 + Math.ceil(((Date.now() - started) / 1000) * 10))
    await net.stopNode('carol')
    const lines = logLines(net, 'carol').filter((l) => l.peer === peer.nodeId)
    expect(lines.filter((l) => l.msg === 'peer sends gossip over its rate: dropping the excess')).toHaveLength(1)
    const dropped = lines
      .filter((l) => l.msg === 'gossip over the peer’s rate dropped')
      .reduce((n, l) => n + Number(l.dropped), 0)
    expect(dropped + checked).toBe(FLOOD)
  })
})
