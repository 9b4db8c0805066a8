/**
 * A forwarding node (a real process) started with the reputation policy (lightning/bolts#1280 local resource
 * conservation), its general bucket cut to 1% so a test can fill it:
 *
 *   alice ── bob (--htlc-policy reputation, general 1%, no congestion bucket) ── carol
 *
 * With 1,000,000 sat channels and 483 slots, bob's general bucket on the alice channel is 4 slots and 10,000 sat, all
 * of which the alice-carol pair may take (generalSlotsPerPair 4). A
 * payment of 5,000 sat fits and earns carol reputation and alice revenue; a keysend of 20,000 sat does not fit, and
 * carol has too little reputation for the protected bucket (nor does the onion allow upgrading it): bob refuses it,
 * says why in an event, and `lnsim reputation` shows the books.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NodeEvent } from '../../../src/api/node/events.js'
import { cleanupProcesses, runCli, tempDir, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'

describe('the reputation forwarding policy at a node', () => {
  const net = new TestNetwork()
  const events: NodeEvent[] = []
  const stopEvents = new AbortController()

  beforeAll(async () => {
    const policy = JSON.stringify({
      kind: 'reputation',
      generalPercent: 1,
      congestionPercent: 0,
      generalSlotsPerPair: 4,
    })
    await net.start('alice', { name: 'bob', args: ['--htlc-policy', policy] }, 'carol')
    void (async () => {
      for await (const e of net.node('bob').client.events({ signal: stopEvents.signal })) events.push(e)
    })()
    await net.fund('alice', 2_000_000n)
    await net.fund('bob', 2_000_000n)
    await net.connect('alice', 'bob')
    await net.connect('bob', 'carol')
    await net.openChannel('alice', 'bob', 1_000_000n, 0n, 6)
    await net.openChannel('bob', 'carol', 1_000_000n, 0n, 6)
    await waitFor('alice to learn the bob-carol channel', async () =>
      (await net.node('alice').client.graph()).channels.length >= 2 ? true : undefined,
    )
  }, 120_000)

  afterAll(async () => {
    stopEvents.abort()
    await net.stopAll()
    await cleanupProcesses()
  })

  it('forwards what fits the general bucket, and the outgoing peer earns reputation for it', async () => {
    expect((await net.pay('alice', 'carol', 5_000_000n)).status).toBe('succeeded')
    const forwarded = events.find((e) => e.type === 'htlc_added' && e.direction === 'outgoing')
    expect(forwarded).toMatchObject({ accountable: false })
  }, 60_000)

  it('refuses what does not fit, says why in an event, and the payer sees temporary_channel_failure', async () => {
    const p = await net.node('alice').client.keysend({ nodeId: net.node('carol').nodeId, amountMsat: 20_000_000n })
    expect(p.status).toBe('failed')
    expect(p.failure?.code).toBe('TEMPORARY_CHANNEL_FAILURE')
    const refused = await waitFor('the htlc_refused event', async () =>
      events.find((e): e is Extract<NodeEvent, { type: 'htlc_refused' }> => e.type === 'htlc_refused'),
    )
    expect(refused.policy).toBe('reputation')
    expect(refused.outgoingPeer).toBe(net.node('carol').nodeId)
    expect(refused.failure).toBe('temporary_channel_failure')
    expect(refused.reason).toContain("the general bucket's share of this channel pair is full")
    expect(refused.reason).toContain("the outgoing peer's reputation")
  }, 60_000)

  it('`lnsim reputation` shows each peer: carol earned the fee, alice brought revenue', async () => {
    const r = await runCli(['reputation', '--node', net.node('bob').dataDir, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const view = JSON.parse(r.stdout) as {
      policy: string
      settings: Record<string, unknown>
      peers: Array<{ peer: string; reputationMsat: string; revenueMsat: string; inFlight: Record<string, number> }>
    }
    expect(view.policy).toBe('reputation')
    expect(view.settings).toMatchObject({ generalPercent: 1, congestionPercent: 0, resolutionPeriodSeconds: 90 })
    const carol = view.peers.find((p) => p.peer === net.node('carol').nodeId)!
    const alice = view.peers.find((p) => p.peer === net.node('alice').nodeId)!
    // bob's fee on 5,000,000 msat: 1,000 + 5 = 1,005 msat, settled fast; decayed by seconds of a 24-week window
    expect(BigInt(carol.reputationMsat)).toBeGreaterThanOrEqual(1004n)
    expect(BigInt(carol.reputationMsat)).toBeLessThanOrEqual(1005n)
    // alice's revenue per revenue window: 1,005 / 12 = 83.75
    expect(alice.revenueMsat).toBe('83')
    expect(alice.inFlight).toEqual({ general: 0, congestion: 0, protected: 0 })
    const human = await runCli(['reputation', '--node', net.node('bob').dataDir])
    expect(human.stdout).toContain('policy reputation')
    expect(human.stdout).toContain(net.node('carol').nodeId)
    const help = await runCli(['reputation', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--json')
  }, 60_000)

  it('`lnsim node start` refuses a policy it cannot run, saying what is wrong', async () => {
    const dir = await tempDir()
    const start = (policy: string) =>
      runCli(['node', 'start', '--name', 'x', '--data-dir', dir, '--htlc-policy', policy])
    const unknown = await start('bogus')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown kind "bogus": default or reputation')
    const over = await start('{"kind":"reputation","generalPercent":90,"congestionPercent":20}')
    expect(over.code).toBe(2)
    expect(over.stderr).toContain('add up to more than 100')
  })
})
