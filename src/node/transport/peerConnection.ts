/**
 * One peer's long-lived /lnsim/ln/1.0.0 stream: BOLT-style messages framed by
 * the wire layer, init exchanged first, writes kept in order. A message that
 * does not decode gets a warning naming the problem and the connection carries
 * on; an oversized frame (the frame boundaries are lost) or an unknown even
 * message type closes it (BOLT #1).
 *
 * A peer that goes quiet is pinged, and one that stays silent after that (a
 * process frozen, or its machine gone, with the TCP connection still up) is
 * disconnected, so its channels stop being offered for payments. The windows are
 * long because a hundred node processes on two cores can lag by seconds.
 *
 * What a peer can make us hold is bounded: messages to it wait in a queue of at
 * most `maxOutgoingQueueBytes` (a peer that does not read is disconnected), and
 * its pings, each asking for up to 65,531 bytes back for 7 sent, are answered
 * one at a time and at a bounded rate (BOLT #1 lets a node ignore or even fail
 * channels over pings well beyond one per 30 s); a peer that keeps pinging far
 * past the rate is disconnected.
 */
import type { Stream } from '@libp2p/interface'
import { utf8 } from '../../core/bytes.js'
import { trace } from '../../core/trace.js'
import type { NodeLimits } from '../../api/node/limits.js'
import { WIRE_DECODE_ERRORS, type WireDecodeError } from '../../wire/errors.js'
import { frameStream, type FramedStream } from '../../wire/framing.js'
import type { Init, Message } from '../../wire/messages.js'
import type { Logger } from '../logger.js'
import type { PeerLogLimiter } from '../peerLogLimiter.js'
import { TokenBucket } from './tokenBucket.js'

export interface PeerConnectionEvents {
  onInit(conn: PeerConnection, init: Init): void
  /** `frame` is the message as received, for checking gossip signatures over every byte */
  onMessage(conn: PeerConnection, message: Message, frame: Uint8Array): void
  /** whether these bytes are gossip judged before: they are then not decoded again, only passed to onKnownGossip */
  isKnownGossip?(frame: Uint8Array): boolean
  onKnownGossip?(conn: PeerConnection, frame: Uint8Array): void
  /**
   * a message for one channel carried a key that is not on the curve: that channel fails (BOLT #2), the connection
   * stays
   */
  onInvalidChannelMessage(conn: PeerConnection, channelId: Uint8Array, error: WireDecodeError): void
  onClose(conn: PeerConnection, reason: string): void
}

const ZERO_CHANNEL = new Uint8Array(32)

export interface Liveness {
  /** ms of silence from the peer before we ping it */
  pingAfterMs: number
  /** ms of silence from the peer before we disconnect */
  closeAfterMs: number
}

export const DEFAULT_LIVENESS: Liveness = { pingAfterMs: 30_000, closeAfterMs: 90_000 }

/** BOLT #1: a ping asking for 65,532 bytes or more must be ignored. */
const MAX_PONG_BYTES = 65_531

/** How long a closing connection waits for its queued messages to be read before it is cut. */
const DRAIN_TIMEOUT_MS = 2000

export type ConnectionLimits = Pick<
  NodeLimits,
  'maxOutgoingQueueBytes' | 'pingBurst' | 'pingsPerSecond' | 'maxExcessPings'
>

export interface ConnectionOptions {
  limits: ConnectionLimits
  /** limits the lines a peer's bad input writes to the log */
  peerLog: PeerLogLimiter
  liveness?: Liveness
}

export class PeerConnection {
  private readonly framed: FramedStream
  private closed = false
  initReceived = false
  private lastHeard = Date.now()
  private lastPing = 0
  private livenessTimer: NodeJS.Timeout | undefined
  private readonly liveness: Liveness
  private readonly pings: TokenBucket
  /** pings beyond the rate, over the connection's life */
  private excessPings = 0
  /** our last pong has not been taken by the stream yet: the peer is not reading it */
  private pongWaiting = false

  constructor(
    readonly peer: string,
    readonly stream: Stream,
    /** who opened this stream: used to break ties when both sides dial at once */
    readonly initiator: 'us' | 'them',
    private readonly events: PeerConnectionEvents,
    private readonly log: Logger,
    private readonly options: ConnectionOptions,
  ) {
    this.liveness = options.liveness ?? DEFAULT_LIVENESS
    this.pings = new TokenBucket(options.limits.pingBurst, options.limits.pingsPerSecond)
    const known = events.isKnownGossip?.bind(events)
    this.framed = frameStream(stream, {
      maxQueuedBytes: options.limits.maxOutgoingQueueBytes,
      ...(known ? { skip: (frame: Uint8Array) => this.initReceived && known(frame) } : {}),
    })
  }

  start(init: Init): void {
    this.send(init)
    void this.readLoop().catch((err: Error) => this.close(`read failed: ${err.message}`))
    this.livenessTimer = setInterval(
      () => this.checkLiveness(),
      Math.min(this.liveness.pingAfterMs, this.liveness.closeAfterMs) / 2,
    )
    this.livenessTimer.unref()
  }

  private checkLiveness(): void {
    const silentMs = Date.now() - this.lastHeard
    if (silentMs >= this.liveness.closeAfterMs)
      this.close(`peer was silent for ${Math.round(silentMs / 1000)} s, even to a ping`)
    // BOLT #1 lets a peer fail channels over pings much more often than one per 30 s
    else if (silentMs >= this.liveness.pingAfterMs && Date.now() - this.lastPing >= this.liveness.pingAfterMs) {
      this.lastPing = Date.now()
      this.send({ type: 'ping', numPongBytes: 0, ignored: new Uint8Array(0) })
    }
  }

