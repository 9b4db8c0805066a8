/**
 * Messages over one libp2p stream: each message is one length-prefixed frame
 * (unsigned varint length, as @libp2p/utils' lpStream writes it), at most
 * MAX_MESSAGE_SIZE bytes as BOLT #8 allows. Noise already encrypts the
 * connection, so the frame only has to delimit messages.
 *
 * @example
 * const framed = frameStream(stream)
 * await framed.write({ type: 'ping', numPongBytes: 4, ignored: new Uint8Array(0) })
 * for await (const result of framed) {
 *   if (result.kind === 'message') handle(result.message)
 *   else if (result.kind === 'invalid') await framed.write(warningFor(result.error))
 * }
 */
import type { AbortOptions, Stream } from '@libp2p/interface'
import { decodeMessage, encodeMessage, type DecodeResult } from './codec.js'
import { MAX_MESSAGE_SIZE } from './constants.js'
import { SendQueueFullError, WireDecodeError } from './errors.js'
import type { Message } from './messages.js'

/**
 * One frame read from the peer. `frame` is the message as received (what
 * gossipDigest needs to check a signature over extension bytes too).
 * `invalid` carries the WireDecodeError to answer with a warning; BOLT #1 asks
 * to close the connection after UNKNOWN_EVEN_TYPE, TRUNCATED and an invalid
 * extension, and FRAME_TOO_LARGE ends the framed stream since the frame
 * boundaries are lost.
 */
export type FrameResult =
  | (DecodeResult & { frame: Uint8Array })
  | { kind: 'invalid'; error: WireDecodeError }
  /** a frame FrameStreamOptions.skip chose not to decode */
  | { kind: 'skipped'; frame: Uint8Array }

export interface FramedStream {
  readonly stream: Stream
  /**
   * Encodes and queues the message; writes go out in call order, each awaiting backpressure. Rejects with
   * WireEncodeError for a message that does not encode.
   */
  write(message: Message, options?: AbortOptions): Promise<void>
  /**
   * Several messages in one write (one frame each): fewer syscalls when a step sends a batch. A message given as
   * bytes goes as it is (relayed gossip keeps the bytes it arrived in, extensions and all).
   */
  writeMany(messages: Array<Message | Uint8Array>, options?: AbortOptions): Promise<void>
  /**
   * The next frame, or null once the peer has closed the stream (or after FRAME_TOO_LARGE). Other stream failures
   * (reset, abort) reject.
   */
  read(options?: AbortOptions): Promise<FrameResult | null>
  /** read() until null. */
  [Symbol.asyncIterator](): AsyncGenerator<FrameResult, void, undefined>
  close(options?: AbortOptions): Promise<void>
  /**
   * Bytes written and not yet taken by the stream (what the peer has not read), with what each waiting write costs
   * besides.
   */
  readonly queuedBytes: number
}

export interface FrameStreamOptions {
  /**
   * The most bytes that may wait to be taken by the stream. A write that would
   * queue more is refused with SendQueueFullError (a write into an empty queue
   * always goes, however large): a peer that does not read would otherwise make
   * us hold everything we send it.
   */
  maxQueuedBytes?: number
  /**
   * Frames this returns true for are handed on undecoded, as `skipped`: the same gossip reaching a node from each
   * of its peers is decoded (every key checked on the curve) once, not once per peer.
   */
  skip?: (frame: Uint8Array) => boolean
}

/** Bytes of the varint that can say MAX_MESSAGE_SIZE; a longer prefix is a frame too large. */
const MAX_PREFIX_BYTES = 3
/** Bytes received and not yet read past which the peer is flooding us: the stream is aborted. */
const MAX_UNREAD_BYTES = 4 * 1024 * 1024

/**
 * What a write waiting in the queue holds besides its bytes (its promises, the
 * closures that settle them, the buffers' own headers), counted against
 * maxQueuedBytes with them: a flood of small messages would otherwise hold
 * several times the limit. Set at the low end of what a queued small warning was
 * measured to hold (test/integration/node/peerLimits.test.ts floods a node to check the bound).
 */
const QUEUED_WRITE_OVERHEAD_BYTES = 1024

