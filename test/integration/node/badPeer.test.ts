/**
 * A misbehaving peer (a hand-driven channel state machine in the test process)
 * against a real node process: malformed and oversized frames, a bad commitment
 * signature and a wrong revocation secret each get a warning naming the problem,
 * the channel keeps its last signed state, and afterwards it still pays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromHex, toHex, u16be, concatBytes } from '../../../src/core/bytes.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { decodeInvoice, encodeInvoice } from '../../../src/invoice/index.js'
import { attributeFailure, createPaymentOnion, FAILURE } from '../../../src/routing/onion/index.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import type { Message } from '../../../src/wire/messages.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'
import { TestPeer } from '../../helpers/testPeer.js'

function warnings(peer: TestPeer): string[] {
  return peer.received.flatMap((m) => (m.type === 'warning' ? [new TextDecoder().decode(m.data)] : []))
}

describe('a node facing a misbehaving peer', () => {
  const net = new TestNetwork()
  let peer: TestPeer
  let channelId = ''

  async function reconnect(): Promise<void> {
    await peer.disconnect()
    await new Promise((r) => setTimeout(r, 100))
    await peer.connect(net.node('alice').address)
    await peer.waitFor('the channel back to NORMAL', () => peer.data?.state === 'NORMAL')
    await waitFor('alice to call the channel active', async () => (await net.channel('alice', channelId))?.active)
  }

  /** Both sides settled: no HTLC, no signature waiting for its revocation. */
  async function quiet(): Promise<void> {
    await waitFor('the channel to be quiet', async () => {
      const c = commitmentsOf(peer.data!)!
      const a = await net.channel('alice', channelId)
      return (
        c.localCommit.spec.htlcs.length === 0 &&
        c.remoteNextCommitInfo.kind === 'ready' &&
        c.localChanges.proposed.length === 0 &&
        a?.pendingHtlcs.length === 0 &&
        a.active
      )
    })
  }

  async function payPeer(amountMsat: bigint, preimageByte: number) {
    const preimage = new Uint8Array(32).fill(preimageByte)
    const invoice = encodeInvoice(
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
    const paying = net.node('alice').client.pay({ invoice, timeoutSeconds: 30 })
    return { preimage, paying }
  }

  /** The peer settles what arrives, as a well-behaved node would. */
  async function settleIncoming(preimage: Uint8Array): Promise<void> {
    const received = await peer.waitFor('the HTLC to arrive irrevocably', () =>
      peer.events.find((e) => e.type === 'htlc_received' && toHex(e.add.paymentHash) === toHex(sha256(preimage))),
    )
    if (received.type !== 'htlc_received') throw new Error()
    peer.input({ type: 'command', command: { type: 'fulfill_htlc', id: received.add.id, preimage } })
    peer.input({ type: 'command', command: { type: 'sign' } })
  }

  beforeAll(async () => {
    await net.start('alice')
    await net.fund('alice', 2_000_000n)
    const info = await net.chain<{ chainHash: string }>('GET', '/info')
    peer = new TestPeer(fromHex(info.chainHash))
    await peer.start()
    await peer.connect(net.node('alice').address)
    await waitFor('alice to see the peer', async () =>
      (await net.node('alice').client.peers()).some((p) => p.nodeId === peer.nodeId && p.connected),
    )
    const opened = await net
      .node('alice')
      .client.openChannel({ nodeId: peer.nodeId, amountSat: 1_000_000n, pushMsat: 200_000_000n })
    channelId = opened.channelId
    await net.mine(3)
    const tx = await net.chain<{ blockHeight: number }>('GET', `/transactions/${opened.fundingTxid}`)
    const block = await net.chain<{ txids: string[] }>('GET', `/blocks/${tx.blockHeight}`)
    peer.blockHeight = tx.blockHeight + 2
    peer.input({
      type: 'tx_confirmed',
      txid: opened.fundingTxid,
      blockHeight: tx.blockHeight,
      txIndex: block.txids.indexOf(opened.fundingTxid),
    })
    await peer.waitFor('NORMAL', () => peer.data?.state === 'NORMAL')
    await waitFor('alice to call the channel active', async () => (await net.channel('alice', channelId))?.active)
  }, 60_000)

  afterAll(async () => {
    await peer?.stop().catch(() => {})
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('a truncated message gets a TRUNCATED warning, the connection stays; an unknown odd type is ignored', async () => {
    const c = commitmentsOf(peer.data!)!
    const add: Message = {
      type: 'update_add_htlc',
      channelId: c.channelId,
      id: 0n,
      amountMsat: 1000n,
      paymentHash: new Uint8Array(32),
      cltvExpiry: 500,
      onionRoutingPacket: new Uint8Array(1366),
    }
    const bytes = peer.encoded(add)
    await peer.sendRawFrame(bytes.subarray(0, 100))
    await peer.sendRawFrame(concatBytes(u16be(32769), Uint8Array.of(1, 2, 3)))
    await peer.waitFor('a warning', () => warnings(peer).find((w) => w.startsWith('TRUNCATED')))
    expect(warnings(peer).filter((w) => w.startsWith('TRUNCATED'))).toHaveLength(1)
    expect(warnings(peer)).toHaveLength(1)
    expect((await net.node('alice').client.peers()).find((p) => p.nodeId === peer.nodeId)?.connected).toBe(true)
  })

  it('an oversized frame gets a FRAME_TOO_LARGE warning, the connection closes; the channel comes back', async () => {
    // a varint length prefix of 70,000 bytes, then the start of the frame
    await peer.sendRawFrame(new Uint8Array(70_000))
    await peer.waitFor('a FRAME_TOO_LARGE warning', () => warnings(peer).find((w) => w.startsWith('FRAME_TOO_LARGE')))
    await waitFor(
      'alice to drop the connection',
      async () => !(await net.node('alice').client.peers()).find((p) => p.nodeId === peer.nodeId)?.connected,
    )
    await reconnect()
  })

  it('a bad commitment signature gets INVALID_COMMITMENT_SIGNATURE; the channel keeps its signed state', async () => {
    const before = (await net.channel('alice', channelId))!
    peer.tamper = (m) => (m.type === 'commitment_signed' ? { ...m, signature: new Uint8Array(64).fill(3) } : m)
    peer.input({
      type: 'command',
      command: {
        type: 'add_htlc',
        commandId: 'x',
        amountMsat: 5_000_000n,
        paymentHash: sha256(new Uint8Array(32).fill(9)),
        cltvExpiry: 500,
        onionRoutingPacket: new Uint8Array(1366),
      },
    })
    peer.input({ type: 'command', command: { type: 'sign' } })
    await peer.waitFor('the warning', () => warnings(peer).find((w) => w.startsWith('INVALID_COMMITMENT_SIGNATURE')))
    peer.tamper = (m) => m
    const after = (await net.channel('alice', channelId))!
    expect(after.commitmentNumber).toBe(before.commitmentNumber)
    expect(after.localBalanceMsat).toBe(before.localBalanceMsat)
    expect(after.pendingHtlcs).toHaveLength(0)
    await reconnect()
  })

  it('a wrong revocation secret gets INVALID_REVOCATION_SECRET; reconnected, the right one pays through', async () => {
    // the HTLC of the previous test is still being failed back: let that finish first
    await quiet()
    peer.tamper = (m) =>
      m.type === 'revoke_and_ack' ? { ...m, perCommitmentSecret: sha256(m.perCommitmentSecret) } : m
    const { preimage, paying } = await payPeer(7_000_000n, 0x40)
    await peer.waitFor('the warning', () => warnings(peer).find((w) => w.startsWith('INVALID_REVOCATION_SECRET')))
    peer.tamper = (m) => m
    await reconnect()
    await settleIncoming(preimage)
    const payment = await paying
    expect(payment.status).toBe('succeeded')
    expect(payment.preimage).toBe(toHex(preimage))
  })

  it('afterwards the channel still works, and both sides agree to the msat', async () => {
    const { preimage, paying } = await payPeer(3_000_000n, 0x50)
    await settleIncoming(preimage)
    expect((await paying).status).toBe('succeeded')
    await waitFor(
      'no HTLC in flight',
      async () =>
        (await net.channel('alice', channelId))?.pendingHtlcs.length === 0 &&
        commitmentsOf(peer.data!)!.localCommit.spec.htlcs.length === 0,
    )
    const a = (await net.channel('alice', channelId))!
    const p = commitmentsOf(peer.data!)!
    expect(p.localCommit.spec.toLocalMsat).toBe(200_000_000n + 7_000_000n + 3_000_000n)
    expect(a.remoteBalanceMsat).toBe(p.localCommit.spec.toLocalMsat)
    expect(a.localBalanceMsat + a.remoteBalanceMsat).toBe(1_000_000_000n)
  })

  it('an onion sent again in a second HTLC is refused as a replay (temporary_node_failure); one is paid', async () => {
    await quiet()
    const { invoice } = await net.node('alice').client.createInvoice({ amountMsat: 2_000_000n })
    const decoded = decodeInvoice(invoice)
    const cltvExpiry = peer.blockHeight + 200
    const onion = createPaymentOnion(
      new Uint8Array(32).fill(0x61),
      [
        {
          pubkey: fromHex(net.node('alice').nodeId),
          payload: {
            amtToForward: 2_000_000n,
            outgoingCltvValue: cltvExpiry,
            paymentData: { paymentSecret: decoded.paymentSecret!, totalMsat: 2_000_000n },
          },
        },
      ],
      decoded.paymentHash,
    )
    // the same onion each time: the node must refuse it once it has seen it
    const add = (): bigint =>
      peer.addHtlc(2_000_000n, { paymentHash: decoded.paymentHash, cltvExpiry, onion: onion.packet })
    const first = add()
    await peer.waitFor('the first HTLC fulfilled', () =>
      peer.events.find((e) => e.type === 'htlc_fulfilled' && e.htlc.id === first),
    )
    const second = add()
    const failed = await peer.waitFor('the second HTLC failed', () =>
      peer.events.find((e) => e.type === 'htlc_failed' && e.htlc.id === second),
    )
    if (failed.type !== 'htlc_failed' || !failed.reason) throw new Error('no failure reason')
    const verdict = attributeFailure(onion.sharedSecrets, failed.reason)
    expect(verdict.type === 'attributed' && verdict.failure.code).toBe(FAILURE.TEMPORARY_NODE_FAILURE)
    await quiet()
  })
})
