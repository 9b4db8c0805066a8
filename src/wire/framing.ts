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
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import { decodeMessage, encodeMessage, type DecodeResult } from './codec.js'
import { MAX_MESSAGE_SIZE } from './constants.js'
import { WireDecodeError } from './errors.js'
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

export interface FramedStream {
  readonly stream: Stream
  /** Encodes and queues the message; writes go out in call order, each awaiting backpressure. Rejects with WireEncodeError for a message that does not encode. */
  write(message: Message, options?: AbortOptions): Promise<void>
  /** Several messages in one write (one frame each): fewer syscalls when a step sends a batch. */
  writeMany(messages: Message[], options?: AbortOptions): Promise<void>
  /** The next frame, or null once the peer has closed the stream (or after FRAME_TOO_LARGE). Other stream failures (reset, abort) reject. */
  read(options?: AbortOptions): Promise<FrameResult | null>
  /** read() until null. */
  [Symbol.asyncIterator](): AsyncGenerator<FrameResult, void, undefined>
  close(options?: AbortOptions): Promise<void>
}

/** Libp2p's names for a length prefix over maxDataLength (or too long to be one). */
const OVERSIZE_ERRORS = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError'])

export function frameStream(stream: Stream): FramedStream {
  const lp: LengthPrefixedStream<Stream> = lpStream(stream, { maxDataLength: MAX_MESSAGE_SIZE })
  let writing: Promise<void> = Promise.resolve()
  let ended = false

  const read = async (options?: AbortOptions): Promise<FrameResult | null> => {
    if (ended) return null
    let frame: Uint8Array
    try {
      frame = (await lp.read(options)).subarray()
    } catch (err) {
      const name = (err as Error).name
      if (name === 'UnexpectedEOFError') {
        ended = true
        return null
      }
      if (OVERSIZE_ERRORS.has(name)) {
        ended = true
        return { kind: 'invalid', error: new WireDecodeError('FRAME_TOO_LARGE', `peer sent a frame over ${MAX_MESSAGE_SIZE} bytes (${(err as Error).message})`) }
      }
      throw err
    }
    try {
      return { ...decodeMessage(frame), frame }
    } catch (err) {
      if (err instanceof WireDecodeError) return { kind: 'invalid', error: err }
      throw err
    }
  }

  return {
    stream,
    write(message, options) {
      let bytes: Uint8Array
      try {
        bytes = encodeMessage(message)
      } catch (err) {
        return Promise.reject(err)
      }
      const sent = writing.then(() => lp.write(bytes, options))
      writing = sent.catch(() => {})
      return sent
    },
    writeMany(messages, options) {
      let frames: Uint8Array[]
      try {
        frames = messages.map(encodeMessage)
      } catch (err) {
        return Promise.reject(err)
      }
      const sent = writing.then(() => lp.writeV(frames, options))
      writing = sent.catch(() => {})
      return sent
    },
    read,
    async *[Symbol.asyncIterator]() {
      for (let result = await read(); result !== null; result = await read()) yield result
    },
    async close(options) {
      await writing
      await stream.close(options)
    },
  }
}