/** Unsigned LEB128, as @libp2p/utils' lpStream writes a length. */
function prefixOf(length: number): Uint8Array {
  return length < 0x80
    ? Uint8Array.of(length)
    : length < 0x4000
      ? Uint8Array.of((length & 0x7f) | 0x80, length >> 7)
      : Uint8Array.of((length & 0x7f) | 0x80, ((length >> 7) & 0x7f) | 0x80, length >> 14)
}

/** Frames, each behind its length prefix, in one buffer: one send, one libp2p frame. */
function framesOf(messages: Uint8Array[]): Uint8Array {
  const prefixes = messages.map((m) => prefixOf(m.length))
  const out = new Uint8Array(messages.reduce((n, m, i) => n + prefixes[i]!.length + m.length, 0))
  let at = 0
  messages.forEach((m, i) => {
    out.set(prefixes[i]!, at)
    at += prefixes[i]!.length
    out.set(m, at)
    at += m.length
  })
  return out
}

/**
 * The bytes received so far, cut into frames as they arrive. Reading the prefix
 * a byte at a time through awaited reads (lpStream) cost every message several
 * promise turns and, for any message over 127 bytes, a thrown RangeError.
 */
class FrameReader {
  private chunks: Uint8Array[] = []
  private buffered = 0
  private readonly frames: Uint8Array[] = []
  private queuedBytes = 0
  /** set when a prefix said more than MAX_MESSAGE_SIZE: the frame boundaries are lost */
  private oversize: { why: string; reported: boolean } | undefined
  private remoteDone = false
  private failure: Error | undefined
  private wake: (() => void) | undefined

  constructor(stream: Stream) {
    stream.addEventListener('message', (evt) => {
      if (this.oversize) return
      const data = evt.data
      if (data instanceof Uint8Array) this.append(data)
      else for (const chunk of data) this.append(chunk)
      this.cut()
      if (this.buffered + this.queuedBytes > MAX_UNREAD_BYTES) {
        this.failure = new WireDecodeError(
          'FRAME_TOO_LARGE',
          `the peer sent over ${MAX_UNREAD_BYTES} bytes that were not read`,
        )
        this.chunks = []
        this.buffered = 0
        this.frames.length = 0
        this.queuedBytes = 0
        queueMicrotask(() => stream.abort(this.failure!))
      }
      this.wake?.()
    })
    stream.addEventListener('remoteCloseWrite', () => {
      this.remoteDone = true
      this.wake?.()
    })
    stream.addEventListener('close', (evt) => {
      this.remoteDone = true
      this.failure ??= evt.error
      this.wake?.()
    })
  }

  private append(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    this.chunks.push(chunk)
    this.buffered += chunk.length
  }

  private byteAt(i: number): number {
    for (const c of this.chunks) {
      if (i < c.length) return c[i]!
      i -= c.length
    }
    return -1
  }

  /** The first `n` buffered bytes, consumed: a view when they sit in one chunk. */
  private take(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0)
    const first = this.chunks[0]!
    let out: Uint8Array
    if (first.length >= n) {
      out = first.subarray(0, n)
      if (first.length === n) this.chunks.shift()
      else this.chunks[0] = first.subarray(n)
    } else {
      out = new Uint8Array(n)
      for (let at = 0; at < n;) {
        const c = this.chunks[0]!
        const part = Math.min(c.length, n - at)
        out.set(c.subarray(0, part), at)
        at += part
        if (part === c.length) this.chunks.shift()
        else this.chunks[0] = c.subarray(part)
      }
    }
    this.buffered -= n
    return out
  }

  /** Moves every whole frame from the buffer to the queue. */
  private cut(): void {
    for (;;) {
      let length = 0
      let prefix = 0
      for (;;) {
        if (prefix === this.buffered) return
        const b = this.byteAt(prefix)
        length += (b & 0x7f) * 2 ** (7 * prefix)
        prefix++
        if (b < 0x80) break
        if (prefix === MAX_PREFIX_BYTES) return this.refuse(`a length prefix of more than ${MAX_PREFIX_BYTES} bytes`)
      }
      if (length > MAX_MESSAGE_SIZE) return this.refuse(`${length} bytes`)
      if (this.buffered < prefix + length) return
      this.take(prefix)
      const frame = this.take(length)
      this.frames.push(frame)
      this.queuedBytes += frame.length
    }
  }

  /** The frame boundaries are lost: nothing after this can be read. */
  private refuse(what: string): void {
    this.oversize = { why: `peer sent a frame over ${MAX_MESSAGE_SIZE} bytes (${what})`, reported: false }
    this.chunks = []
    this.buffered = 0
  }

  /** The next frame; `{ tooLarge }` once, then null, after an oversize prefix; null at the end of the stream. */
  async next(options?: AbortOptions): Promise<Uint8Array | { tooLarge: string } | null> {
    for (;;) {
      const frame = this.frames.shift()
      if (frame) {
        this.queuedBytes -= frame.length
        return frame
      }
      if (this.oversize) {
        if (this.oversize.reported) return null
        this.oversize.reported = true
        return { tooLarge: this.oversize.why }
      }
      if (this.failure) throw this.failure
      if (this.remoteDone) return null
      options?.signal?.throwIfAborted()
      const woken = new Promise<void>((resolve) => (this.wake = resolve))
      await (options?.signal ? raceAbort(woken, options.signal) : woken)
    }
  }
}

