/**
 * Which private channels an invoice names in its route hints (BOLT #11 `r`), and
 * with whose policy: the peer's, as its channel_update to us says.
 */
import { describe, expect, it } from 'vitest'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import { MAX_ROUTE_HINTS, routeHintsFor, type PrivateChannel } from '../../../src/node/gossip/routeHints.js'
import { testNode, update } from '../routing/helpers.js'

const us = testNode('us')
const bob = testNode('bob')
const carol = testNode('carol')

function channel(peer: typeof bob, block: number, inboundMsat: bigint, withUpdate = true): PrivateChannel {
  const scid = shortChannelId(block, 1, 0)
  return {
    peer: peer.hex,
    shortChannelId: scid,
    inboundMsat,
    peerUpdate: withUpdate
      ? update(peer, us, scid, { feeBaseMsat: 2000, feeProportionalMillionths: 500, cltvExpiryDelta: 80 })
      : undefined,
  }
}

describe('route hints for an invoice', () => {
  it('name the peer, the channel and the fees and CLTV delta the peer announced to us', () => {
    const hints = routeHintsFor([channel(bob, 101, 5_000_000n)], 1_000_000n)
    expect(hints).toEqual([
      [
        {
          nodeId: bob.nodeId,
          shortChannelId: shortChannelId(101, 1, 0),
          feeBaseMsat: 2000n,
          feeProportionalMillionths: 500,
          cltvExpiryDelta: 80,
        },
      ],
    ])
  })

  it('leave out a channel whose peer policy is unknown, disabled, or that cannot receive anything', () => {
    const disabled = channel(carol, 103, 5_000_000n)
    disabled.peerUpdate = update(carol, us, disabled.shortChannelId, { disabled: true })
    const hints = routeHintsFor(
      [channel(bob, 101, 5_000_000n, false), disabled, channel(carol, 104, 0n), channel(carol, 105, 1n)],
      null,
    )
    expect(hints.map((h) => h[0]!.shortChannelId)).toEqual([shortChannelId(105, 1, 0)])
  })

  it('put first the channels that can take the whole amount, then the most inbound liquidity', () => {
    const hints = routeHintsFor(
      [channel(bob, 101, 400n), channel(carol, 102, 2_000n), channel(bob, 103, 900n), channel(carol, 104, 1_000n)],
      950n,
    )
    expect(hints.map((h) => h[0]!.shortChannelId)).toEqual(
      [102, 104, 103, 101].map((block) => shortChannelId(block, 1, 0)),
    )
  })

  it(`name at most ${MAX_ROUTE_HINTS} channels`, () => {
    const many = Array.from({ length: MAX_ROUTE_HINTS + 5 }, (_, i) => channel(bob, 200 + i, 1_000n + BigInt(i)))
    const hints = routeHintsFor(many, null)
    expect(hints).toHaveLength(MAX_ROUTE_HINTS)
    // the ones with the most inbound liquidity
    expect(hints[0]![0]!.shortChannelId).toBe(shortChannelId(200 + MAX_ROUTE_HINTS + 4, 1, 0))
  })
})
