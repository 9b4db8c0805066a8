/**
 * A peer that makes a node hold what it sends it, then never reads: a security
 * review grew a node from 73 MB to 3.8 GB in 20 s with 7-byte pings asking for
 * 65,531-byte pongs. Now pings are answered one pong at a time and at a bounded
 * rate, a peer that pings far beyond the rate is disconnected, and the bytes
 * waiting for any one peer are bounded: one that does not read is disconnected.
 * Either way the node stays small and still pays its other peer.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '../../../src/wire/messages.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'
import { connectTo, TestPeer } from '../../helpers/testPeer.js'

/** Resident memory of a process, in MB, as the kernel counts it. */
function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (!kb) throw new Error(`no VmRSS for process ${pid}`)
  return Number(kb[1]) / 1024
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('a peer that does not read what a node sends it', () => {
  const net = new TestNetwork()
  const peers: TestPeer[] = []
  let chainHash: Uint8Array

  async function connectedPeer(seedByte: number): Promise<TestPeer> {
    const peer = new TestPeer(chainHash, seedByte)
    peers.push(peer)
    return connectTo(net, 'alice', peer)
  }

  async function isConnected(peer: TestPeer): Promise<boolean> {
    return (await net.node('alice').client.peers()).some((p) => p.nodeId === peer.nodeId && p.connected)
  }

  /** Sends `count` messages in batches, noting alice's resident memory as it goes; returns the highest seen. */
  async function flood(peer: TestPeer, message: Message, count: number, batch: number): Promise<number> {
    const pid = net.node('alice').process!.pid!
    let peak = rssMb(pid)
    for (let sent = 0; sent < count; sent += batch) {
      await peer.sendMany(new Array<Message>(batch).fill(message)).catch(() => {})
      peak = Math.max(peak, rssMb(pid))
      await sleep(5)
    }
    // what already arrived is still being answered
    for (let i = 0; i < 20; i++) {
      await sleep(100)
      peak = Math.max(peak, rssMb(pid))
    }
    return peak
  }

  async function aliceStillPaysBob(): Promise<void> {
    expect(net.node('alice').online).toBe(true)
    const payment = await net.pay('alice', 'bob', 1_000_000n)
    expect(payment.status).toBe('succeeded')
  }

  beforeAll(async () => {
    chainHash = await net.startAliceAndBob(2_000_000n)
  }, 60_000)

  afterAll(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('20,000 pings for 65,531-byte pongs: alice grows less than 100 MB, drops the peer, and pays bob', async () => {
    const peer = await connectedPeer(0x61)
    const before = rssMb(net.node('alice').process!.pid!)
    peer.stopReading()
    // 140 KB sent; answered in full, 1.3 GB of pongs
    const peak = await flood(peer, { type: 'ping', numPongBytes: 65_531, ignored: new Uint8Array(0) }, 20_000, 500)
    expect(peak - before).toBeLessThan(100)
    await waitFor('alice to disconnect the peer', async () => !(await isConnected(peer)), 10_000)
    await aliceStillPaysBob()
  })

  it('a flood of messages drawing warnings: past the outgoing limit the peer goes; alice stays small', async () => {
    const peer = await connectedPeer(0x62)
    const before = rssMb(net.node('alice').process!.pid!)
    peer.stopReading()
    // each update_fee for a channel alice does not have (38 bytes) draws a 116-byte warning: 11.6 MB of them
    const unknownChannel: Message = { type: 'update_fee', channelId: new Uint8Array(32).fill(0xee), feeratePerKw: 253 }
    const peak = await flood(peer, unknownChannel, 100_000, 2_000)
    expect(peak - before).toBeLessThan(100)
    await waitFor('alice to disconnect the peer', async () => !(await isConnected(peer)), 10_000)
    await waitFor(
      'alice to log why',
      async () =>
        readFileSync(join(net.node('alice').dataDir, 'node.log'), 'utf8').includes(
          'peer does not read what we send: disconnecting',
        ),
      5_000,
    )
    await aliceStillPaysBob()
  })
})
