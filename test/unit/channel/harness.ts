/**
 * Two channel state machines wired back to back through in-memory queues, as a
 * test helper: the network is two arrays, the chain is whatever the test does
 * with the broadcast effects. Helpers read like the protocol: open, add, sign,
 * deliver, settle.
 */
import { expect } from 'vitest'
import { bytesEqual, fromHex, toHex } from '../../../src/core/bytes.js'
import { SeededRng } from '../../../src/core/rng.js'
import { sig } from '../../../src/chain/condition.js'
import { txid as txidOf, type Transaction } from '../../../src/chain/transaction.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { publicKeyOf } from '../../../src/crypto/secp256k1.js'
import { step } from '../../../src/channel/machine.js'
import { awaitOpenChannel, openChannel } from '../../../src/channel/opening.js'
import { DEFAULT_CHANNEL_CONFIG, type ChannelConfig } from '../../../src/channel/constants.js'
import { commitmentsOf, type ChannelData } from '../../../src/channel/states.js'
import { SeedSigner } from '../../../src/channel/signer.js'
import type { ChannelContext, ChannelEffect, ChannelEvent, ChannelInput } from '../../../src/channel/io.js'
import type { CommandReply } from '../../../src/channel/result.js'
import { specTotalMsat } from '../../../src/channel/commitmentSpec.js'
import type { Message } from '../../../src/wire/messages.js'

export const CHAIN_HASH = new Uint8Array(32).fill(6)

export interface Side {
  name: string
  data: ChannelData
  events: ChannelEvent[]
  effects: ChannelEffect[]
  /** messages on their way to this side */
  inbox: Message[]
  nodeKey: Uint8Array
  /** this side's keys, as its node holds them (a channel's keys id here is its seed in hex) */
  signer: SeedSigner
  /** the reply to the last command this side was given */
  lastReply?: CommandReply
  /** txids of commitments this side revoked */
  revoked: Set<string>
}

export class Pair {
  readonly ctx: Omit<ChannelContext, 'signer'>
  /** off in tests that restore a stale state on purpose */
  checking = true
  /**
   * A node signs once the input that asked for it (sign_soon) is handled. On, that
   * is at once; off, only when the test sends a sign command, so other updates
   * can come first, as they do in a node that handles several inputs per turn.
   */
  signsAtOnce = true
  /** called before each input a side is fed */
  beforeInput?: (side: Side) => void
  constructor(
    public alice: Side,
    public bob: Side,
    public height = 100,
  ) {
    this.ctx = { blockHeight: height, chainHash: CHAIN_HASH, feeratePerKw: 253 }
  }

  ctxFor(side: Side): ChannelContext {
    return { ...this.ctx, blockHeight: this.height, signer: side.signer }
  }

  other(side: Side): Side {
    return side === this.alice ? this.bob : this.alice
  }

  /** Feeds one input to a side and routes its effects: sends go to the other side's inbox. */
  input(side: Side, input: ChannelInput): ChannelEffect[] {
    this.beforeInput?.(side)
    const before = commitmentsOf(side.data)
    const r = step(side.data, input, this.ctxFor(side))
    // the node's store remembers the JSON of each object of a state it wrote: no state may change in place
    side.data = deepFreeze(r.data)
    side.lastReply = r.reply
    side.effects.push(...r.effects)
    for (const e of r.effects) {
      if (e.type === 'send') this.other(side).inbox.push(e.message)
      if (e.type === 'event') side.events.push(e.event)
      if (e.type === 'store_revoked_commitment') this.other(side).revoked.add(e.txid)
    }
    const after = commitmentsOf(side.data)
    if (before && after) expect(after.localCommit.index >= before.localCommit.index).toBe(true)
    if (this.signsAtOnce && r.effects.some((e) => e.type === 'sign_soon'))
      return [...r.effects, ...this.input(side, { type: 'command', command: { type: 'sign' } })]
    return r.effects
  }

  /** Delivers the next message waiting for `side`; false when its inbox is empty. */
  deliverOne(side: Side): boolean {
    const message = side.inbox.shift()
    if (!message) return false
    this.input(side, { type: 'message', message: message as never })
    this.checkInvariants()
    return true
  }

