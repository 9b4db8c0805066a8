/**
 * Noise frames read without an exception per message. @libp2p/utils'
 * LengthPrefixedDecoder, which splits the Noise byte stream into frames, asks its
 * length decoder for the next prefix until that throws a RangeError, and an empty
 * buffer (where every batch of frames ends) is reported that way too: an
 * exception for each message a node receives, thrown and caught through a
 * generator. That was most of a frame's decoding time, and it lengthened each
 * message's trip through a libp2p stream (figures in README.md; the wire section
 * of `npm run bench` compares both readers). Here an empty buffer reads as a
 * zero length: its prefix alone needs more bytes than the buffer holds, so the
 * decoder waits for more, as it did after the exception. Installed once, on the
 * exported class.
 */
import { LengthPrefixedDecoder } from '@libp2p/utils'

type Buffered = Parameters<LengthPrefixedDecoder['decode']>[0]
type LengthDecoder = (data: Buffered) => number

interface DecoderFields {
  lengthDecoder: LengthDecoder
  encodingLength: (length: number) => number
}

const guarded = new WeakSet<LengthDecoder>()
let installed = false

export function readFramesWithoutAnExceptionEach(): void {
  if (installed) return
  installed = true
  const decode = LengthPrefixedDecoder.prototype.decode
  LengthPrefixedDecoder.prototype.decode = function (this: LengthPrefixedDecoder, buf: Buffered) {
    const fields = this as unknown as DecoderFields
    // a zero length must still need prefix bytes, or an empty buffer would read as an empty frame forever
    if (!guarded.has(fields.lengthDecoder) && fields.encodingLength(0) > 0) {
      const decodeLength = fields.lengthDecoder
      fields.lengthDecoder = (data) => (data.byteLength === 0 ? 0 : decodeLength(data))
      guarded.add(fields.lengthDecoder)
    }
    return decode.call(this, buf)
  }
}
