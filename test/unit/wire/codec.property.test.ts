import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { concatBytes, u16be } from '../../../src/core/bytes.js'
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js'
import { MESSAGE_TYPES } from '../../../src/wire/constants.js'
import { WireDecodeError } from '../../../src/wire/errors.js'
import type { MessageType } from '../../../src/wire/messages.js'
import { anyMessage, MESSAGE_ARBITRARIES } from './arbitraries.js'

/**
 * Bytes from a peer either decode or throw WireDecodeError, nothing else; and
 * what decodes is canonical: encoding it again and decoding gives the same.
 */
function decodesOrRejects(bytes: Uint8Array): void {
  let result: ReturnType<typeof decodeMessage>
  try {
    result = decodeMessage(bytes)
  } catch (err) {
    if (!(err instanceof WireDecodeError)) throw err
    return
  }
  if (result.kind === 'message') expect(decodeMessage(encodeMessage(result.message))).toEqual(result)
}

const knownType = fc.constantFrom(...Object.values(MESSAGE_TYPES))

type Mutation = { kind: 'flip' | 'set' | 'delete' | 'insert'; at: number; value: number; length: number }
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'set', 'delete', 'insert'),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
  length: fc.integer({ min: 1, max: 40 }),
})

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = bytes.length === 0 ? 0 : m.at % bytes.length
  switch (m.kind) {
    case 'flip': {
      const out = bytes.slice()
      if (out.length > 0) out[at] = out[at]! ^ (1 << (m.value & 7))
      return out
    }
    case 'set': {
      const out = bytes.slice()
      if (out.length > 0) out[at] = m.value
      return out
    }
    case 'delete':
      return concatBytes(bytes.subarray(0, at), bytes.subarray(at + m.length))
    case 'insert':
      return concatBytes(bytes.subarray(0, at), new Uint8Array(m.length).fill(m.value), bytes.subarray(at))
  }
}

describe('codec properties', () => {
  it.each(Object.keys(MESSAGE_ARBITRARIES) as MessageType[])('any %s round-trips', (type) => {
    fc.assert(
      fc.property(MESSAGE_ARBITRARIES[type], (message) => {
        expect(decodeMessage(encodeMessage(message))).toEqual({ kind: 'message', message })
      }),
      { numRuns: 150 },
    )
  })

  it('random bytes after a known type decode or throw WireDecodeError', () => {
    fc.assert(
      fc.property(knownType, fc.uint8Array({ maxLength: 600 }), (type, payload) =>
        decodesOrRejects(concatBytes(u16be(type), payload)),
      ),
      { numRuns: 5000 },
    )
  })

  it('random bytes of any type decode or throw WireDecodeError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodesOrRejects), { numRuns: 3000 })
  })

  it('mutated valid messages decode or throw WireDecodeError', () => {
    fc.assert(
      fc.property(anyMessage, fc.array(mutation, { minLength: 1, maxLength: 4 }), (message, mutations) => {
        decodesOrRejects(mutations.reduce(mutate, encodeMessage(message)))
      }),
      { numRuns: 3000 },
    )
  })
})
