/**
 * The two findings of the security review that let any peer take a node down:
 * a per-commitment point that is not on the curve, in `channel_ready` or in
 * `revoke_and_ack`, used to be stored unchecked and then throw inside the node's
 * key derivation: the process exited (and again after every restart), or, when
 * the node had to sign right after, it stayed up with every channel stalled.
 * Now the point is refused where it is decoded, only that channel fails (it is
 * force-closed, and the peer gets an `error`), and the node's other channels pay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256 } from '../../../src/crypto/hash.js'
import { encodeInvoice } from '../../../src/invoice/index.js'
import type { Message } from '../../../src/wire/messages.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'
import { openChannelsTo, TestPeer } from '../../helpers/testPeer.js'

/** 0x02 then 32 zero bytes: the right shape, but x = 0 is on no secp256k1 point. */
const OFF_CURVE = Uint8Array.of(2, ...new Uint8Array(32))

function errors(peer: TestPeer): string[] {
  return peer.received.flatMap((m) => (m.type === 'error' ? [new TextDecoder().decode(m.data)] : []))
}

describe('a peer that sends a per-commitment point off the curve', () => {
  const net = new TestNetwork()
  const peers: TestPeer[] = []
  let chainHash: Uint8Array

  /** A test peer with a channel from alice, confirmed; `tamper` is in place from the start. */
  async function peerWithChannel(seedByte: number, tamper: (m: Message) => Message | null = (m) => m) {
    const peer = new TestPeer(chainHash, seedByte)
    peers.push(peer)
    peer.tamper = tamper
    await peer.start()
    await peer.connect(net.node('alice').address)
    const [channelId] = await openChannelsTo(net, 'alice', [{ peer }])
    return { peer, channelId: channelId! }
  }

  function invoiceFrom(peer: TestPeer, amountMsat: bigint, preimageByte: number): string {
    const preimage = new Uint8Array(32).fill(preimageByte)
    return encodeInvoice(
      {
        network: 'bcrt',
        amountMsat,
        timestamp: Math.floor(Date.now() / 1000),
        paymentHash: sha256(preimage),
        paymentSecret: new Uint8Array(32).fill(preimageByte + 1),
        description: 'to the test peer',
      },
      peer.secret,
    )
  }

  /** What a user checks after an attack: alice is up, and her channel to bob still pays. */
  async function aliceStillWorks(): Promise<void> {
    expect(net.node('alice').online).toBe(true)
    const payment = await net.pay('alice', 'bob', 1_000_000n)
    expect(payment.status).toBe('succeeded')
  }

  beforeAll(async () => {
    chainHash = await net.startAliceAndBob(5_000_000n)
  }, 60_000)

  afterAll(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('in channel_ready: the channel fails with an error to the peer and force-closes; alice pays bob', async () => {
    const { peer, channelId } = await peerWithChannel(0x71, (m) =>
      m.type === 'channel_ready' ? { ...m, secondPerCommitmentPoint: OFF_CURVE } : m,
    )
    await peer.waitFor('an error for the channel', () => errors(peer).find((e) => e.includes('INVALID_POINT')))
    await waitFor(
      'alice to close the channel on chain',
      async () => (await net.channel('alice', channelId))?.state === 'CLOSING',
    )
    await aliceStillWorks()
  })

  it('in revoke_and_ack: the payment fails, the channel is force-closed, alice stays up and pays bob', async () => {
    const { peer, channelId } = await peerWithChannel(0x72)
    await peer.waitFor('NORMAL', () => peer.data?.state === 'NORMAL')
    await waitFor('alice to call the channel active', async () => (await net.channel('alice', channelId))?.active)
    peer.tamper = (m) => (m.type === 'revoke_and_ack' ? { ...m, nextPerCommitmentPoint: OFF_CURVE } : m)
    // its HTLC is now on chain, in the commitment alice published: the payment ends when that resolves
    void net
      .node('alice')
      .client.pay({ invoice: invoiceFrom(peer, 5_000_000n, 0x30), timeoutSeconds: 30 })
      .catch(() => {})
    await waitFor(
      'alice to close the channel on chain',
      async () => (await net.channel('alice', channelId))?.state === 'CLOSING',
    )
    await peer.waitFor('an error for the channel', () => errors(peer).find((e) => e.includes('INVALID_POINT')))
    await aliceStillWorks()
  })

  it('in revoke_and_ack while alice has a second HTLC to sign: no channel of alice stalls', async () => {
    const { peer, channelId } = await peerWithChannel(0x73)
    await peer.waitFor('NORMAL', () => peer.data?.state === 'NORMAL')
    await waitFor('alice to call the channel active', async () => (await net.channel('alice', channelId))?.active)
    peer.tamper = (m) => (m.type === 'revoke_and_ack' ? { ...m, nextPerCommitmentPoint: OFF_CURVE } : m)
    // two payments at once: the second HTLC waits for the peer's revocation before alice can sign it
    for (const b of [0x40, 0x42])
      void net
        .node('alice')
        .client.pay({ invoice: invoiceFrom(peer, 2_000_000n, b), timeoutSeconds: 30 })
        .catch(() => {})
    await waitFor(
      'alice to close the channel on chain',
      async () => (await net.channel('alice', channelId))?.state === 'CLOSING',
    )
    await peer.waitFor('an error for the channel', () => errors(peer).find((e) => e.includes('INVALID_POINT')))
    await aliceStillWorks()
  })

  it('a restarted alice stays up, and her failed channels stay closing', async () => {
    await net.restartNode('alice')
    await net.connect('alice', 'bob')
    await waitFor('alice to call the channel to bob active', async () =>
      (await net.node('alice').client.channels()).some((c) => c.remoteNodeId === net.node('bob').nodeId && c.active),
    )
    for (const p of peers) await p.connect(net.node('alice').address).catch(() => {})
    const closing = (await net.node('alice').client.channels()).filter((c) =>
      peers.some((p) => p.nodeId === c.remoteNodeId),
    )
    expect(closing.map((c) => c.state)).toEqual(['CLOSING', 'CLOSING', 'CLOSING'])
    await aliceStillWorks()
  })
})
