/**
 * BOLT #4: a node MUST refuse an onion it has already forwarded or redeemed.
 * A peer that sends a paid HTLC's onion again after the node restarted still
 * gets it refused as a replay (temporary_node_failure): the replay log lives
 * in the node's state, not in its memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../src/core/bytes.js'
import { decodeInvoice } from '../../../src/invoice/index.js'
import { attributeFailure, createPaymentOnion, FAILURE } from '../../../src/routing/onion/index.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'
import { connectTo, openChannelsTo, TestPeer } from '../../helpers/testPeer.js'

describe('a restarted node and an onion it has seen', () => {
  const net = new TestNetwork()
  let peer: TestPeer
  let channelId = ''

  beforeAll(async () => {
    await net.start('alice')
    await net.fund('alice', 2_000_000n)
    const info = await net.chain<{ chainHash: string }>('GET', '/info')
    peer = await connectTo(net, 'alice', new TestPeer(fromHex(info.chainHash), 0x52))
    ;[channelId] = (await openChannelsTo(net, 'alice', [{ peer, amountSat: 1_000_000n, pushMsat: 200_000_000n }])) as [
      string,
    ]
    await peer.waitFor('NORMAL', () => peer.data?.state === 'NORMAL')
    await waitFor('alice to call the channel active', async () => (await net.channel('alice', channelId))?.active)
  }, 60_000)

  afterAll(async () => {
    await peer?.stop().catch(() => {})
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('refuses it again after the restart (temporary_node_failure), having paid it once', async () => {
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
    await waitFor('the first HTLC settled at alice', async () =>
      (await net.channel('alice', channelId))?.pendingHtlcs.length === 0 ? true : undefined,
    )

    await net.stopNode('alice')
    await net.restartNode('alice')
    await peer.disconnect()
    await peer.connect(net.node('alice').address)
    await peer.waitFor('the channel back to NORMAL', () => peer.data?.state === 'NORMAL')
    await waitFor('alice to call the channel active', async () => (await net.channel('alice', channelId))?.active)

    const second = add()
    const failed = await peer.waitFor('the second HTLC failed', () =>
      peer.events.find((e) => e.type === 'htlc_failed' && e.htlc.id === second),
    )
    if (failed.type !== 'htlc_failed' || !failed.reason) throw new Error('no failure reason')
    const verdict = attributeFailure(onion.sharedSecrets, failed.reason)
    expect(verdict.type === 'attributed' && verdict.failure.code).toBe(FAILURE.TEMPORARY_NODE_FAILURE)
    // paid once, not twice
    const paid = (await net.node('alice').client.invoices()).find((i) => i.paymentHash === toHex(decoded.paymentHash))
    expect(paid).toMatchObject({ status: 'paid', paidMsat: 2_000_000n })
  }, 60_000)
})
