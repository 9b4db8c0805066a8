/**
 * The hostile-peer kit: a hand-driven Lightning peer inside the test process,
 * with its own libp2p host and key and the real channel state machine, that
 * can lie in any message it sends.
 *
 *   const peer = new TestPeer(chainHash, 0x71)
 *   await peer.start()
 *   await peer.connect(alice.address)
 *   const [channelId] = await openChannelsTo(net, 'alice', [{ peer, pushMsat: 100_000_000n }])
 *   peer.rewrite('revoke_and_ack', { nextPerCommitmentPoint: OFF_CURVE }, { nth: 1 })  // the next one only
 *   peer.rewrite('commitment_signed', (m) => ({ signature: flip(m.signature) }))       // every one
 *   await peer.replay('update_add_htlc', 1)     // the first one sent, again, byte for byte
 *   await peer.inject({ type: 'ping', ... })    // a crafted message the state machine knows nothing of
 *   await peer.sendRawFrame(bytes)              // bytes that need not decode at all
 *   peer.sent / peer.received                   // every message as it went on / came off the wire
 *
 * What its state machine sends passes through the rewrite rules, then `tamper`
 * (rewrite or drop, with null), then goes out; `inject` and `replay` bypass
 * both. The peer answers only what its state machine answers: it follows no
 * chain (set `blockHeight`, feed `tx_confirmed` or use openChannelsTo) and
 * broadcasts nothing. With `autoSettle`, HTLCs that reach it are fulfilled when
 * it made the invoice (`invoice()`) and failed back otherwise, as an honest
 * payee would.
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { fromHex, toHex, utf8 } from '../../src/core/bytes.js'
import { sig } from '../../src/chain/condition.js'
import { publicKeyOf } from '../../src/crypto/secp256k1.js'
import { sha256 } from '../../src/crypto/hash.js'
import { step } from '../../src/channel/machine.js'
import { SeedSigner } from '../../src/channel/signer.js'
import type { CommandReply } from '../../src/channel/result.js'
import { awaitOpenChannel, openChannel } from '../../src/channel/opening.js'
import { DEFAULT_CHANNEL_CONFIG, type ChannelConfig } from '../../src/channel/constants.js'
import type { ChannelCommand, ChannelEffect, ChannelEvent, ChannelInput } from '../../src/channel/io.js'
import { commitmentsOf, type ChannelData } from '../../src/channel/states.js'
import { encodeInvoice } from '../../src/invoice/index.js'
import { createFailure, FAILURE, OnionError, peelPaymentOnion } from '../../src/routing/onion/index.js'
import { frameStream, type FramedStream } from '../../src/wire/framing.js'
import { FEATURE_BITS, featureBits } from '../../src/wire/features.js'
import type { Message, MessageOf, MessageType, OpenChannel, UpdateAddHtlc } from '../../src/wire/messages.js'
import { lpStream } from '@libp2p/utils'
import { encodeMessage } from '../../src/wire/codec.js'
import type { TestNetwork } from './network.js'
import { waitFor as waitForNode } from './processes.js'

const PROTOCOL = '/lnsim/ln/1.0.0'

type Fields<T extends MessageType> = Partial<Omit<MessageOf<T>, 'type'>>

/** A rewrite rule in force; `applied` counts the messages it changed. */
export interface Rewrite {
  readonly applied: number
  remove(): void
}

interface RewriteRule {
  type: MessageType
  change: (m: Message) => Partial<Message>
  /** only the nth message of the type sent after the rule was set (1-based); every one when undefined */
  nth: number | undefined
  seen: number
  applied: number
  removed: boolean
}

export class TestPeer {
  host!: Libp2p
  framed: FramedStream | undefined
  readonly secret: Uint8Array
  readonly nodeId: string
  data: ChannelData | undefined
  readonly received: Message[] = []
  /** every message written to the node, in order, as written (after rewrites; injected and replayed ones too) */
  readonly sent: Message[] = []
  readonly events: ChannelEvent[] = []
  /** rewrite (or drop, with null) each message before it is sent; runs after the rewrite rules */
  tamper: (m: Message) => Message | null = (m) => m
  /** settle every HTLC that reaches it irrevocably: fulfil what `invoice()` made, fail the rest */
  autoSettle = false
  blockHeight = 0
  /** this peer's channel keys: a keys id here is the seed in hex */
  readonly signer = new SeedSigner({ derive: fromHex })
  /** the reply to the last command given to this peer's channel */
  lastReply: CommandReply | undefined
  private readonly rules: RewriteRule[] = []
  private readonly preimages = new Map<string, Uint8Array>()
  private syncs = 0
  private adds = 0
  private address: string | undefined
  private rawStream: import('@libp2p/interface').Stream | undefined
  /** temporary channel ids of the openings it crafted */
  private readonly craftedOpenings = new Set<string>()

