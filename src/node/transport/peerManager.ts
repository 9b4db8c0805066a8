/**
 * The peers of a node: dialing `NODEID@MULTIADDR` (the node id is checked by
 * the Noise handshake, since the libp2p peer id derives from it), accepting
 * inbound streams, one live connection per peer, and redialling with backoff a
 * peer we share channels with when the connection drops.
 */
import type { Libp2p } from 'libp2p'
import type { Connection, Stream } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { fromHex, toHex } from '../../core/bytes.js'
import { isValidPublicKey } from '../../crypto/secp256k1.js'
import type { Init, Message } from '../../wire/messages.js'
import type { WireDecodeError } from '../../wire/errors.js'
import { unknownRequiredFeatures } from '../../wire/features.js'
import { peerIdOfNodeId } from '../identity.js'
import type { Logger } from '../logger.js'
import type { KvLog } from '../store/durableStore.js'
import { LN_PROTOCOL } from './host.js'
import { PeerConnection, type ConnectionOptions } from './peerConnection.js'
import type { FaultInjector } from '../testing/faults.js'
import type { RogueMessages } from '../testing/rogueMessages.js'
import { LinkQueue } from '../testing/linkQueue.js'
import { NodeError } from '../errors.js'
import { announcementOrder } from './reachability.js'
import { decodeStored, type StoredGossip } from '../../routing/gossip/store.js'

export interface PeerRecord {
  address: string | null
}

export interface PeerManagerEvents {
  onConnected(peer: string, init: Init): void
  onDisconnected(peer: string): void
  onMessage(peer: string, message: Message, frame: Uint8Array): void
  /** see PeerConnectionEvents.isKnownGossip */
  isKnownGossip?(frame: Uint8Array): boolean
  onKnownGossip?(peer: string, frame: Uint8Array): void
  /** see PeerConnectionEvents.onInvalidChannelMessage */
  onInvalidChannelMessage(peer: string, channelId: Uint8Array, error: WireDecodeError): void
  /** whether we still want this peer back after a drop (we share channels with it) */
  wantsReconnect(peer: string): boolean
  /** where the network says a peer can be reached (its node_announcement), when we never dialled it */
  addressOf(peer: string): string | undefined
}

export interface ParsedPeerAddress {
  nodeId: string
  multiaddr: string
}

export function parsePeerAddress(text: string): ParsedPeerAddress {
  const at = text.indexOf('@')
  if (at < 0) throw new NodeError('INVALID_PEER_ADDRESS', `expected NODEID@MULTIADDR, got ${JSON.stringify(text)}`)
  const nodeId = text.slice(0, at).toLowerCase()
  const ma = text.slice(at + 1)
  if (!/^0[23][0-9a-f]{64}$/.test(nodeId) || !isValidPublicKey(fromHex(nodeId)))
    throw new NodeError(
      'INVALID_PEER_ADDRESS',
      `${nodeId.slice(0, 20)}… is not a node id (33-byte compressed public key in hex)`,
    )
  try {
    multiaddr(ma)
  } catch {
    throw new NodeError(
      'INVALID_PEER_ADDRESS',
      `${JSON.stringify(ma)} is not a multiaddr (e.g. /ip4/127.0.0.1/tcp/9735)`,
    )
  }
  return { nodeId, multiaddr: ma.replace(/\/p2p\/[^/]+$/, '') }
}

export class PeerManager {
  private readonly connections = new Map<string, PeerConnection>()
  private readonly connectedAt = new Map<string, number>()
  private readonly reconnectTimers = new Map<string, { timer: NodeJS.Timeout; delay: number }>()
  /** our redials still on their way: called off when the peer's own connection gets there first */
  private readonly redials = new Map<string, AbortController>()
  private readonly waiters = new Map<string, Array<(ok: boolean) => void>>()
  /** messages link latency holds back, per connection (test-only) */
  private readonly linkQueues = new WeakMap<PeerConnection, LinkQueue>()
  private stopped = false