  /** Delivers messages both ways until both inboxes are empty. */
  deliverAll(maxSteps = 10_000): void {
    for (let i = 0; i < maxSteps; i++) {
      if (!this.deliverOne(this.alice) && !this.deliverOne(this.bob)) return
    }
    throw new Error('messages kept flowing: a loop?')
  }

  command(
    side: Side,
    command: Parameters<typeof step>[1] extends infer I
      ? I extends { type: 'command'; command: infer C }
        ? C
        : never
      : never,
  ): ChannelEffect[] {
    const effects = this.input(side, { type: 'command', command })
    this.checkInvariants()
    return effects
  }

  disconnect(): void {
    this.alice.inbox.length = 0
    this.bob.inbox.length = 0
    this.input(this.alice, { type: 'disconnected' })
    this.input(this.bob, { type: 'disconnected' })
  }

  reconnect(): void {
    this.input(this.alice, { type: 'connected' })
    this.input(this.bob, { type: 'connected' })
  }

  /** Every msat is somewhere; both sides agree on every commitment either holds; no revoked commitment comes back. */
  checkInvariants(): void {
    if (!this.checking) return
    for (const side of [this.alice, this.bob]) {
      const c = commitmentsOf(side.data)
      if (!c) continue
      const capacity = c.capacitySat * 1000n
      expect(specTotalMsat(c.localCommit.spec)).toBe(capacity)
      expect(specTotalMsat(c.remoteCommit.spec)).toBe(capacity)
      if (c.remoteNextCommitInfo.kind === 'waiting_for_revocation')
        expect(specTotalMsat(c.remoteNextCommitInfo.nextRemoteCommit.spec)).toBe(capacity)
      expect(side.revoked.has(c.localCommit.txid)).toBe(false)
      const o = commitmentsOf(this.other(side).data)
      if (!o) continue
      const theirs =
        o.remoteCommit.index === c.localCommit.index
          ? o.remoteCommit
          : o.remoteNextCommitInfo.kind === 'waiting_for_revocation'
            ? o.remoteNextCommitInfo.nextRemoteCommit
            : undefined
      expect(theirs, `${side.name}'s commitment #${c.localCommit.index} is unknown to the other side`).toBeDefined()
      expect(theirs!.txid).toBe(c.localCommit.txid)
    }
  }

  takeEvents(side: Side, type: ChannelEvent['type']): ChannelEvent[] {
    const out = side.events.filter((e) => e.type === type)
    side.events = side.events.filter((e) => e.type !== type)
    return out
  }
}

/** Freezes every object and array reachable from `value` (typed arrays cannot be frozen and are left as they are). */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value
  Object.freeze(value)
  for (const v of Object.values(value)) deepFreeze(v)
  return value
}

function side(name: string, seedByte: number): Side {
  return {
    name,
    data: undefined as unknown as ChannelData,
    events: [],
    effects: [],
    inbox: [],
    nodeKey: publicKeyOf(new Uint8Array(32).fill(seedByte)),
    signer: new SeedSigner({ derive: fromHex }),
    revoked: new Set(),
  }
}

export function walletCondition(byte: number) {
  return sig(publicKeyOf(new Uint8Array(32).fill(byte)))
}

/** A funding transaction from a made-up wallet input; tests that need the chain replace it. */
export function fakeFundingTx(
  amountSat: bigint,
  condition: import('../../../src/chain/condition.js').Condition,
): Transaction {
  return {
    version: 2,
    lockTime: 0,
    inputs: [{ prevout: { txid: 'aa'.repeat(32), vout: 0 }, witness: { signatures: [], preimages: [] } }],
    outputs: [{ value: amountSat, condition }],
  }
}

export interface OpenOptions {
  fundingSat?: bigint
  pushMsat?: bigint
  config?: Partial<ChannelConfig>
  bobConfig?: Partial<ChannelConfig>
  /** builds the funding transaction from the requested output; defaults to fakeFundingTx */
  fund?: (amountSat: bigint, condition: import('../../../src/chain/condition.js').Condition) => Transaction
  /** stop after funding_signed, before confirmation */
  confirm?: boolean
}

