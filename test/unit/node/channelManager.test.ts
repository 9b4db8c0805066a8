/**
 * Two ChannelManagers in one process, their peers joined by direct calls and
 * their chain faked: checks the manager's own job (routing messages by channel
 * id, re-keying a channel once its funding is known, persisting before sending,
 * batching signatures) without sockets.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fromHex, toHex } from '../../../src/core/bytes.js'
import { SeedSigner } from '../../../src/channel/signer.js'
import { SeededRng } from '../../../src/core/rng.js'
import { sig } from '../../../src/chain/condition.js'
import { txid as txidOf, type OutPoint, type Transaction } from '../../../src/chain/transaction.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { publicKeyOf } from '../../../src/crypto/secp256k1.js'
import { DEFAULT_CHANNEL_CONFIG } from '../../../src/channel/constants.js'
import type { ChannelEvent } from '../../../src/channel/io.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import type { Message } from '../../../src/wire/messages.js'
import { ChannelManager, type ChannelRecord } from '../../../src/node/channels/channelManager.js'
import { DurableStore, type KvLog } from '../../../src/node/store/durableStore.js'
import { DEFAULT_NODE_LIMITS } from '../../../src/api/node/limits.js'
import { createLogger } from '../../../src/node/logger.js'
import { PeerLogLimiter } from '../../../src/node/peerLogLimiter.js'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

interface Side {
  id: string
  dir: string
  /** called for each event, after it is recorded (a relay would decide here) */
  onEvent?: (channel: string, event: ChannelEvent) => void
  /** called for each message as it is sent */
  onSend?: (message: Message) => void
  manager: ChannelManager
  events: Array<{ channel: string; event: ChannelEvent }>
  sent: Message[]
  store: KvLog<ChannelRecord>
  watchedConfirm: Array<{ txid: string; channel: string }>
  watchedSpent: Array<{ outpoint: OutPoint; channel: string }>
  broadcasts: Transaction[]
}

async function makeSide(name: string, byte: number, deliver: (to: string, m: Message) => void): Promise<Side> {
  const dir = await mkdtemp(join(tmpdir(), 'lnsim-cm-'))
  dirs.push(dir)
  const durable = await DurableStore.open(join(dir, 'state.log'))
  const store = durable.kv<ChannelRecord>('channel')
  const revocations = durable.kv<{ channel: string; index: bigint }>('revoked')
  const id = toHex(publicKeyOf(new Uint8Array(32).fill(byte)))
  let counter = 0
  const side: Side = {
    id,
    dir,
    manager: undefined as unknown as ChannelManager,
    events: [],
    sent: [],
    store,
    watchedConfirm: [],
    watchedSpent: [],
    broadcasts: [],
  }
  const log = createLogger({ level: 'error', console: false, name })
  side.manager = new ChannelManager({
    log,
    peerLog: new PeerLogLimiter(log, 10),
    limits: DEFAULT_NODE_LIMITS,
    store,
    revocations,
    config: DEFAULT_CHANNEL_CONFIG,
    chainHash: new Uint8Array(32).fill(7),
    tip: { height: 100 },
    feeratePerKw: 253,
    preimages: { get: () => undefined },
    signer: new SeedSigner({ derive: fromHex }),
    // a keys id is the channel seed in hex for SeedSigner({ derive: fromHex })
    secrets: {
      nextSecret: () => sha256(Uint8Array.of(byte, counter++)),
      nextLabel: () => toHex(sha256(Uint8Array.of(byte, counter++))),
    },
    wallet: {
      newAddress: () => ({ condition: sig(publicKeyOf(new Uint8Array(32).fill(byte + 100))) }),
      fund: async (amountSat, condition) => ({
        tx: {
          version: 2,
          lockTime: 0,
          inputs: [{ prevout: { txid: 'ab'.repeat(32), vout: byte }, witness: { signatures: [], preimages: [] } }],
          outputs: [{ value: amountSat, condition }],
        },
        outputIndex: 0,
      }),
      release: () => {},
    },
    peers: {
      send: (_peer, message) => {
        side.onSend?.(message)
        side.sent.push(message)
        deliver(id, message)
      },
      disconnect: async () => {},
      isConnected: () => true,
    },
    broadcaster: { broadcast: async (tx) => void side.broadcasts.push(tx) },
    watcher: {
      watchConfirmed: (txid, _depth, channel) => side.watchedConfirm.push({ txid, channel }),
      watchSpent: (outpoint, channel) => side.watchedSpent.push({ outpoint, channel }),
      forget: () => {},
    },
    events: {
      onChannelEvent: (channel, _peer, event) => {
        side.events.push({ channel, event })
        side.onEvent?.(channel, event)
      },
      onChannelStepped: () => {},
    },
  })
  return side
}

