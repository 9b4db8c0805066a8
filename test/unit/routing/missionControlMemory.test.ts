/**
 * What mission control learned outlives the process: every change goes to its
 * journal, `restore` takes it back, and it holds a bounded number of failures.
 */
import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/bytes.js'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import { MissionControl, type MissionControlJournal } from '../../../src/routing/missionControl.js'
import { FAILURE } from '../../../src/routing/onion/failureCodes.js'
import { findRoute } from '../../../src/routing/pathfinding.js'
import { ChannelGraph } from '../../../src/routing/graph.js'
import { edge, NOW, testNode } from './helpers.js'

const us = testNode('us')
const a = testNode('a')
const b = testNode('b')
const payee = testNode('payee')
const scid = (n: number) => shortChannelId(100 + n, 1, 0)
const HALF_LIFE = 60_000

/** us → a → payee (cheap), us → b → payee (dearer) */
function network(): ChannelGraph {
  const g = new ChannelGraph()
  g.addEdge(edge(us, a, scid(1)))
  g.addEdge(edge(us, b, scid(2)))
  g.addEdge(edge(a, payee, scid(3), { feeBaseMsat: 1000n }))
  g.addEdge(edge(b, payee, scid(4), { feeBaseMsat: 3000n }))
  return g
}
const request = { source: us.nodeId, destination: payee.nodeId, amountMsat: 1_000_000n, blockHeight: 100 }
const via = (mc: MissionControl, now: number) =>
  toHex(findRoute(network(), { ...request, finalCltvExpiryDelta: 18, nowMs: now }, { history: mc }).hops[0]!.nodeId)

/** A journal as the node's state keeps it: key → time of the failure. */
class MapJournal implements MissionControlJournal {
  readonly entries = new Map<string, number>()
  set(key: string, at: number): void {
    this.entries.set(key, at)
  }
  delete(key: string): void {
    this.entries.delete(key)
  }
}

describe('mission control across a restart', () => {
  it('a new mission control restored from the journal avoids the channel that just failed', () => {
    const journal = new MapJournal()
    const before = new MissionControl({ halfLifeMs: HALF_LIFE, journal })
    const cheap = findRoute(network(), { ...request, finalCltvExpiryDelta: 18 }, { history: before })
    expect(toHex(cheap.hops[0]!.nodeId)).toBe(a.hex)
    before.recordFailure(cheap, 0, { code: FAILURE.TEMPORARY_CHANNEL_FAILURE }, NOW)
    // a liquidity failure: held against 1,000,000 msat and more, as the key says
    expect([...journal.entries]).toEqual([[`channel:${scid(3)}:${a.hex}:1000000`, NOW]])

    const after = new MissionControl({ halfLifeMs: HALF_LIFE })
    after.restore(journal.entries, NOW + 1000)
    expect(after.channel(scid(3), a.hex, NOW + 1000)).toBe(before.channel(scid(3), a.hex, NOW + 1000))
    expect(via(after, NOW + 1000)).toBe(b.hex)
    // a fresh one, which learned nothing, would try a again
    expect(via(new MissionControl({ halfLifeMs: HALF_LIFE }), NOW + 1000)).toBe(a.hex)
    // what it is held against survives too: a smaller amount may still pass
    expect(after.channel(scid(3), a.hex, NOW + 1000, 999_999n)).toBe(1)
    expect(after.channel(scid(3), a.hex, NOW + 1000, 1_000_000n)).toBe(before.channel(scid(3), a.hex, NOW + 1000))
  })

  it('a liquidity failure holds a channel back from that amount up; another failure, from every amount', () => {
    const journal = new MapJournal()
    const mc = new MissionControl({ halfLifeMs: HALF_LIFE, journal })
    const route = findRoute(network(), { ...request, finalCltvExpiryDelta: 18 }, { history: mc })
    mc.recordFailure(route, 0, { code: FAILURE.TEMPORARY_CHANNEL_FAILURE }, NOW)
    expect(mc.channel(scid(3), a.hex, NOW, 1_000_000n)).toBe(0)
    expect(mc.channel(scid(3), a.hex, NOW, 500_000n)).toBe(1)
    // half the amount finds the cheap route again: a split payment's parts can use the channel
    const half = findRoute(
      network(),
      { ...request, amountMsat: 500_000n, finalCltvExpiryDelta: 18, nowMs: NOW },
      { history: mc },
    )
    expect(toHex(half.hops[0]!.nodeId)).toBe(a.hex)
    // disabled: no amount passes, and the journal holds one entry for the direction, the latest
    mc.recordFailure(route, 0, { code: FAILURE.CHANNEL_DISABLED }, NOW + 1)
    expect(mc.channel(scid(3), a.hex, NOW + 1, 1n)).toBe(0)
    expect([...journal.entries]).toEqual([[`channel:${scid(3)}:${a.hex}`, NOW + 1]])
  })

  it('a success erases the lesson from the journal too', () => {
    const journal = new MapJournal()
    const mc = new MissionControl({ halfLifeMs: HALF_LIFE, journal })
    const cheap = findRoute(network(), { ...request, finalCltvExpiryDelta: 18 }, { history: mc })
    mc.recordFailure(cheap, 1, { code: FAILURE.TEMPORARY_NODE_FAILURE }, NOW)
    expect(journal.entries.size).toBe(0) // the payee's own failure teaches nothing
    mc.recordFailure(cheap, 0, { code: FAILURE.TEMPORARY_NODE_FAILURE }, NOW)
    expect([...journal.entries.keys()]).toEqual([`node:${a.hex}`])
    mc.recordSuccess(cheap, NOW + 1)
    expect(journal.entries.size).toBe(0)
    expect(mc.size).toBe(0)
  })

  it('drops on restore what is already forgotten, and keys it cannot read', () => {
    const journal = new MapJournal()
    journal.set(`node:${a.hex}`, NOW - 10 * HALF_LIFE)
    journal.set(`node:${b.hex}`, NOW - 1000)
    journal.set('channel:not-a-number:ab', NOW)
    const mc = new MissionControl({ halfLifeMs: HALF_LIFE, journal })
    mc.restore([...journal.entries], NOW)
    expect(mc.size).toBe(1)
    expect(mc.node(b.hex, NOW)).toBeLessThan(0.02)
    expect([...journal.entries.keys()]).toEqual([`node:${b.hex}`])
  })

  it('holds at most maxEntries failures, forgetting the oldest first', () => {
    const journal = new MapJournal()
    const mc = new MissionControl({ halfLifeMs: HALF_LIFE, journal, maxEntries: 3 })
    const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'].map(testNode)
    for (const [i, n] of nodes.entries()) {
      const route = {
        hops: [n, payee].map((h, j) => ({
          nodeId: h.nodeId,
          shortChannelId: scid(10 * i + j),
          amountMsat: 1n,
          cltvExpiry: 1,
          amtToForward: 1n,
          outgoingCltvValue: 1,
          feeMsat: 0n,
        })),
        amountMsat: 1n,
        totalAmountMsat: 1n,
        totalCltvExpiry: 1,
        totalFeeMsat: 0n,
      }
      mc.recordFailure(route, 0, { code: FAILURE.TEMPORARY_NODE_FAILURE }, NOW + i)
    }
    expect(mc.size).toBe(3)
    expect([...journal.entries.keys()].sort()).toEqual(
      nodes
        .slice(2)
        .map((n) => `node:${n.hex}`)
        .sort(),
    )
    expect(mc.node(nodes[0]!.hex, NOW + 5)).toBe(1)
    expect(mc.node(nodes[4]!.hex, NOW + 4)).toBe(0)
  })
})