/** Alice funds a channel with Bob and both reach NORMAL. */
export function openPair(options: OpenOptions = {}): Pair {
  const alice = side('alice', 1)
  const bob = side('bob', 2)
  const pair = new Pair(alice, bob)
  const config = { ...DEFAULT_CHANNEL_CONFIG, ...options.config }
  const bobConfig = { ...DEFAULT_CHANNEL_CONFIG, ...options.bobConfig }
  const tmp = new Uint8Array(32).fill(9)
  bob.data = awaitOpenChannel({
    remoteNodeId: alice.nodeKey,
    temporaryChannelId: tmp,
    config: bobConfig,
    keysId: toHex(new Uint8Array(32).fill(22)),
    finalCondition: walletCondition(32),
  })
  const opened = openChannel(
    {
      remoteNodeId: bob.nodeKey,
      temporaryChannelId: tmp,
      fundingSat: options.fundingSat ?? 1_000_000n,
      pushMsat: options.pushMsat ?? 0n,
      announce: true,
      config,
      keysId: toHex(new Uint8Array(32).fill(11)),
      finalCondition: walletCondition(31),
    },
    pair.ctxFor(alice),
  )
  alice.data = opened.data
  for (const e of opened.effects) if (e.type === 'send') bob.inbox.push(e.message)
  pair.deliverAll()
  const make = alice.effects.find((e) => e.type === 'make_funding_tx')
  if (!make || make.type !== 'make_funding_tx')
    throw new Error(`no funding request; alice is ${alice.data.state}, bob is ${bob.data.state}`)
  const fundingTx = (options.fund ?? fakeFundingTx)(make.amountSat, make.condition)
  pair.input(alice, {
    type: 'funding_tx_created',
    tx: fundingTx,
    outputIndex: fundingTx.outputs.findIndex((o) => o.value === make.amountSat),
  })
  pair.deliverAll()
  if (options.confirm === false) return pair
  const txid = txidOf(fundingTx)
  pair.input(alice, { type: 'tx_confirmed', txid, blockHeight: 101, txIndex: 1 })
  pair.input(bob, { type: 'tx_confirmed', txid, blockHeight: 101, txIndex: 1 })
  pair.deliverAll()
  expect(alice.data.state).toBe('NORMAL')
  expect(bob.data.state).toBe('NORMAL')
  return pair
}

export interface Payment {
  preimage: Uint8Array
  paymentHash: Uint8Array
  amountMsat: bigint
}

export function newPayment(rng: SeededRng, amountMsat: bigint): Payment {
  const preimage = rng.bytes(32)
  return { preimage, paymentHash: sha256(preimage), amountMsat }
}

export const ONION = new Uint8Array(1366)

/** Adds an HTLC from `from`; returns its id. */
export function addHtlc(pair: Pair, from: Side, p: Payment, cltvExpiry = 500): bigint {
  pair.command(from, {
    type: 'add_htlc',
    commandId: toHex(p.paymentHash),
    amountMsat: p.amountMsat,
    paymentHash: p.paymentHash,
    cltvExpiry,
    onionRoutingPacket: ONION,
  })
  const r = from.lastReply
  if (!r?.ok || r.htlcId === undefined)
    throw new Error(`add failed: ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`)
  return r.htlcId
}

/** A whole payment: add, sign, deliver, fulfill, sign, deliver. */
export function pay(pair: Pair, from: Side, p: Payment): void {
  const to = pair.other(from)
  addHtlc(pair, from, p)
  pair.command(from, { type: 'sign' })
  pair.deliverAll()
  const received = pair.takeEvents(to, 'htlc_received')
  const mine = received.find((e) => e.type === 'htlc_received' && bytesEqual(e.add.paymentHash, p.paymentHash))
  if (!mine || mine.type !== 'htlc_received') throw new Error('HTLC did not arrive irrevocably')
  pair.command(to, { type: 'fulfill_htlc', id: mine.add.id, preimage: p.preimage })
  pair.command(to, { type: 'sign' })
  pair.deliverAll()
}

export function balances(side: Side): { local: bigint; remote: bigint } {
  const c = commitmentsOf(side.data)!
  return { local: c.localCommit.spec.toLocalMsat, remote: c.localCommit.spec.toRemoteMsat }
}
