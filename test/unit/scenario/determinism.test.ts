/**
 * The same seeded scenario, run twice on fresh processes, gets the same node
 * ids, the same channel ids and short channel ids, and sends the same traffic
 * (the same payers, payees and amounts, in the same order). Channels go both
 * ways between nodes that open and accept at the same time, so the order in
 * which openings interleave must not leak into any id.
 */
import { describe, expect, it } from 'vitest'
import { runNetwork, toNetworkSpec, type NetworkInput, type PaymentOutcome } from '../../../src/scenario/index.js'

const input: NetworkInput = {
  name: 'determinism',
  seed: 'the same seed',
  nodes: [
    { name: 'alice', fundsSat: 3_000_000 },
    { name: 'bob', fundsSat: 3_000_000 },
    { name: 'carol', fundsSat: 3_000_000 },
    { name: 'dave', fundsSat: 3_000_000 },
  ],
  // each node opens one channel and accepts others, all at once
  channels: [
    { from: 'alice', to: 'bob', capacitySat: 1_000_000, pushMsat: 400_000_000 },
    { from: 'bob', to: 'carol', capacitySat: 1_000_000, pushMsat: 400_000_000 },
    { from: 'carol', to: 'dave', capacitySat: 1_000_000, pushMsat: 400_000_000 },
    { from: 'dave', to: 'alice', capacitySat: 1_000_000, pushMsat: 400_000_000 },
    { from: 'bob', to: 'dave', capacitySat: 500_000, pushMsat: 200_000_000 },
    { from: 'carol', to: 'alice', capacitySat: 500_000, pushMsat: 200_000_000 },
  ],
}

interface Seen {
  nodes: [string, string][]
  channels: [string, string, string | undefined][]
  traffic: [string, string, bigint][]
  succeeded: number
}

async function runOnce(): Promise<Seen> {
  let seen: Seen | undefined
  const summary = await runNetwork(toNetworkSpec(input), async (net, t) => {
    const r = await t.traffic({
      ratePerSecond: 10,
      durationMs: 2_000,
      amountMsat: { min: 1_000_000n, max: 50_000_000n },
    })
    const bySeq = [...r.outcomes].sort((a: PaymentOutcome, b: PaymentOutcome) => a.seq! - b.seq!)
    seen = {
      nodes: net.nodes.map((n) => [n.name, n.nodeId]),
      channels: net.channels.map((c) => [c.name, c.channelId, c.shortChannelId]),
      traffic: bySeq.map((p) => [p.from, p.to, p.amountMsat]),
      succeeded: r.succeeded,
    }
  })
  expect(summary.error).toBeNull()
  return seen!
}

describe('a seeded scenario', () => {
  it('gets the same node ids, channel ids and traffic on every run', { timeout: 180_000 }, async () => {
    const first = await runOnce()
    const second = await runOnce()
    expect(first.nodes).toHaveLength(4)
    expect(first.channels).toHaveLength(6)
    expect(first.channels.every(([, id, scid]) => /^[0-9a-f]{64}$/.test(id) && scid !== undefined)).toBe(true)
    expect(first.traffic).toHaveLength(20)
    expect(first.succeeded).toBeGreaterThan(0)
    expect(second.nodes).toEqual(first.nodes)
    expect(second.channels).toEqual(first.channels)
    expect(second.traffic).toEqual(first.traffic)
  })
})
