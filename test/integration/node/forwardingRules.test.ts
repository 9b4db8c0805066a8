/**
 * A forwarding node (a real process) checks each HTLC against BOLT #4's rules
 * and answers as the BOLTs have it, seen from two hand-driven peers:
 *
 *   upstream peer ── alice ── downstream peer
 *
 * The upstream peer sends crafted onions through alice and reads the failures
 * alice sends back with the onion's shared secrets, as a payer would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromHex, toHex, u64be, utf8 } from '../../../src/core/bytes.js'
import { parseScid } from '../../../src/core/shortChannelId.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { NodeApiError } from '../../../src/api/node/client.js'
import { decodeMessage } from '../../../src/wire/codec.js'
import { encodeTlvStream, encodeTruncatedUint } from '../../../src/wire/tlv.js'
import { attributeFailure, encodeHopPayload, FAILURE, type FailureMessage } from '../../../src/routing/onion/index.js'
import { createOnion } from '../../../src/routing/onion/sphinx.js'
import { forwardingFee } from '../../../src/routing/route.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'
import { connectTo, openChannelsTo, TestPeer } from '../../helpers/testPeer.js'

/** alice's default policy (lnsim node start): 1,000 msat + 1 ppm, delta 40 */
const FEE_BASE = 1000n
const FEE_PPM = 1n
const DELTA = 40

