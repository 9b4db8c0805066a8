import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseTagged, stringifyInterned, stringifyTagged, type Made } from '../../../src/node/store/taggedJson.js'
import { toHex } from '../../../src/core/bytes.js'

/** What the written text must equal: JSON.stringify with the tags put in by a replacer (the first implementation). */
function reference(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key]
    if (typeof raw === 'bigint') return { $n: raw.toString() }
    if (raw instanceof Uint8Array) return { $b: toHex(raw) }
    return v
  })
}

const leaf = fc.oneof(
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.uint8Array({ maxLength: 300 }),
  fc.date({ noInvalidDate: true }),
)
const tree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie('node'), { maxKeys: 5 }),
  ),
})).node

describe('tagged JSON', () => {
  it('writes exactly what JSON.stringify with tagged bigints and bytes writes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), tree), (value) => {
        expect(stringifyTagged(value)).toBe(reference(value))
      }),
      { numRuns: 500, seed: 7 },
    )
  })

  it('reads back bigints and bytes exactly', () => {
    const value = { a: [1n, -(2n ** 80n)], b: Uint8Array.of(0, 255), c: { d: 'x', e: null } }
    expect(parseTagged(stringifyTagged(value))).toEqual(value)
  })

  describe('interned', () => {
    const held = new Set<string>()
    const ids = new WeakMap<object, string>()
    let next = 0
    const interning = {
      idOf: (v: object, make: () => Made) => {
        let id = ids.get(v)
        if (id === undefined || !held.has(id)) {
          make()
          id = String(next++)
          ids.set(v, id)
          held.add(id)
        }
        return id
      },
    }
    const internable = (v: object) => 'hash' in v
    const htlc = (n: number) => ({ hash: Uint8Array.of(n), amount: BigInt(n) })

    it('writes internable parts as references, each reference counted', () => {
      const list = [htlc(1), htlc(2)]
      const first = stringifyInterned({ n: 1, spec: { list } }, internable, interning)
      expect(first.json).toBe('{"n":1,"spec":{"list":[{"$i":"0"},{"$i":"1"}]}}')
      expect(first.refs).toEqual(['0', '1'])
      const spec = { list }
      const second = stringifyInterned({ n: 2, a: spec, b: spec }, internable, interning)
      expect(second.json).toBe('{"n":2,"a":{"list":[{"$i":"0"},{"$i":"1"}]},"b":{"list":[{"$i":"0"},{"$i":"1"}]}}')
      expect(second.refs).toEqual(['0', '1', '0', '1'])
    })

    it('writes a part whose entry was let go as a new entry', () => {
      const list = [htlc(3)]
      const before = stringifyInterned({ list }, internable, interning)
      held.delete(before.refs[0]!)
      const after = stringifyInterned({ list }, internable, interning)
      expect(after.refs[0]).not.toBe(before.refs[0])
      expect(held.has(after.refs[0]!)).toBe(true)
    })

    it('writes exactly what stringifyTagged writes, references aside', () => {
      fc.assert(
        fc.property(fc.dictionary(fc.string(), tree), (value) => {
          expect(stringifyInterned(value, () => false, interning)).toEqual({ json: stringifyTagged(value), refs: [] })
        }),
        { numRuns: 200, seed: 11 },
      )
    })
  })
})