async function pair(): Promise<{ alice: Side; bob: Side; settle: () => Promise<void> }> {
  const sides: Side[] = []
  let inFlight = 0
  // messages arrive on a later turn, in order, like a stream
  const deliver = (from: string, m: Message): void => {
    inFlight++
    setImmediate(() => {
      inFlight--
      sides.find((s) => s.id !== from)!.manager.onMessage(from, m as never)
    })
  }
  const alice = await makeSide('alice', 1, deliver)
  const bob = await makeSide('bob', 2, deliver)
  sides.push(alice, bob)
  /** Waits until no message is in flight for a few turns (flushes include an fsync). */
  const settle = async (): Promise<void> => {
    let quiet = 0
    for (let i = 0; i < 5000 && quiet < 5; i++) {
      await new Promise((r) => setTimeout(r, 1))
      quiet = inFlight === 0 && !alice.manager.busy && !bob.manager.busy ? quiet + 1 : 0
    }
  }
  return { alice, bob, settle }
}

/** A pair with one channel from alice to bob, confirmed and NORMAL on both ends. */
async function normalChannel(): Promise<Awaited<ReturnType<typeof pair>> & { channelId: string }> {
  const p = await pair()
  const opened = p.alice.manager.open(p.bob.id, 500_000n, 0n, true)
  await p.settle()
  const { channelId, fundingTxid } = await opened
  await p.settle()
  for (const side of [p.alice, p.bob]) side.manager.onTxConfirmed(channelId, fundingTxid, 101, 1)
  await p.settle()
  return { ...p, channelId }
}

