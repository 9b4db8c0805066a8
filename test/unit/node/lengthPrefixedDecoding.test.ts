import { describe, expect, it } from 'vitest'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import { readFramesWithoutAnExceptionEach } from '../../../src/node/transport/tuning/lengthPrefixedDecoding.js'

/** A two-byte big-endian length, as Noise frames it, that records every RangeError it makes. */
function recordingDecoder(): { decoder: LengthPrefixedDecoder; errorsMade: () => number } {
  let made = 0
  const lengthDecoder = (data: Parameters<LengthPrefixedDecoder['decode']>[0]): number => {
    if (data.byteLength < 2) {
      made++
      throw new RangeError('Could not decode int16BE')
    }
    return data instanceof Uint8Array ? (data[0]! << 8) | data[1]! : data.getUint16(0)
  }
  return { decoder: new LengthPrefixedDecoder({ lengthDecoder, encodingLength: () => 2 }), errorsMade: () => made }
}

function frame(...body: number[]): Uint8Array {
  return Uint8Array.from([body.length >> 8, body.length & 0xff, ...body])
}

const read = (d: LengthPrefixedDecoder, bytes: Uint8Array): number[][] =>
  [...d.decode(bytes)].map((f) => [...f.subarray()])

describe('length-prefixed frames read without an exception each', () => {
  readFramesWithoutAnExceptionEach()

  it('reads whole frames, several in one chunk, without making an error at the end of each batch', () => {
    const { decoder, errorsMade } = recordingDecoder()
    for (let i = 0; i < 100; i++) expect(read(decoder, frame(i, 1, 2))).toEqual([[i, 1, 2]])
    expect(read(decoder, Uint8Array.from([...frame(7), ...frame(8, 9)]))).toEqual([[7], [8, 9]])
    expect(errorsMade()).toBe(0)
  })

  it('still waits for the rest of a frame split anywhere, its length prefix included', () => {
    const { decoder } = recordingDecoder()
    const bytes = Uint8Array.from([...frame(1, 2, 3), ...frame(4)])
    const out: number[][] = []
    // one byte at a time: half a length prefix, a prefix without its body, a body in pieces
    for (const b of bytes) out.push(...read(decoder, Uint8Array.of(b)))
    expect(out).toEqual([[1, 2, 3], [4]])
  })

  it('leaves alone a decoder whose zero length has no prefix bytes (else an empty buffer is endless frames)', () => {
    let made = 0
    const decoder = new LengthPrefixedDecoder({
      lengthDecoder: (data) => {
        if (data.byteLength < 2) {
          made++
          throw new RangeError('Could not decode int16BE')
        }
        return data instanceof Uint8Array ? (data[0]! << 8) | data[1]! : data.getUint16(0)
      },
      encodingLength: (length) => (length === 0 ? 0 : 2),
    })
    expect(read(decoder, frame(5))).toEqual([[5]])
    expect(made).toBe(1)
  })

  it('still rejects what its length decoder rejects with another error', () => {
    const decoder = new LengthPrefixedDecoder({
      lengthDecoder: () => {
        throw new TypeError('not a length')
      },
    })
    expect(() => read(decoder, Uint8Array.of(1, 2))).toThrow('not a length')
  })
})
