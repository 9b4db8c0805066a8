/**
 * The rogue-peer and chain-trouble hooks over a node's control API (--testing):
 * a field the message has not, or a value its wire type cannot carry, is
 * refused with a code and the allowed fields; a replay of something never sent
 * says so; what a node sent is counted per peer and type; and a normal node
 * refuses every one of these hooks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { TestingClient } from '../../../src/api/node/testingClient.js'
import { cleanupProcesses } from '../../helpers/processes.js'
import { TestNetwork } from '../../helpers/network.js'

const ok = z.unknown()

describe('rogue-peer hooks of a node process', () => {
  const net = new TestNetwork()
  const dev = (name: string) => new TestingClient(net.node(name).client)

  beforeAll(async () => {
    await net.start({ name: 'alice', args: ['--testing'] }, { name: 'bob', args: ['--testing'] }, 'plain')
    await net.fund('alice', 1_500_000n)
    await net.connect('alice', 'bob')
    await net.openChannel('alice', 'bob', 1_000_000n, 0n)
  }, 60_000)

  afterAll(async () => {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  })

  it('refuse a field the message has not, naming its fields, and a value its wire type cannot carry', async () => {
    const peer = net.node('bob').nodeId
    await expect(
      dev('alice').mutate({ peer, messageType: 'revoke_and_ack', set: { next_point: '02' } }),
    ).rejects.toMatchObject({
      code: 'INVALID_MESSAGE_FIELD',
      status: 422,
      message: expect.stringContaining('its fields are: channel_id, per_commitment_secret, next_per_commitment_point'),
    })
    await expect(
      dev('alice').send({ peer, messageType: 'update_fee', fields: { channel_id: '00', feerate_per_kw: 1 } }),
    ).rejects.toMatchObject({ code: 'INVALID_MESSAGE_FIELD', message: expect.stringContaining('32 bytes in hex') })
    expect((await dev('alice').mutate({ peer, messageType: 'ping', set: { num_pong_bytes: 1 } })).mutations).toEqual([
      { peer, messageType: 'ping', nth: 1, fields: ['num_pong_bytes'] },
    ])
  })

  it('count what each node sent, and refuse to replay what was never sent or send to a stranger', async () => {
    const bob = net.node('bob').nodeId
    const { sent } = await dev('alice').sent()
    expect(sent[bob]).toMatchObject({ open_channel: 1, funding_created: 1, channel_ready: 1 })
    // init goes as the connection opens, before the peer layer sends anything
    expect(sent[bob]!.init).toBeUndefined()
    await expect(dev('alice').replay({ peer: bob, messageType: 'revoke_and_ack' })).rejects.toMatchObject({
      code: 'NOTHING_TO_REPLAY',
      status: 422,
    })
    await dev('alice').replay({ peer: bob, messageType: 'channel_ready' })
    expect((await dev('alice').sent()).sent[bob]!.channel_ready).toBe(2)
    await expect(
      dev('alice').send({
        peer: net.node('plain').nodeId,
        messageType: 'ping',
        fields: { num_pong_bytes: 0, ignored: '' },
      }),
    ).rejects.toMatchObject({ code: 'PEER_OFFLINE' })
  })

  it('stall the chain and refuse broadcasts for a while, saying until when', async () => {
    const before = Date.now()
    expect((await dev('bob').stallChain(200)).until).toBeGreaterThanOrEqual(before + 200)
    expect((await dev('bob').refuseBroadcasts(200)).until).toBeGreaterThanOrEqual(before + 200)
  })

  it('a node started without --testing refuses them all', async () => {
    const peer = net.node('alice').nodeId
    for (const [path, body] of [
      ['mutate', { peer, messageType: 'ping', set: { num_pong_bytes: 1 } }],
      ['replay', { peer, messageType: 'ping' }],
      ['send', { peer, messageType: 'ping', fields: { num_pong_bytes: 0, ignored: '' } }],
      ['chain/stall', { durationMs: 100 }],
      ['chain/refuse', { durationMs: 100 }],
    ] as const)
      await expect(net.node('plain').client.call('POST', `/v1/dev/${path}`, ok, body)).rejects.toMatchObject({
        code: 'TESTING_DISABLED',
        status: 403,
      })
    await expect(dev('plain').sent()).rejects.toMatchObject({ code: 'TESTING_DISABLED' })
  })
})