function raceAbort(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** Sends, and waits for the stream to drain when its buffer is full (rejects if it closes first). */
async function send(stream: Stream, bytes: Uint8Array, options?: AbortOptions): Promise<void> {
  if (stream.send(bytes)) return
  options?.signal?.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error): void => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
      options?.signal?.removeEventListener('abort', onAbort)
      if (err) reject(err)
      else resolve()
    }
    const onDrain = (): void => done()
    const onClose = (): void => done(new Error('the stream closed before its buffer drained'))
    const onAbort = (): void => done(options!.signal!.reason as Error)
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
    options?.signal?.addEventListener('abort', onAbort)
  })
}

export function frameStream(stream: Stream, options: FrameStreamOptions = {}): FramedStream {
  const frames = new FrameReader(stream)
  const skip = options.skip
  let writing: Promise<void> = Promise.resolve()
  let queuedBytes = 0
  const maxQueuedBytes = options.maxQueuedBytes ?? Infinity

  const read = async (options?: AbortOptions): Promise<FrameResult | null> => {
    const frame = await frames.next(options)
    if (frame === null) return null
    if (!(frame instanceof Uint8Array))
      return { kind: 'invalid', error: new WireDecodeError('FRAME_TOO_LARGE', frame.tooLarge) }
    if (skip?.(frame)) return { kind: 'skipped', frame }
    try {
      // an exact copy of the frame, not a view of the chunk it came in: the message's fields are views of it, and a
      // reader may keep it (the gossip store keeps the bytes a signature covers) without keeping the chunk alive
      const own = frame.slice()
      return { ...decodeMessage(own, { owned: true }), frame: own }
    } catch (err) {
      if (err instanceof WireDecodeError) return { kind: 'invalid', error: err }
      throw err
    }
  }

  const queue = (encode: () => Uint8Array, options?: AbortOptions): Promise<void> => {
    let bytes: Uint8Array
    try {
      bytes = encode()
    } catch (err) {
      return Promise.reject(err)
    }
    const size = bytes.length + QUEUED_WRITE_OVERHEAD_BYTES
    if (queuedBytes > 0 && queuedBytes + size > maxQueuedBytes) {
      return Promise.reject(
        new SendQueueFullError(
          `${queuedBytes} bytes are still waiting for the peer to read them; ${bytes.length} more would pass the ` +
            `limit of ${maxQueuedBytes}`,
          { queuedBytes, limit: maxQueuedBytes },
        ),
      )
    }
    queuedBytes += size
    const sent = writing
      .then(() => send(stream, bytes, options))
      .finally(() => {
        queuedBytes -= size
      })
    writing = sent.catch(() => {})
    return sent
  }

  return {
    stream,
    write: (message, options) => queue(() => framesOf([encodeMessage(message)]), options),
    writeMany: (messages, options) =>
      queue(() => framesOf(messages.map((m) => (m instanceof Uint8Array ? m : encodeMessage(m)))), options),
    read,
    async *[Symbol.asyncIterator]() {
      for (let result = await read(); result !== null; result = await read()) yield result
    },
    async close(options) {
      await writing
      await stream.close(options)
    },
    get queuedBytes() {
      return queuedBytes
    },
  }
}