describe('ChannelManager', () => {
  it('opens a channel, re-keys it by its real id, persists it, resolves the opener once funding is sent', async () => {
    const { alice, bob, settle } = await pair()
    const opened = alice.manager.open(bob.id, 500_000n, 0n, true)
    await settle()
    const { channelId, fundingTxid } = await opened
    await settle()
    expect(alice.broadcasts.map(txidOf)).toEqual([fundingTxid])
    expect(alice.manager.get(channelId)?.data.state).toBe('WAIT_FOR_FUNDING_CONFIRMED')
    expect(bob.manager.get(channelId)?.data.state).toBe('WAIT_FOR_FUNDING_CONFIRMED')
    // the temporary id is gone from memory and from disk
    expect(alice.manager.list().map((c) => c.key)).toEqual([channelId])
    expect(alice.store.keys()).toEqual([channelId])
    for (const side of [alice, bob]) side.manager.onTxConfirmed(channelId, fundingTxid, 101, 1)
    await settle()
    expect(alice.manager.get(channelId)?.data.state).toBe('NORMAL')
    expect(bob.manager.get(channelId)?.data.state).toBe('NORMAL')
  })

  it('batches HTLCs added in one turn under one commitment_signed', async () => {
    const { alice, bob, settle, channelId } = await normalChannel()
    const rng = new SeededRng('cm')
    const before = alice.sent.filter((m) => m.type === 'commitment_signed').length
    for (let i = 0; i < 5; i++) {
      const preimage = rng.bytes(32)
      alice.manager.command(channelId, {
        type: 'add_htlc',
        commandId: `p${i}`,
        amountMsat: 1_000_000n,
        paymentHash: sha256(preimage),
        cltvExpiry: 500,
        onionRoutingPacket: new Uint8Array(1366),
      })
    }
    await settle()
    expect(alice.sent.filter((m) => m.type === 'commitment_signed').length - before).toBe(1)
    expect(bob.events.filter((e) => e.event.type === 'htlc_received')).toHaveLength(5)
    expect(commitmentsOf(bob.manager.get(channelId)!.data)!.localCommit.spec.htlcs).toHaveLength(5)
  })

  it('sends a fulfill at once, already on disk, ahead of the commitment_signed that follows it', async () => {
    const { alice, bob, settle, channelId } = await normalChannel()
    const preimage = new SeededRng('fulfill').bytes(32)
    alice.manager.command(channelId, {
      type: 'add_htlc',
      commandId: 'p',
      amountMsat: 1_000_000n,
      paymentHash: sha256(preimage),
      cltvExpiry: 500,
      onionRoutingPacket: new Uint8Array(1366),
    })
    await settle()
    const id = commitmentsOf(bob.manager.get(channelId)!.data)!.localCommit.spec.htlcs[0]!.id
    const sentBefore = bob.sent.length
    bob.manager.command(channelId, { type: 'fulfill_htlc', id, preimage })
    // synchronously: the fulfill is out, the signature is not
    expect(bob.sent.slice(sentBefore).map((m) => m.type)).toEqual(['update_fulfill_htlc'])
    const reopened = await DurableStore.open(join(dirs.at(-1)!, 'state.log'))
    const stored = reopened.kv<ChannelRecord>('channel').get(channelId)!
    expect(commitmentsOf(stored.data)!.localChanges.proposed.map((u) => u.type)).toEqual(['update_fulfill_htlc'])
    await reopened.close()
    await settle()
    expect(bob.sent.slice(sentBefore).map((m) => m.type)).toContain('commitment_signed')
    expect(commitmentsOf(alice.manager.get(channelId)!.data)!.localCommit.spec.htlcs).toHaveLength(0)
  })

  it('sends the fulfills an input caused only once all of it is written, decisions included', async () => {
    const { alice, bob, settle, channelId } = await normalChannel()
    const rng = new SeededRng('many')
    const payments = Array.from({ length: 3 }, () => rng.bytes(32))
    const decisions = bob.store as unknown as KvLog<unknown>
    // bob settles each HTLC as it becomes irrevocable and records the decision after, as the relay does
    bob.onEvent = (channel, event) => {
      if (event.type !== 'htlc_received') return
      const preimage = payments.find((p) => toHex(sha256(p)) === toHex(event.add.paymentHash))!
      bob.manager.command(channel, { type: 'fulfill_htlc', id: event.add.id, preimage })
      decisions.set(`decided:${event.add.id}`, 'fulfilled')
    }
    let seenAtFirstFulfill: string[] | undefined
    bob.onSend = (m) => {
      if (m.type !== 'update_fulfill_htlc' || seenAtFirstFulfill) return
      const onDisk = readFileSync(join(bob.dir, 'state.log'), 'utf8')
      seenAtFirstFulfill = payments.map((_, i) => `decided:${i}`).filter((k) => onDisk.includes(k))
    }
    payments.forEach((p, i) =>
      alice.manager.command(channelId, {
        type: 'add_htlc',
        commandId: `m${i}`,
        amountMsat: 1_000_000n,
        paymentHash: sha256(p),
        cltvExpiry: 500,
        onionRoutingPacket: new Uint8Array(1366),
      }),
    )
    await settle()
    // the three HTLCs became irrevocable in one revoke_and_ack: all three decisions were on disk before the first
    // fulfill left
    expect(seenAtFirstFulfill).toEqual(['decided:0', 'decided:1', 'decided:2'])
    expect(commitmentsOf(alice.manager.get(channelId)!.data)!.localCommit.spec.htlcs).toHaveLength(0)
  })

  it('fails only the channel whose work throws (an off-curve point stored unchecked); others keep going', async () => {
    const { alice, bob, settle, channelId: poisoned } = await normalChannel()
    const opened = alice.manager.open(bob.id, 400_000n, 0n, true)
    await settle()
    const { channelId: healthy, fundingTxid } = await opened
    await settle()
    for (const side of [alice, bob]) side.manager.onTxConfirmed(healthy, fundingTxid, 102, 1)
    await settle()
    // what an older lnsim let into state.log: the peer's next point, unusable
    const record = alice.manager.get(poisoned)!
    const c = commitmentsOf(record.data)!
    record.data = {
      ...record.data,
      commitments: {
        ...c,
        remoteNextCommitInfo: { kind: 'ready', nextPerCommitmentPoint: Uint8Array.of(2, ...new Uint8Array(32)) },
      },
    } as typeof record.data
    const rng = new SeededRng('contain')
    for (const channel of [poisoned, healthy]) {
      alice.manager.command(channel, {
        type: 'add_htlc',
        commandId: channel,
        amountMsat: 1_000_000n,
        paymentHash: sha256(rng.bytes(32)),
        cltvExpiry: 500,
        onionRoutingPacket: new Uint8Array(1366),
      })
    }
    await settle()
    expect(alice.manager.get(poisoned)!.data.state).toBe('CLOSING')
    expect(alice.broadcasts).toHaveLength(3)
    expect(bob.sent.filter((m) => m.type === 'error')).toHaveLength(0)
    expect(bob.manager.get(poisoned)!.data.state).toBe('CLOSING')
    expect(commitmentsOf(bob.manager.get(healthy)!.data)!.localCommit.spec.htlcs).toHaveLength(1)
    expect(alice.manager.busy).toBe(false)
  })
})
