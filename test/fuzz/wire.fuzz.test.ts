/**
 * Fuzzing the peer wire: whatever bytes a peer sends, every decoder gives a
 * value or a WireDecodeError, and what decodes is canonical (encoding it again
 * gives the same bytes, or the same message).
 */
import type { Stream } from '@libp2p/interface'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesEqual, concatBytes, u16be } from '../../src/core/bytes.js'
import { decodeBigSize, encodeBigSize } from '../../src/wire/bigsize.js'
import { decodeMessage, encodeMessage } from '../../src/wire/codec.js'
import { MESSAGE_TYPES } from '../../src/wire/constants.js'
import { WireDecodeError } from '../../src/wire/errors.js'
import { frameStream, type FrameResult } from '../../src/wire/framing.js'
import { decodeTlvStream, decodeTruncatedUint, encodeTlvStream, encodeTruncatedUint } from '../../src/wire/tlv.js'
import { anyMessage } from '../unit/wire/arbitraries.js'
import { asyncOutcome, check, checkAsync, outcome, timeoutFor } from './fuzz.js'
import { mutatedBytes } from './mutate.js'

const knownType = fc.constantFrom(...Object.values(MESSAGE_TYPES))
const encodedMessage = anyMessage.map(encodeMessage)

/** A message decodes to one that encodes and decodes to itself. */
function decodesCanonically(bytes: Uint8Array): void {
  const r = outcome(() => decodeMessage(bytes), WireDecodeError)
  if (r.ok && r.value.kind === 'message') expect(decodeMessage(encodeMessage(r.value.message))).toEqual(r.value)
}

/** Every TLV type counts as known, so a stream that decodes must encode back to the same bytes. */
const EVERY_TYPE: ReadonlySet<bigint> = { has: () => true } as unknown as ReadonlySet<bigint>

const tlvStream = fc
  .uniqueArray(
    fc.tuple(
      fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
      fc.uint8Array({ maxLength: 40 }),
    ),
    { selector: ([t]) => t, maxLength: 6 },
  )
  .map((records) => encodeTlvStream(new Map(records)))

describe('fuzzing the wire decoders', () => {
  it(
    'decodeMessage: random bytes',
    () => {
      check(fc.property(fc.uint8Array({ maxLength: 700 }), decodesCanonically), 3000)
    },
    timeoutFor(3000),
  )

  it(
    'decodeMessage: a known type, then random bytes',
    () => {
      check(
        fc.property(knownType, fc.uint8Array({ maxLength: 1500 }), (type, rest) =>
          decodesCanonically(concatBytes(u16be(type), rest)),
        ),
        3000,
      )
    },
    timeoutFor(3000),
  )

  it(
    'decodeMessage: valid messages, mutated',
    () => {
      check(fc.property(mutatedBytes(encodedMessage), decodesCanonically), 3000)
    },
    timeoutFor(3000),
  )

  it(
    'decodeTlvStream: random and mutated streams',
    () => {
      check(
        fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutatedBytes(tlvStream)), (bytes) => {
          const r = outcome(() => decodeTlvStream(bytes, EVERY_TYPE), WireDecodeError)
          if (r.ok) expect(encodeTlvStream(r.value)).toEqual(bytes)
        }),
        3000,
      )
    },
    timeoutFor(3000),
  )

  it(
    'decodeBigSize and decodeTruncatedUint: random and mutated encodings',
    () => {
      const bigSize = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(encodeBigSize)
      check(
        fc.property(
          fc.oneof(fc.uint8Array({ maxLength: 12 }), mutatedBytes(bigSize)),
          fc.nat(12),
          fc.integer({ min: 1, max: 8 }),
          (bytes, offset, maxBytes) => {
            const r = outcome(() => decodeBigSize(bytes, offset), WireDecodeError)
            if (r.ok) expect(encodeBigSize(r.value.value)).toEqual(bytes.subarray(offset, offset + r.value.length))
            const t = outcome(() => decodeTruncatedUint(bytes, maxBytes), WireDecodeError)
            if (t.ok) expect(bytesEqual(encodeTruncatedUint(t.value), bytes)).toBe(true)
          },
        ),
        3000,
      )
    },
    timeoutFor(3000),
  )

  it(
    'frameStream: frames of any length, in chunks cut anywhere',
    async () => {
      const frame = (payload: Uint8Array): Uint8Array => concatBytes(varint(payload.length), payload)
      const frames = fc
        .array(fc.oneof(encodedMessage.map(frame), fc.uint8Array({ maxLength: 300 }).map(frame)), {
          minLength: 1,
          maxLength: 6,
        })
        .map((fs) => concatBytes(...fs))
      const input = fc.oneof(fc.uint8Array({ maxLength: 600 }), mutatedBytes(frames, 200_000))
      await checkAsync(
        fc.asyncProperty(input, fc.array(fc.nat(), { maxLength: 8 }), async (bytes, cuts) => {
          const stream = new FakeStream()
          const framed = frameStream(stream as unknown as Stream)
          const bounds = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
          let from = 0
          for (const to of [...bounds, bytes.length]) {
            stream.deliver(bytes.subarray(from, to))
            from = to
          }
          stream.endRemote()
          const results: Array<FrameResult | null> = []
          const r = await asyncOutcome(async () => {
            for (let result = await framed.read(); result !== null; result = await framed.read()) results.push(result)
          }, WireDecodeError)
          for (const result of results) {
            if (result?.kind === 'invalid') expect(result.error).toBeInstanceOf(WireDecodeError)
          }
          if (!r.ok) expect(r.error.code).toBe('FRAME_TOO_LARGE')
        }),
        1000,
      )
    },
    timeoutFor(1000),
  )
})

/** Unsigned LEB128, the frame's length prefix. */
function varint(n: number): Uint8Array {
  const out: number[] = []
  do {
    out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0))
    n = Math.floor(n / 0x80)
  } while (n > 0)
  return Uint8Array.from(out)
}

/** The part of a libp2p Stream the frame reader listens to: chunks as they arrive, then the end. */
class FakeStream extends EventTarget {
  aborted: Error | undefined

  deliver(chunk: Uint8Array): void {
    const evt = new Event('message') as Event & { data: Uint8Array }
    evt.data = chunk
    this.dispatchEvent(evt)
  }

  endRemote(): void {
    this.dispatchEvent(new Event('remoteCloseWrite'))
  }

  abort(err: Error): void {
    this.aborted = err
    const evt = new Event('close') as Event & { error: Error }
    evt.error = err
    this.dispatchEvent(evt)
  }
}
