/**
 * Issue 10's network trouble, injected in the nodes' peer layer (--testing):
 * a dropped revoke_and_ack the channel recovers from without losing a msat, a
 * partition that heals, link latency that slows payments; and a normal node
 * refuses every test hook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { NodeApiError } from '../../../src/api/node/client.js'
import { cleanupProcesses, waitFor } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'

const ok = z.unknown()

describe('fault injection between two node processes', () => {
  const net = new TestNetwork()
  let channelId = ''
  const dev = (name: string, path: string, body?: Record<string, unknown>) =>
    net.node(name).client.call('POST', `/v1/dev/${path}`, ok, body)
  const quiet = () =>
    waitFor(
      'the channel quiet and active on both ends',
      async () => {
        const a = await net.channel('alice', channelId)
        const b = await net.channel('bob', channelId)
        return a?.active && b?.active && a.pendingHtlcs.length === 0 && b.pendingHtlcs.length === 0
      },
      20_000,
    )

  beforeAll(async () => {
    await net.start({ name: 'alice', args: ['--testing'] }, { name: 'bob', args: ['--testing'] }, 'plain')
    await net.fund('alice', 1_500_000n)
    await net.connect('alice', 'bob')
    channelId = await net.openChannel('alice', 'bob', 1_000_000n, 100_000_000n)
  }, 60_000)

  afterAll(async () => {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('a dropped revoke_and_ack: the channel recovers after reconnecting, every msat where it belongs', async () => {
    await dev('bob', 'faults', {
      faults: [{ peer: net.node('alice').nodeId, messageType: 'revoke_and_ack', nth: 1, action: 'drop' }],
    })
    const p = await net.pay('alice', 'bob', 10_000_000n)
    expect(p.status).toBe('succeeded')
    await quiet()
    const a = (await net.channel('alice', channelId))!
    const b = (await net.channel('bob', channelId))!
    expect(b.localBalanceMsat).toBe(110_000_000n)
    expect(a.localBalanceMsat).toBe(b.remoteBalanceMsat)
    expect(a.localBalanceMsat + b.localBalanceMsat).toBe(1_000_000_000n)
  }, 40_000)

  it('a partition: payments fail while it lasts and resume once it heals', async () => {
    await dev('alice', 'partition', { peers: [net.node('bob').nodeId] })
    await dev('bob', 'partition', { peers: [net.node('alice').nodeId] })
    await waitFor('the channel offline', async () => !(await net.channel('alice', channelId))?.active)
    const failed = await net.pay('alice', 'bob', 1_000_000n)
    expect(failed.status).toBe('failed')
    await dev('alice', 'heal')
    await dev('bob', 'heal')
    await quiet()
    expect((await net.pay('alice', 'bob', 1_000_000n)).status).toBe('succeeded')
  }, 60_000)

  it('link latency makes payments slower', async () => {
    const time = async () => {
      const t = Date.now()
      expect((await net.pay('alice', 'bob', 100_000n)).status).toBe('succeeded')
      return Date.now() - t
    }
    await time()
    const fast = Math.min(await time(), await time())
    for (const n of ['alice', 'bob'])
      await dev(n, 'links', { links: [{ delay: { kind: 'fixed', ms: 100 } }], seed: 'latency-test' })
    const slow = Math.min(await time(), await time())
    for (const n of ['alice', 'bob']) await dev(n, 'links', { links: [] })
    // alice learns the preimage only after four messages in turn, each held 100 ms by its sender's link:
    // update_add + commitment_signed, bob's revoke_and_ack + commitment_signed, alice's revoke_and_ack, then
    // bob's update_fulfill_htlc (BOLT #2: he may fulfil only once the HTLC is committed on both sides). Compared
    // with the delays alone, not with the fast payments' time, which is CPU a loaded machine may stretch.
    expect(slow).toBeGreaterThanOrEqual(400)
    expect(slow).toBeGreaterThan(fast)
  }, 60_000)

  it('a node started without --testing refuses every test hook', async () => {
    for (const path of ['faults', 'links', 'partition', 'heal', 'hold']) {
      const body =
        path === 'faults'
          ? { faults: [] }
          : path === 'links'
            ? { links: [] }
            : path === 'partition'
              ? { peers: [] }
              : path === 'hold'
                ? { hold: true }
                : undefined
      await expect(dev('plain', path, body)).rejects.toMatchObject({ code: 'TESTING_DISABLED', status: 403 })
    }
    await expect(
      net.node('plain').client.call('POST', `/v1/dev/channels/${channelId}/cheat`, ok),
    ).rejects.toBeInstanceOf(NodeApiError)
  })
})
