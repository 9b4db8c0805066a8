/**
 * One peer's long-lived /lnsim/ln/1.0.0 stream: length-prefixed BOLT-style
 * messages, init exchanged first, writes kept in order, and every frame from the
 * peer decoded with bounds. A message that does not decode gets a warning back
 * and costs the connection nothing more; an oversized frame or an unknown even
 * message type closes it (BOLT #1).
 */
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { utf8 } from '../../core/bytes.js'
import { decodeMessage, encodeMessage } from '../../wire/codec.js'
import { MAX_MESSAGE_SIZE } from '../../wire/constants.js'
import { WireDecodeError } from '../../wire/errors.js'
import type { Init, Message } from '../../wire/messages.js'
import type { Logger } from '../logger.js'

export interface PeerConnectionEvents {
  onInit(conn: PeerConnection, init: Init): void
  onMessage(conn: PeerConnection, message: Message): void
  onClose(conn: PeerConnection, reason: string): void
}

const ZERO_CHANNEL = new Uint8Array(32)

export class PeerConnection {
  private readonly lp: LengthPrefixedStream<Stream>
  private writing: Promise<void> = Promise.resolve()
  private closed = false
  initReceived = false
  readonly openedAt = Date.now()

  constructor(
    readonly peer: string,
    readonly stream: Stream,
    /** who opened this stream: used to break ties when both sides dial at once */
    readonly initiator: 'us' | 'them',
    private readonly events: PeerConnectionEvents,
    private readonly log: Logger,
  ) {
    this.lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_SIZE })
  }

  start(init: Init): void {
    this.send(init)
    void this.readLoop()
  }

  get isOpen(): boolean {
    return !this.closed
  }

  /** Queued in order; a failed write closes the connection (the peer will be redialled). */
  send(message: Message): void {
    if (this.closed) return
    const bytes = encodeMessage(message)
    this.writing = this.writing
      .then(() => (this.closed ? undefined : this.lp.write(bytes)))
      .catch((err: Error) => this.close(`write failed: ${err.message}`))
  }

  /** Lets queued messages go out first (e.g. a warning before the disconnect it announces). */
  async drainAndClose(reason: string): Promise<void> {
    await this.writing.catch(() => {})
    this.close(reason)
  }

  close(reason: string): void {
    if (this.closed) return
    this.closed = true
    this.stream.close().catch(() => this.stream.abort(new Error(reason)))
    this.events.onClose(this, reason)
  }

  private warn(text: string): void {
    this.send({ type: 'warning', channelId: ZERO_CHANNEL, data: utf8(text) })
  }

  private async readLoop(): Promise<void> {
    for (;;) {
      let frame: Uint8Array
      try {
        frame = (await this.lp.read()).subarray()
      } catch (err) {
        const e = err as Error
        if (e.name === 'InvalidDataLengthError' || e.name === 'InvalidMessageLengthError') {
          this.warn(`FRAME_TOO_LARGE: frames are at most ${MAX_MESSAGE_SIZE} bytes`)
          await this.drainAndClose('peer sent an oversized frame')
        } else {
          this.close(e.name === 'UnexpectedEOFError' ? 'peer closed the connection' : `read failed: ${e.message}`)
        }
        return
      }
      if (this.closed) return
      let decoded: ReturnType<typeof decodeMessage>
      try {
        decoded = decodeMessage(frame)
      } catch (err) {
        if (!(err instanceof WireDecodeError)) throw err
        this.log.warn('undecodable message from peer', { peer: this.peer, code: err.code, error: err.message })
        this.warn(`${err.code}: ${err.message}`)
        if (err.code === 'UNKNOWN_EVEN_TYPE') {
          await this.drainAndClose('peer sent an unknown even message type')
          return
        }
        continue
      }
      if (decoded.kind === 'unknown_odd') continue
      const message = decoded.message
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
      this.events.onMessage(this, message)
    }
  }
}
