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
 */
import type { Stream } from '@libp2p/interface'
import { utf8 } from '../../core/bytes.js'
import { trace } from '../../core/trace.js'
import type { WireDecodeError } from '../../wire/errors.js'
import { frameStream, type FramedStream } from '../../wire/framing.js'
import type { Init, Message } from '../../wire/messages.js'
import type { Logger } from '../logger.js'

export interface PeerConnectionEvents {
  onInit(conn: PeerConnection, init: Init): void
  /** `frame` is the message as received, for checking gossip signatures over every byte */
  onMessage(conn: PeerConnection, message: Message, frame: Uint8Array): void
  /** a message for one channel carried a key that is not on the curve: that channel fails (BOLT #2), the connection stays */
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

export class PeerConnection {
  private readonly framed: FramedStream
  private closed = false
  initReceived = false
  private lastHeard = Date.now()
  private lastPing = 0
  private livenessTimer: NodeJS.Timeout | undefined

  constructor(
    readonly peer: string,
    readonly stream: Stream,
    /** who opened this stream: used to break ties when both sides dial at once */
    readonly initiator: 'us' | 'them',
    private readonly events: PeerConnectionEvents,
    private readonly log: Logger,
    private readonly liveness: Liveness = DEFAULT_LIVENESS,
  ) {
    this.framed = frameStream(stream)
  }

  start(init: Init): void {
    this.send(init)
    void this.readLoop().catch((err: Error) => this.close(`read failed: ${err.message}`))
    this.livenessTimer = setInterval(() => this.checkLiveness(), Math.min(this.liveness.pingAfterMs, this.liveness.closeAfterMs) / 2)
    this.livenessTimer.unref()
  }

  private checkLiveness(): void {
    const silentMs = Date.now() - this.lastHeard
    if (silentMs >= this.liveness.closeAfterMs) this.close(`peer was silent for ${Math.round(silentMs / 1000)} s, even to a ping`)
    // BOLT #1 lets a peer fail channels over pings much more often than one per 30 s
    else if (silentMs >= this.liveness.pingAfterMs && Date.now() - this.lastPing >= this.liveness.pingAfterMs) {
      this.lastPing = Date.now()
      this.send({ type: 'ping', numPongBytes: 0, ignored: new Uint8Array(0) })
    }
  }

  get isOpen(): boolean {
    return !this.closed
  }

  private outbox: Message[] = []

  /**
   * Queued in order. Messages sent in the same turn (a revoke_and_ack and its
   * commitment_signed, a batch of HTLCs) go out in one write; a failed write
   * closes the connection (the peer will be redialled).
   */
  send(message: Message): void {
    if (this.closed) return
    trace('send', message.type)
    this.outbox.push(message)
    if (this.outbox.length === 1) queueMicrotask(() => this.flushOutbox())
  }

  private flushOutbox(): void {
    const batch = this.outbox
    this.outbox = []
    if (this.closed || batch.length === 0) return
    trace('write', String(batch.length))
    this.framed.writeMany(batch).catch((err: Error) => {
      if (err.name === 'WireEncodeError') this.log.error('cannot encode our own message', { peer: this.peer, types: batch.map((m) => m.type).join(','), error: err.message })
      else this.close(`write failed: ${err.message}`)
    })
  }

  /** Lets queued messages go out first (e.g. a warning before the disconnect it announces). */
  async drainAndClose(reason: string): Promise<void> {
    if (this.closed) return
    this.flushOutbox()
    this.closed = true
    clearInterval(this.livenessTimer)
    await this.framed.close().catch(() => this.stream.abort(new Error(reason)))
    this.events.onClose(this, reason)
  }

  close(reason: string): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.livenessTimer)
    this.stream.abort(new Error(reason))
    this.events.onClose(this, reason)
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
        this.log.warn('undecodable message from peer', { peer: this.peer, code, error: message })
        if (code === 'INVALID_POINT' && details.channelId instanceof Uint8Array && this.initReceived) {
          this.events.onInvalidChannelMessage(this, details.channelId, result.error)
          continue
        }
        this.warn(`${code}: ${message}`)
        if (code === 'UNKNOWN_EVEN_TYPE' || code === 'FRAME_TOO_LARGE') {
          await this.drainAndClose(`peer sent ${code}`)
          return
        }
        continue
      }
      if (result.kind === 'unknown_odd') continue
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
        if (message.numPongBytes < 65532) this.send({ type: 'pong', ignored: new Uint8Array(message.numPongBytes) })
        continue
      }
      if (message.type === 'pong' || message.type === 'init') continue
      this.events.onMessage(this, message, result.frame)
      trace('handled', message.type)
    }
    this.close('peer closed the connection')
  }
}