  get isOpen(): boolean {
    return !this.closed
  }

  /** what to write: a message, or the bytes of one (stored gossip, sent as it arrived) */
  private outbox: Array<{ type: Message['type']; out: Message | Uint8Array }> = []

  /**
   * Queued in order. Messages sent in the same turn (a revoke_and_ack and its
   * commitment_signed, a batch of HTLCs) go out in one write; a failed write
   * closes the connection (the peer will be redialled).
   */
  send(message: Message): void {
    this.queue(message.type, message)
  }

  /** A message already encoded, queued as `send` queues one. */
  sendEncoded(type: Message['type'], encoded: Uint8Array): void {
    this.queue(type, encoded)
  }

  private queue(type: Message['type'], out: Message | Uint8Array): void {
    if (this.closed) return
    trace('send', type)
    this.outbox.push({ type, out })
    if (this.outbox.length === 1) queueMicrotask(() => this.flushOutbox())
  }

  private flushOutbox(): void {
    const batch = this.outbox
    this.outbox = []
    if (this.closed || batch.length === 0) return
    trace('write', String(batch.length))
    const carriesPong = batch.some((b) => b.type === 'pong')
    this.framed
      .writeMany(batch.map((b) => b.out))
      .catch((err: Error) => {
        if (err.name === 'WireEncodeError')
          this.log.error('cannot encode our own message', {
            peer: this.peer,
            types: batch.map((b) => b.type).join(','),
            error: err.message,
          })
        else if (err.name === 'SendQueueFullError') {
          this.log.warn('peer does not read what we send: disconnecting', {
            peer: this.peer,
            queuedBytes: this.framed.queuedBytes,
            limit: this.options.limits.maxOutgoingQueueBytes,
          })
          this.close(`the peer does not read: ${err.message}`)
        } else this.close(`write failed: ${err.message}`)
      })
      .finally(() => {
        if (carriesPong) this.pongWaiting = false
      })
  }

  /**
   * Lets queued messages go out first (e.g. a warning before the disconnect it
   * announces), for a while: a peer that does not read is cut off anyway.
   */
  async drainAndClose(reason: string): Promise<void> {
    if (this.closed) return
    this.flushOutbox()
    this.closed = true
    clearInterval(this.livenessTimer)
    let timer: NodeJS.Timeout | undefined
    const drained = await Promise.race([
      this.framed.close().then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS))),
    ])
    clearTimeout(timer)
    if (!drained) this.stream.abort(new Error(reason))
    this.events.onClose(this, reason)
  }

  close(reason: string): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.livenessTimer)
    this.stream.abort(new Error(reason))
    this.events.onClose(this, reason)
  }

  /**
   * A pong, unless the peer pings beyond the rate or has not read our last pong
   * yet; false when it pinged so far beyond the rate that the connection is closed.
   */
  private async answerPing(numPongBytes: number): Promise<boolean> {
    if (!this.pings.take()) {
      if (++this.excessPings <= this.options.limits.maxExcessPings) return true
      this.options.peerLog.line(this.log, 'warn', this.peer, 'peer pings far beyond the rate: disconnecting', {
        excessPings: this.excessPings,
      })
      this.warn(
        `too many pings: more than ${this.options.limits.maxExcessPings} ` +
          `beyond ${this.options.limits.pingsPerSecond} a second`,
      )
      await this.drainAndClose('the peer pinged far beyond the rate')
      return false
    }
    if (numPongBytes > MAX_PONG_BYTES || this.pongWaiting) return true
    this.pongWaiting = true
    this.send({ type: 'pong', ignored: new Uint8Array(numPongBytes) })
    return true
  }

  private warn(text: string): void {
    this.send({ type: 'warning', channelId: ZERO_CHANNEL, data: utf8(text) })
  }

  private async readLoop(): Promise<void> {
    for await (const result of this.framed) {
      if (this.closed) return
      this.lastHeard = Date.now()
      if (result.kind === 'invalid') {
        const { code, message, details } = result.error
        const { action } = WIRE_DECODE_ERRORS[code]
        this.options.peerLog.line(this.log, 'warn', this.peer, 'undecodable message from peer', {
          code,
          error: message,
        })
        if (action === 'fail_channel' && details.channelId instanceof Uint8Array && this.initReceived) {
          this.events.onInvalidChannelMessage(this, details.channelId, result.error)
          continue
        }
        this.warn(`${code}: ${message}`)
        if (action === 'disconnect') {
          await this.drainAndClose(`peer sent ${code}`)
          return
        }
        continue
      }
      if (result.kind === 'unknown_odd') continue
      if (result.kind === 'skipped') {
        this.events.onKnownGossip?.(this, result.frame)
        continue
      }
      const message = result.message
      trace('recv', message.type)
      if (!this.initReceived) {
        if (message.type !== 'init') {
          this.warn('the first message must be init')
          await this.drainAndClose('peer did not start with init')
          return
        }
        this.initReceived = true
        this.events.onInit(this, message)
        continue
      }
      if (message.type === 'ping') {
        if (!(await this.answerPing(message.numPongBytes))) return
        continue
      }
      if (message.type === 'pong' || message.type === 'init') continue
      this.events.onMessage(this, message, result.frame)
      trace('handled', message.type)
    }
    this.close('peer closed the connection')
  }
}