describe('forwarding rules at a node', () => {
  const net = new TestNetwork()
  let upstream: TestPeer
  let downstream: TestPeer
  let outChannel = ''
  let outScid = 0n
  let sent = 0

  /** What alice's chain tip is now. */
  const tip = async (): Promise<number> => (await net.chain<{ height: number }>('GET', '/info')).height

  /**
   * Sends `amtToForward` through alice to the downstream peer, alice's own payload given raw when `alicePayload`
   * is; resolves with the failure alice sent back, or `arrived` once the HTLC reached the downstream peer.
   */
  async function forward(
    amtToForward: bigint,
    outgoingCltvValue: number,
    options: { alicePayload?: Uint8Array; onArrival?: (id: bigint, onion: Uint8Array) => void } = {},
  ): Promise<{ arrived: true } | { arrived: false; hop: number; failure: FailureMessage }> {
    const n = sent++
    const paymentHash = sha256(utf8(`forwarding rules ${n}`))
    const onion = createOnion(
      sha256(utf8(`session ${n}`)),
      [
        {
          pubkey: fromHex(net.node('alice').nodeId),
          payload:
            options.alicePayload ??
            encodeHopPayload({ amtToForward, outgoingCltvValue, shortChannelId: outScid }, false),
        },
        {
          pubkey: fromHex(downstream.nodeId),
          payload: encodeHopPayload(
            {
              amtToForward,
              outgoingCltvValue,
              paymentData: { paymentSecret: new Uint8Array(32).fill(7), totalMsat: amtToForward },
            },
            true,
          ),
        },
      ],
      paymentHash,
    )
    upstream.input({
      type: 'command',
      command: {
        type: 'add_htlc',
        commandId: `forward-${n}`,
        amountMsat: amtToForward + forwardingFee(amtToForward, FEE_BASE, FEE_PPM),
        paymentHash,
        cltvExpiry: outgoingCltvValue + DELTA,
        onionRoutingPacket: onion.packet,
      },
    })
    const r = upstream.lastReply
    if (!r?.ok || r.htlcId === undefined) throw new Error(`the upstream peer could not add: ${JSON.stringify(r)}`)
    const id = r.htlcId
    upstream.input({ type: 'command', command: { type: 'sign' } })
    const outcome = await upstream.waitFor('the HTLC to fail back or reach the downstream peer', () => {
      const arrived = downstream.events.find(
        (e) => e.type === 'htlc_received' && toHex(e.add.paymentHash) === toHex(paymentHash),
      )
      if (arrived?.type === 'htlc_received') return { add: arrived.add }
      return upstream.events.some((e) => e.type === 'htlc_failed' && e.htlc.id === id) ? { add: undefined } : undefined
    })
    const add = outcome.add
    if (add) {
      if (options.onArrival) options.onArrival(add.id, add.onionRoutingPacket)
      else downstream.input({ type: 'command', command: { type: 'fail_htlc', id: add.id, reason: new Uint8Array(32) } })
      downstream.input({ type: 'command', command: { type: 'sign' } })
      await upstream.waitFor('the HTLC to come back', () =>
        upstream.events.find((e) => e.type === 'htlc_failed' && e.htlc.id === id),
      )
      if (!options.onArrival) return { arrived: true }
    }
    return failureOf(onion.sharedSecrets, id)
  }

  function failureOf(
    sharedSecrets: Uint8Array[],
    id: bigint,
  ): { arrived: false; hop: number; failure: FailureMessage } {
    const failed = upstream.events.find((e) => e.type === 'htlc_failed' && e.htlc.id === id)
    if (failed?.type !== 'htlc_failed' || !failed.reason) throw new Error('no failure reason')
    const verdict = attributeFailure(sharedSecrets, failed.reason)
    if (verdict.type !== 'attributed') throw new Error(`the failure could not be read: ${verdict.type}`)
    return { arrived: false, hop: verdict.failingHopIndex, failure: verdict.failure }
  }

  beforeAll(async () => {
    await net.start('alice')
    await net.fund('alice', 1_500_000n)
    await net.fund('alice', 1_500_000n)
    const chainHash = fromHex((await net.chain<{ chainHash: string }>('GET', '/info')).chainHash)
    upstream = await connectTo(net, 'alice', new TestPeer(chainHash, 0x71))
    downstream = await connectTo(net, 'alice', new TestPeer(chainHash, 0x72))
    const [inChannel, out] = await openChannelsTo(net, 'alice', [
      { peer: upstream, amountSat: 1_000_000n, pushMsat: 400_000_000n },
      { peer: downstream, amountSat: 500_000n },
    ])
    outChannel = out!
    for (const [peer, id] of [
      [upstream, inChannel!],
      [downstream, outChannel],
    ] as const) {
      await peer.waitFor('NORMAL', () => peer.data?.state === 'NORMAL')
      await waitFor('alice to call the channel active', async () => (await net.channel('alice', id))?.active)
    }
    outScid = parseScid((await net.channel('alice', outChannel))!.shortChannelId!)
  }, 90_000)

  afterAll(async () => {
    await upstream?.stop().catch(() => {})
    await downstream?.stop().catch(() => {})
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('htlc_maximum_msat: none above the capacity; an HTLC above it fails with temporary_channel_failure', async () => {
    const refused = await net
      .node('alice')
      .client.setChannelPolicy(outChannel, { htlcMaximumMsat: 500_000_001n })
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(NodeApiError)
    expect((refused as NodeApiError).code).toBe('INVALID_POLICY')
    const policy = await net.node('alice').client.setChannelPolicy(outChannel, { htlcMaximumMsat: 5_000_000n })
    expect(policy.htlcMaximumMsat).toBe(5_000_000n)
    const height = await tip()

    const above = await forward(5_000_001n, height + 100)
    expect(above).toMatchObject({ arrived: false, hop: 0, failure: { code: FAILURE.TEMPORARY_CHANNEL_FAILURE } })
    // with the channel_update that says why: htlc_maximum_msat set (message_flags bit 0) to the new maximum
    const update = decodeMessage((above as { failure: FailureMessage }).failure.channelUpdate!)
    expect(update.kind === 'message' && update.message.type === 'channel_update' && update.message).toMatchObject({
      shortChannelId: outScid,
      messageFlags: 1,
      htlcMaximumMsat: 5_000_000n,
    })

    expect(await forward(5_000_000n, height + 100)).toEqual({ arrived: true })
  }, 60_000)

  it(`expiry_too_far: an outgoing CLTV more than 2016 blocks ahead is refused`, async () => {
    const height = await tip()
    expect(await forward(1_000_000n, height + 2017)).toMatchObject({
      arrived: false,
      hop: 0,
      failure: { code: FAILURE.EXPIRY_TOO_FAR },
    })
    expect(await forward(1_000_000n, height + 2016)).toEqual({ arrived: true })
  }, 60_000)

  it('a malformed failure from downstream goes upstream as invalid_onion_* with the onion hash reported', async () => {
    const reported = sha256(utf8('the hash the downstream node reported'))
    let forwardedOnion: Uint8Array | undefined
    const back = await forward(1_000_000n, (await tip()) + 100, {
      onArrival: (id, onion) => {
        forwardedOnion = onion
        downstream.input({
          type: 'command',
          command: {
            type: 'fail_malformed_htlc',
            id,
            sha256OfOnion: reported,
            failureCode: FAILURE.INVALID_ONION_HMAC,
          },
        })
      },
    })
    expect(forwardedOnion).toBeDefined()
    expect(back).toMatchObject({ arrived: false, hop: 0, failure: { code: FAILURE.INVALID_ONION_HMAC } })
    expect(toHex((back as { failure: FailureMessage }).failure.sha256OfOnion!)).toBe(toHex(reported))
  }, 60_000)

  it('invalid_onion_payload names the faulty record and its byte offset in the payload', async () => {
    // amt_to_forward, outgoing_cltv_value, then a short_channel_id of 7 bytes (type, length, value: the last 9 bytes)
    const cltv = (await tip()) + 100
    const payload = encodeTlvStream(
      new Map([
        [2n, encodeTruncatedUint(1_000_000n)],
        [4n, encodeTruncatedUint(BigInt(cltv))],
        [6n, u64be(outScid).subarray(1)],
      ]),
    )
    const at = payload.length - 9
    expect(toHex(payload.subarray(at, at + 2))).toBe('0607')
    const back = await forward(1_000_000n, cltv, { alicePayload: payload })
    expect(back).toMatchObject({
      arrived: false,
      hop: 0,
      failure: { code: FAILURE.INVALID_ONION_PAYLOAD, tlvType: 6n, offset: at },
    })
    // the records before it are those of a good payload: the offset counts from the payload's first byte
    expect(at).toBeGreaterThan(0)
    expect(payload.subarray(0, at)).toEqual(
      encodeHopPayload({ amtToForward: 1_000_000n, outgoingCltvValue: cltv, shortChannelId: outScid }, false).subarray(
        0,
        at,
      ),
    )
  }, 60_000)
})
