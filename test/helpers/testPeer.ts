/**
 * A hand-driven Lightning peer inside the test process: its own libp2p host and
 * key, the real channel state machine, and a hook to tamper with what it sends.
 * It lets a test act as a misbehaving peer towards a real node process.
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { fromHex, toHex } from '../../src/core/bytes.js'
import { sig } from '../../src/chain/condition.js'
import { publicKeyOf } from '../../src/crypto/secp256k1.js'
import { step } from '../../src/channel/machine.js'
import { SeedSigner } from '../../src/channel/signer.js'
import type { CommandReply } from '../../src/channel/result.js'
import { awaitOpenChannel } from '../../src/channel/opening.js'
import { DEFAULT_CHANNEL_CONFIG } from '../../src/channel/constants.js'
import type { ChannelEffect, ChannelEvent, ChannelInput } from '../../src/channel/io.js'
import type { ChannelData } from '../../src/channel/states.js'
import { frameStream, type FramedStream } from '../../src/wire/framing.js'
import { FEATURE_BITS, featureBits } from '../../src/wire/features.js'
import type { Message } from '../../src/wire/messages.js'
import { lpStream } from '@libp2p/utils'
import { encodeMessage } from '../../src/wire/codec.js'

const PROTOCOL = '/lnsim/ln/1.0.0'

export class TestPeer {
  host!: Libp2p
  framed: FramedStream | undefined
  readonly secret: Uint8Array
  readonly nodeId: string
  data: ChannelData | undefined
  readonly received: Message[] = []
  readonly events: ChannelEvent[] = []
  /** rewrite (or drop, with null) each message before it is sent */
  tamper: (m: Message) => Message | null = (m) => m
  blockHeight = 0
  /** this peer's channel keys: a keys id here is the seed in hex */
  readonly signer = new SeedSigner(fromHex)
  /** the reply to the last command given to this peer's channel */
  lastReply: CommandReply | undefined
  private rawStream: import('@libp2p/interface').Stream | undefined

  constructor(readonly chainHash: Uint8Array, seedByte = 0x77) {
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

  /** Dials the node (`NODEID@MULTIADDR`), exchanges init, then keeps reading. */
  async connect(address: string): Promise<void> {
    const [, ma] = address.split('@') as [string, string]
    const { peerIdFromPublicKey } = await import('@libp2p/peer-id')
    const { publicKeyFromRaw } = await import('@libp2p/crypto/keys')
    const peerId = peerIdFromPublicKey(publicKeyFromRaw(fromHex(address.split('@')[0]!)))
    const stream = await this.host.dialProtocol(multiaddr(`${ma}/p2p/${peerId.toString()}`), PROTOCOL)
    this.rawStream = stream
    this.framed = frameStream(stream)
    await this.framed.write({ type: 'init', features: featureBits(FEATURE_BITS.var_onion_optin[0], FEATURE_BITS.payment_secret[0]), networks: [this.chainHash] })
    void this.readLoop(this.framed)
  }

  async disconnect(): Promise<void> {
    await this.framed?.close().catch(() => {})
    this.framed = undefined
    if (this.data) this.input({ type: 'disconnected' })
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

  async send(m: Message): Promise<void> {
    const out = this.tamper(m)
    if (out && this.framed) await this.framed.write(out)
  }

  encoded(m: Message): Uint8Array {
    return encodeMessage(m)
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
          this.data = awaitOpenChannel({ remoteNodeId: new Uint8Array(33), temporaryChannelId: m.temporaryChannelId, config: { ...DEFAULT_CHANNEL_CONFIG, minimumDepth: 1 }, keysId: toHex(new Uint8Array(32).fill(0x55)), finalCondition: sig(publicKeyOf(new Uint8Array(32).fill(0x56))) })
        }
        if (this.data && ('channelId' in m || 'temporaryChannelId' in m) && m.type !== 'warning') this.input({ type: 'message', message: m as never })
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
    const r = step(this.data, input, { blockHeight: this.blockHeight, chainHash: this.chainHash, feeratePerKw: 253, signer: this.signer })
    this.data = r.data
    if (input.type === 'command' && input.command.type !== 'sign') this.lastReply = r.reply
    for (const e of r.effects) {
      if (e.type === 'send') void this.send(e.message)
      if (e.type === 'event') this.events.push(e.event)
    }
    // a node signs once the input is handled; this peer handles one input at a time
    if (r.effects.some((e) => e.type === 'sign_soon')) return [...r.effects, ...this.input({ type: 'command', command: { type: 'sign' } })]
    return r.effects
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