  constructor(
    readonly chainHash: Uint8Array,
    seedByte = 0x77,
    /** the channel parameters it asks of the node (to_self_delay is the delay it imposes on the node) */
    readonly config: ChannelConfig = { ...DEFAULT_CHANNEL_CONFIG, minimumDepth: 1 },
  ) {
    this.secret = new Uint8Array(32).fill(seedByte)
    this.nodeId = toHex(publicKeyOf(this.secret))
  }

  async start(): Promise<void> {
    this.host = await createLibp2p({
      privateKey: privateKeyFromRaw(this.secret),
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] },
    })
    await this.host.start()
  }

  async stop(): Promise<void> {
    await this.host?.stop()
  }

  get connected(): boolean {
    return this.framed !== undefined
  }

  /** Dials the node (`NODEID@MULTIADDR`), exchanges init, then keeps reading. */
  async connect(address: string): Promise<void> {
    this.address = address
    const [, ma] = address.split('@') as [string, string]
    const { peerIdFromPublicKey } = await import('@libp2p/peer-id')
    const { publicKeyFromRaw } = await import('@libp2p/crypto/keys')
    const peerId = peerIdFromPublicKey(publicKeyFromRaw(fromHex(address.split('@')[0]!)))
    const stream = await this.host.dialProtocol(multiaddr(`${ma}/p2p/${peerId.toString()}`), PROTOCOL)
    this.rawStream = stream
    this.framed = frameStream(stream)
    await this.write({
      type: 'init',
      features: featureBits(FEATURE_BITS.var_onion_optin[0], FEATURE_BITS.payment_secret[0]),
      networks: [this.chainHash],
    })
    void this.readLoop(this.framed)
  }

  async disconnect(): Promise<void> {
    await this.framed?.close().catch(() => {})
    this.framed = undefined
    if (this.data) this.input({ type: 'disconnected' })
  }

  /** Connects again to the node it last connected to (hanging up first if need be); the channel re-establishes. */
  async reconnect(): Promise<void> {
    if (!this.address) throw new Error('the test peer never connected')
    if (this.connected) await this.disconnect()
    await new Promise((r) => setTimeout(r, 100))
    await this.connect(this.address)
  }

  /** Writes raw bytes as one frame, for malformed-input tests. */
  async sendRawFrame(bytes: Uint8Array): Promise<void> {
    await lpStream(this.rawStream!, { maxDataLength: 1 << 24 }).write(bytes)
  }

  /** Stops reading from the node (a peer that does not read): what the node sends waits on its side. */
  stopReading(): void {
    this.rawStream!.pause()
  }

  /** Several messages in one write, as they are: for floods. */
  async sendMany(messages: Message[]): Promise<void> {
    if (this.framed) await this.framed.writeMany(messages)
  }

  /** What the state machine sends: rewrite rules, then `tamper`, then the wire. */
  async send(m: Message): Promise<void> {
    const out = this.tamper(this.applyRules(m))
    if (out) await this.write(out)
  }

  /**
   * From now on, the messages of `type` it sends carry `change` (fields, or a
   * function of the message giving them). With `nth`, only the nth such message
   * is changed (1: the next one).
   */
  rewrite<T extends MessageType>(
    type: T,
    change: Fields<T> | ((m: MessageOf<T>) => Fields<T>),
    options: { nth?: number } = {},
  ): Rewrite {
    const rule: RewriteRule = {
      type,
      change: (m) => (typeof change === 'function' ? change(m as MessageOf<T>) : change) as Partial<Message>,
      nth: options.nth,
      seen: 0,
      applied: 0,
      removed: false,
    }
    this.rules.push(rule)
    return {
      get applied() {
        return rule.applied
      },
      remove: () => {
        rule.removed = true
      },
    }
  }

  private applyRules(m: Message): Message {
    let out = m
    for (const rule of this.rules) {
      if (rule.removed || rule.type !== m.type) continue
      rule.seen++
      if (rule.nth !== undefined && rule.seen !== rule.nth) continue
      out = { ...out, ...rule.change(out) } as Message
      rule.applied++
    }
    return out
  }

  /** Sends the nth (1-based) message of `type` it has sent so far again, exactly as it went out. */
  async replay<T extends MessageType>(type: T, nth = 1): Promise<MessageOf<T>> {
    const old = this.sent.filter((m): m is MessageOf<T> => m.type === type)[nth - 1]
    if (!old)
      throw new Error(
        `the test peer has sent ${this.sent.filter((m) => m.type === type).length} ${type}, no number ${nth} to replay`,
      )
    await this.write(old)
    return old
  }

  /** Sends a crafted message as it is, past the rewrite rules and unknown to the state machine. */
  async inject(m: Message): Promise<void> {
    await this.write(m)
  }

  private async write(m: Message): Promise<void> {
    if (!this.framed) throw new Error(`the test peer is not connected: cannot send ${m.type}`)
    this.sent.push(m)
    await this.framed.write(m)
  }

  encoded(m: Message): Uint8Array {
    return encodeMessage(m)
  }

  /** Pings and waits for that pong: the node has handled everything sent before it. */
  async sync(timeoutMs = 15_000): Promise<void> {
    // a pong of a size no other ping asked for
    const size = 1000 + (this.syncs++ % 1000)
    const heard = this.received.length
    await this.inject({ type: 'ping', numPongBytes: size, ignored: new Uint8Array(0) })
    await this.waitFor(
      'the pong',
      () => this.received.slice(heard).some((m) => m.type === 'pong' && m.ignored.length === size),
      timeoutMs,
    )
  }

  /** The texts of the warnings (or errors) the node sent it. */
  warnings(): string[] {
    return this.texts('warning')
  }

  errors(): string[] {
    return this.texts('error')
  }

  private texts(type: 'warning' | 'error'): string[] {
    return this.received.flatMap((m) => (m.type === type ? [new TextDecoder().decode(m.data)] : []))
  }

  /** An invoice this peer can be paid with: with `autoSettle`, the HTLC that pays it is fulfilled. */
  invoice(
    amountMsat: bigint,
    preimage: Uint8Array = sha256(Uint8Array.of(...this.secret, this.preimages.size)),
  ): string {
    this.preimages.set(toHex(sha256(preimage)), preimage)
    return encodeInvoice(
      {
        network: 'bcrt',
        amountMsat,
        timestamp: Math.floor(Date.now() / 1000),
        paymentHash: sha256(preimage),
        paymentSecret: sha256(preimage, Uint8Array.of(1)),
        description: 'to the test peer',
      },
      this.secret,
    )
  }

  /**
   * Offers an HTLC through its state machine, signed at once unless told not to;
   * returns its id. Without an onion it carries zeros, so the node fails it back.
   */
  addHtlc(
    amountMsat: bigint,
    options: { sign?: boolean; paymentHash?: Uint8Array; cltvExpiry?: number; onion?: Uint8Array } = {},
  ): bigint {
    const n = this.adds++
    this.input({
      type: 'command',
      command: {
        type: 'add_htlc',
        commandId: `add-${n}`,
        amountMsat,
        paymentHash: options.paymentHash ?? sha256(utf8(`${this.nodeId} htlc ${n}`)),
        cltvExpiry: options.cltvExpiry ?? this.blockHeight + 100,
        onionRoutingPacket: options.onion ?? new Uint8Array(1366),
      },
    })
    const r = this.lastReply
    if (!r?.ok || r.htlcId === undefined)
      throw new Error(`the test peer could not add an HTLC: ${r && !r.ok ? r.message : 'no result'}`)
    if (options.sign ?? true) this.input({ type: 'command', command: { type: 'sign' } })
    return r.htlcId
  }

  /**
   * `count` valid open_channel messages to `nodeId` (hex), each with its own temporary
   * channel id, that its state machine knows nothing of (for floods): what the node
   * answers to them is kept in `received` and not fed to its channel.
   */
  openChannelMessages(nodeId: string, count: number): OpenChannel[] {
    const r = openChannel(
      {
        remoteNodeId: fromHex(nodeId),
        temporaryChannelId: new Uint8Array(32),
        fundingSat: 100_000n,
        pushMsat: 0n,
        announce: false,
        config: this.config,
        keysId: toHex(sha256(this.secret)),
        finalCondition: sig(publicKeyOf(this.secret)),
      },
      { blockHeight: this.blockHeight, chainHash: this.chainHash, feeratePerKw: 253, signer: this.signer },
    )
    const sent = r.effects.find((e) => e.type === 'send')
    if (sent?.type !== 'send' || sent.message.type !== 'open_channel')
      throw new Error('openChannel sent no open_channel')
    const template = sent.message
    return Array.from({ length: count }, () => {
      const temporaryChannelId = sha256(utf8(`${this.nodeId} opening ${this.craftedOpenings.size}`))
      this.craftedOpenings.add(toHex(temporaryChannelId))
      return { ...template, temporaryChannelId }
    })
  }

  /**
   * An update_add_htlc for its channel, unknown to its state machine, with the id that machine would use next; `fields`
   * override any part.
   */
  craftAdd(fields: Partial<Omit<UpdateAddHtlc, 'type'>> = {}): UpdateAddHtlc {
    const c = this.data && commitmentsOf(this.data)
    if (!c) throw new Error('the test peer has no channel')
    return {
      type: 'update_add_htlc',
      channelId: c.channelId,
      id: c.localNextHtlcId,
      amountMsat: 1_000_000n,
      paymentHash: sha256(Uint8Array.of(1, 2, 3)),
      cltvExpiry: this.blockHeight + 100,
      onionRoutingPacket: new Uint8Array(1366),
      ...fields,
    }
  }

  /** Money it holds in its channel, by its own reckoning: its balance plus the HTLCs it offered. */
  heldMsat(): bigint {
    const c = this.data && commitmentsOf(this.data)
    if (!c) return 0n
    const spec = c.localCommit.spec
    return (
      spec.toLocalMsat + spec.htlcs.filter((h) => h.direction === 'outgoing').reduce((s, h) => s + h.amountMsat, 0n)
    )
  }

  /** Nothing in flight: no HTLC, nothing unsigned, no revocation owed either way. */
  isQuiet(): boolean {
    const c = this.data && commitmentsOf(this.data)
    if (!c || this.data?.state !== 'NORMAL') return false
    return (
      c.localCommit.spec.htlcs.length === 0 &&
      c.remoteCommit.spec.htlcs.length === 0 &&
      c.remoteNextCommitInfo.kind === 'ready' &&
      c.localChanges.proposed.length + c.localChanges.signed.length + c.localChanges.acked.length === 0 &&
      c.remoteChanges.proposed.length + c.remoteChanges.signed.length + c.remoteChanges.acked.length === 0
    )
  }

  private async readLoop(framed: FramedStream): Promise<void> {
    try {
      for await (const r of framed) {
        if (r.kind !== 'message') continue
        const m = r.message
        this.received.push(m)
        if (m.type === 'init') {
          if (this.data) this.input({ type: 'connected' })
          continue
        }
        if (m.type === 'open_channel' && !this.data) {
          this.data = awaitOpenChannel({
            remoteNodeId: new Uint8Array(33),
            temporaryChannelId: m.temporaryChannelId,
            config: this.config,
            keysId: toHex(new Uint8Array(32).fill(0x55)),
            finalCondition: sig(publicKeyOf(new Uint8Array(32).fill(0x56))),
          })
        }
        // answers to the openings it crafted (openChannelMessages) are for channels its state machine does not have
        const id = 'temporaryChannelId' in m ? m.temporaryChannelId : 'channelId' in m ? m.channelId : undefined
        const forCrafted = id !== undefined && this.craftedOpenings.has(toHex(id))
        if (this.data && !forCrafted && id !== undefined && m.type !== 'warning')
          this.input({ type: 'message', message: m as never })
      }
    } catch {
      // connection reset
    }
    if (this.framed === framed) {
      this.framed = undefined
      if (this.data) this.input({ type: 'disconnected' })
    }
  }

  /** Feeds the channel state machine and sends what it says to send. */
  input(input: ChannelInput): ChannelEffect[] {
    if (!this.data) throw new Error('no channel yet')
    const r = step(this.data, input, {
      blockHeight: this.blockHeight,
      chainHash: this.chainHash,
      feeratePerKw: 253,
      signer: this.signer,
    })
    this.data = r.data
    if (input.type === 'command' && input.command.type !== 'sign') this.lastReply = r.reply
    const settle: UpdateAddHtlc[] = []
    for (const e of r.effects) {
      if (e.type === 'send') void this.send(e.message).catch(() => {})
      if (e.type === 'event') {
        this.events.push(e.event)
        if (this.autoSettle && e.event.type === 'htlc_received') settle.push(e.event.add)
      }
    }
    const more: ChannelEffect[] = []
    for (const add of settle) more.push(...this.input({ type: 'command', command: this.settlementOf(add) }))
    // a node signs once the input is handled; this peer handles one input at a time
    if ([...r.effects, ...more].some((e) => e.type === 'sign_soon') || settle.length > 0)
      more.push(...this.input({ type: 'command', command: { type: 'sign' } }))
    return [...r.effects, ...more]
  }

  /** What an honest payee does with an HTLC: fulfil it if it knows the preimage, fail it back otherwise. */
  private settlementOf(add: UpdateAddHtlc): ChannelCommand {
    const preimage = this.preimages.get(toHex(add.paymentHash))
    if (preimage) return { type: 'fulfill_htlc', id: add.id, preimage }
    try {
      const { sharedSecret } = peelPaymentOnion(add.onionRoutingPacket, this.secret, add.paymentHash)
      return {
        type: 'fail_htlc',
        id: add.id,
        reason: createFailure(sharedSecret, {
          code: FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS,
          htlcMsat: add.amountMsat,
          height: this.blockHeight,
        }),
      }
    } catch (err) {
      if (!(err instanceof OnionError) || err.sharedSecret) throw err
      return {
        type: 'fail_malformed_htlc',
        id: add.id,
        sha256OfOnion: sha256(add.onionRoutingPacket),
        failureCode: err.failureCode,
      }
    }
  }

  async waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const v = fn()
      if (v !== undefined && v !== false) return v
      if (Date.now() > deadline) throw new Error(`test peer timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }
}

/** Starts `peer` and connects it to the node, returning once the node lists it as connected. */
export async function connectTo(net: TestNetwork, nodeName: string, peer: TestPeer): Promise<TestPeer> {
  await peer.start()
  await peer.connect(net.node(nodeName).address)
  await waitForNode(`${nodeName} to see the test peer`, async () =>
    (await net.node(nodeName).client.peers()).some((p) => p.nodeId === peer.nodeId && p.connected),
  )
  return peer
}

/**
 * Opens a channel from a node of the network to each test peer (already
 * connected to it), mines them all to depth at once, and tells each peer its
 * funding confirmed. Returns the channel ids, in order; each channel becomes
 * NORMAL once both channel_ready are through (unless a peer lies in its own).
 */
export async function openChannelsTo(
  net: TestNetwork,
  nodeName: string,
  channels: Array<{ peer: TestPeer; amountSat?: bigint; pushMsat?: bigint }>,
): Promise<string[]> {
  const node = net.node(nodeName)
  await waitForNode('the node to see every test peer', async () => {
    const connected = new Set((await node.client.peers()).filter((p) => p.connected).map((p) => p.nodeId))
    return channels.every((c) => connected.has(c.peer.nodeId))
  })
  const opened: Array<{ channelId: string; fundingTxid: string }> = []
  for (const { peer, amountSat, pushMsat } of channels)
    opened.push(
      await node.client.openChannel({
        nodeId: peer.nodeId,
        amountSat: amountSat ?? 500_000n,
        pushMsat: pushMsat ?? 0n,
      }),
    )
  await net.mine(Math.max(3, ...channels.map((c) => c.peer.config.minimumDepth)))
  const { height } = await net.chain<{ height: number }>('GET', '/info')
  for (const [i, { peer }] of channels.entries()) {
    const { fundingTxid } = opened[i]!
    const tx = await net.chain<{ blockHeight: number }>('GET', `/transactions/${fundingTxid}`)
    const block = await net.chain<{ txids: string[] }>('GET', `/blocks/${tx.blockHeight}`)
    peer.blockHeight = height
    await peer.waitFor('the funding transaction to be signed', () => peer.data?.state === 'WAIT_FOR_FUNDING_CONFIRMED')
    peer.input({
      type: 'tx_confirmed',
      txid: fundingTxid,
      blockHeight: tx.blockHeight,
      txIndex: block.txids.indexOf(fundingTxid),
    })
  }
  return opened.map((o) => o.channelId)
}