  constructor(
    private readonly host: Libp2p,
    private readonly ourNodeId: string,
    private readonly init: Init,
    private readonly store: KvLog<PeerRecord>,
    private readonly events: PeerManagerEvents,
    private readonly log: Logger,
    /** what one connection may cost us; and the addresses to announce instead of our own (--announce) */
    private readonly connectionOptions: ConnectionOptions & { announce?: readonly string[] },
    /** test-only network trouble (--testing) */
    private readonly faults?: FaultInjector,
    /** test-only rogue messages: changed in flight, counted, kept for replay (--testing) */
    private readonly rogue?: RogueMessages,
  ) {}

  async start(): Promise<void> {
    await this.host.handle(LN_PROTOCOL, (stream: Stream, connection: Connection) => this.accept(stream, connection), {
      maxInboundStreams: 4,
    })
    // we want back every peer we have a channel with
    for (const peer of this.store.keys()) if (this.events.wantsReconnect(peer)) this.scheduleReconnect(peer, 200)
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const t of this.reconnectTimers.values()) clearTimeout(t.timer)
    for (const r of this.redials.values()) r.abort()
    for (const c of this.connections.values()) c.close('shutting down')
  }

  isConnected(peer: string): boolean {
    return this.connections.get(peer)?.initReceived === true
  }

  list(): Array<{ nodeId: string; address: string | null; connected: boolean; connectedAt: number | null }> {
    const peers = new Set([...this.store.keys(), ...this.connections.keys()])
    return [...peers].map((nodeId) => ({
      nodeId,
      address: this.store.get(nodeId)?.address ?? null,
      connected: this.isConnected(nodeId),
      connectedAt: this.connectedAt.get(nodeId) ?? null,
    }))
  }

  /** Where this node can be dialled: the addresses it was told to announce, or its own, routable ones first. */
  listenAddresses(): string[] {
    const announce = this.connectionOptions.announce
    if (announce && announce.length > 0) return [...announce]
    return announcementOrder(this.host.getMultiaddrs().map((m) => m.toString()))
  }

  connectedPeers(): string[] {
    return [...this.connections.keys()].filter((peer) => this.isConnected(peer))
  }

  send(peer: string, original: Message): void {
    const c = this.connections.get(peer)
    if (!c?.initReceived) return
    if (!this.faults) return c.send(original)
    const message = this.rogue ? this.rogue.rewrite(peer, original) : original
    const d = this.faults.onSend(peer, message, Date.now())
    if (!d.send) {
      this.log.info('fault injection: message not sent', { peer, type: message.type, disconnect: d.disconnectBefore })
      if (d.disconnectBefore) void this.disconnect(peer, 'fault injection: disconnect before sending')
      return
    }
    const deliver = (): void => {
      // a message held back on a connection that has since closed is lost with it, never sent on the next one
      if (this.connections.get(peer) !== c || !c.initReceived) return
      c.send(message)
      this.rogue?.recordSent(peer, message)
      if (d.disconnectAfter) void this.disconnect(peer, 'fault injection: disconnect after sending')
    }
    let queue = this.linkQueues.get(c)
    if (d.delayMs <= 0 && (!queue || queue.idle)) return deliver()
    if (!queue) this.linkQueues.set(c, (queue = new LinkQueue()))
    queue.push(Date.now() + d.delayMs, deliver)
  }

  /**
   * A stored gossip message, as the bytes it arrived in (they carry what its signature covers). Network trouble
   * (--testing) sees it whole: a fault or rogue may rewrite it.
   */
  sendStored(peer: string, item: StoredGossip): void {
    if (this.faults) return this.send(peer, decodeStored(item))
    const c = this.connections.get(peer)
    if (c?.initReceived) c.sendEncoded(item.message.type, item.encoded)
  }

  /** Test hook: cut this node off from peers (drops their connections and refuses new ones) until healed. */
  partition(peers: string[]): void {
    this.faults?.partition(peers)
    for (const p of peers) void this.disconnect(p, 'partitioned (test hook)')
  }

  heal(): void {
    this.faults?.heal()
    for (const peer of this.store.keys()) {
      if (!this.events.wantsReconnect(peer) || this.isConnected(peer)) continue
      // a redial that backed off while the peer was cut off could wait up to 30 s more: the way is open now
      const pending = this.reconnectTimers.get(peer)
      if (pending) clearTimeout(pending.timer)
      this.reconnectTimers.delete(peer)
      this.scheduleReconnect(peer, 100)
    }
  }

  async disconnect(peer: string, reason: string): Promise<void> {
    await this.connections.get(peer)?.drainAndClose(reason)
  }

  /** Connects and completes the init exchange; resolves when the peer is ready. */
  async connect(address: string, options: { timeoutMs?: number } = {}): Promise<string> {
    const { nodeId, multiaddr: ma } = parsePeerAddress(address)
    if (nodeId === this.ourNodeId) throw new NodeError('CANNOT_CONNECT_TO_SELF', 'that is this node’s own id')
    this.store.set(nodeId, { address: `${nodeId}@${ma}` })
    await this.store.flush()
    if (this.isConnected(nodeId)) return nodeId
    // a connection of the peer's still exchanging init will do as well as ours; and should ours lose the tie-break
    // to one the peer opened at the same moment (it closes our stream then), that one will do
    if (!this.connections.get(nodeId)?.isOpen)
      await this.dial(nodeId, ma).catch((err: unknown) => {
        if (!this.connections.get(nodeId)?.isOpen) throw err
      })
    const ok = await this.waitReady(nodeId, options.timeoutMs ?? 10_000)
    if (!ok)
      throw new NodeError(
        'PEER_UNREACHABLE',
        `connected to ${nodeId.slice(0, 16)}… but it did not complete the init exchange`,
      )
    return nodeId
  }

  private waitReady(peer: string, timeoutMs: number): Promise<boolean> {
    if (this.isConnected(peer)) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs)
      const finish = (ok: boolean): void => {
        clearTimeout(timer)
        resolve(ok)
      }
      this.waiters.set(peer, [...(this.waiters.get(peer) ?? []), finish])
    })
  }

  private async dial(nodeId: string, ma: string, calledOff?: AbortSignal): Promise<void> {
    const peerId = peerIdOfNodeId(fromHex(nodeId))
    const timeout = AbortSignal.timeout(10_000)
    let stream: Stream
    try {
      stream = await this.host.dialProtocol(multiaddr(`${ma}/p2p/${peerId.toString()}`), LN_PROTOCOL, {
        signal: calledOff ? AbortSignal.any([timeout, calledOff]) : timeout,
      })
    } catch (err) {
      throw new NodeError(
        'PEER_UNREACHABLE',
        `cannot reach ${nodeId.slice(0, 16)}… at ${ma}: ${(err as Error).message}`,
      )
    }
    if (calledOff?.aborted) {
      void stream.close()
      return
    }
    this.attach(nodeId, stream, 'us')
  }

  private accept(stream: Stream, connection: Connection): void {
    const key = connection.remotePeer.publicKey?.raw
    if (!key || key.length !== 33 || this.faults?.isCutOff(toHex(key))) {
      void stream.close()
      return
    }
    this.attach(toHex(key), stream, 'them')
  }

  /**
   * One connection per peer. A new stream from the same side replaces the old
   * one (which is dead or dying); when both sides dial at once, both keep the
   * stream the lower node id opened, so they agree without talking.
   */
  private attach(peer: string, stream: Stream, initiator: 'us' | 'them'): void {
    if (this.faults?.isCutOff(peer)) {
      void stream.close()
      return
    }
    const existing = this.connections.get(peer)
    if (existing?.isOpen) {
      const openedByLower = (side: 'us' | 'them'): boolean => (side === 'us') === this.ourNodeId < peer
      const keepNew = existing.initiator === initiator || openedByLower(initiator)
      if (!keepNew) {
        void stream.close()
        return
      }
      this.connections.delete(peer)
      existing.close('replaced by a newer connection')
      // the channels must see the old connection end, or they would not re-synchronise on the new one
      if (existing.initReceived) this.events.onDisconnected(peer)
    }
    const conn = new PeerConnection(
      peer,
      stream,
      initiator,
      {
        onInit: (c, init) => this.onInit(c, init),
        onMessage: (c, m, frame) => {
          if (this.connections.get(c.peer) === c) this.events.onMessage(c.peer, m, frame)
        },
        isKnownGossip: (frame) => this.events.isKnownGossip?.(frame) ?? false,
        onKnownGossip: (c, frame) => {
          if (this.connections.get(c.peer) === c) this.events.onKnownGossip?.(c.peer, frame)
        },
        onInvalidChannelMessage: (c, channelId, error) => {
          if (this.connections.get(c.peer) === c) this.events.onInvalidChannelMessage(c.peer, channelId, error)
        },
        onClose: (c, reason) => this.onClose(c, reason),
      },
      this.log,
      this.connectionOptions,
    )
    this.connections.set(peer, conn)
    // LND cancels its outbound attempts when a peer connects in: had our redial arrived too, one side's working
    // connection would be replaced by it, and every channel with the peer re-established once more
    if (initiator === 'them') this.redials.get(peer)?.abort()
    conn.start(this.init)
  }

  private onInit(conn: PeerConnection, init: Init): void {
    if (this.connections.get(conn.peer) !== conn) return
    // BOLT #1: a feature we do not know that the peer requires (an even bit) ends the connection
    const unknown = unknownRequiredFeatures(init.features)
    const ours = this.init.networks
    const sameChain = init.networks.length === 0 || ours.some((n) => init.networks.some((m) => toHex(m) === toHex(n)))
    if (unknown.length > 0 || !sameChain) {
      const why =
        unknown.length > 0 ? `peer requires features we do not know: ${unknown.join(', ')}` : 'peer is on another chain'
      conn.send({ type: 'error', channelId: new Uint8Array(32), data: new TextEncoder().encode(why) })
      void conn.drainAndClose(why)
      return
    }
    this.connectedAt.set(conn.peer, Date.now())
    const t = this.reconnectTimers.get(conn.peer)
    if (t) {
      clearTimeout(t.timer)
      this.reconnectTimers.delete(conn.peer)
    }
    if (!this.store.has(conn.peer)) this.store.set(conn.peer, { address: null })
    this.log.info('peer connected', { peer: conn.peer, initiator: conn.initiator })
    this.events.onConnected(conn.peer, init)
    for (const w of this.waiters.get(conn.peer) ?? []) w(true)
    this.waiters.delete(conn.peer)
  }

  private onClose(conn: PeerConnection, reason: string): void {
    if (this.connections.get(conn.peer) !== conn) return
    this.connections.delete(conn.peer)
    this.connectedAt.delete(conn.peer)
    this.linkQueues.get(conn)?.close()
    this.log.info('peer disconnected', { peer: conn.peer, reason })
    if (conn.initReceived) this.events.onDisconnected(conn.peer)
    if (!this.stopped && this.events.wantsReconnect(conn.peer)) this.scheduleReconnect(conn.peer, 250)
  }

  /** Exponential backoff with jitter, up to 30 s, while we still want the peer. */
  private scheduleReconnect(peer: string, delay: number): void {
    const address = this.store.get(peer)?.address ?? this.events.addressOf(peer)
    if (!address || this.stopped || this.reconnectTimers.has(peer)) return
    const jittered = Math.round(delay * (0.75 + Math.random() * 0.5))
    const timer = setTimeout(() => {
      this.reconnectTimers.delete(peer)
      if (this.stopped || this.isConnected(peer) || !this.events.wantsReconnect(peer)) return
      if (this.faults?.isCutOff(peer)) return this.scheduleReconnect(peer, Math.min(delay * 2, 30_000))
      // a connection still exchanging init is given its chance: should it fail, its close schedules the next try
      if (this.connections.get(peer)?.isOpen) return
      const { multiaddr: ma } = parsePeerAddress(
        this.store.get(peer)?.address ?? this.events.addressOf(peer) ?? address,
      )
      const redial = new AbortController()
      this.redials.set(peer, redial)
      this.dial(peer, ma, redial.signal)
        .catch((err) => {
          if (redial.signal.aborted) return
          this.log.debug('reconnect failed', { peer, error: (err as Error).message })
          this.scheduleReconnect(peer, Math.min(delay * 2, 30_000))
        })
        .finally(() => {
          if (this.redials.get(peer) === redial) this.redials.delete(peer)
        })
    }, jittered)
    this.reconnectTimers.set(peer, { timer, delay })
  }
}
