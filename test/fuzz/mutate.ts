/**
 * Mutations of valid inputs, so the fuzzer reaches past a decoder's first
 * checks: bytes (bit flips, boundary values, lengths, cut, repeated chunks),
 * text (tokens of the format, repeated runs, swapped lines) and parsed values
 * (a node of the tree replaced, dropped or repeated), as AFL-style fuzzers do.
 */
import fc from 'fast-check'
import { concatBytes } from '../../src/core/bytes.js'

/** Values where length fields and varints change meaning. */
const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0xfc, 0xfd, 0xfe, 0xff]
const INTERESTING_U16 = [0x0000, 0x0001, 0x00fd, 0x0100, 0x7fff, 0x8000, 0xfffe, 0xffff]

export interface ByteMutation {
  kind: 'flip' | 'set' | 'interesting' | 'u16' | 'delete' | 'insert' | 'repeat' | 'cut'
  at: number
  value: number
  length: number
  times: number
}

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.record({
  kind: fc.constantFrom('flip', 'set', 'interesting', 'u16', 'delete', 'insert', 'repeat', 'cut'),
  at: fc.nat(),
  value: fc.nat(),
  length: fc.integer({ min: 1, max: 64 }),
  times: fc.integer({ min: 1, max: 200 }),
})

/** One mutation; the result is at most `maxLength` bytes. */
export function mutateBytes(bytes: Uint8Array, m: ByteMutation, maxLength = 70_000): Uint8Array {
  const at = bytes.length === 0 ? 0 : m.at % bytes.length
  const out = (b: Uint8Array): Uint8Array => (b.length > maxLength ? b.subarray(0, maxLength) : b)
  switch (m.kind) {
    case 'flip':
    case 'set':
    case 'interesting': {
      if (bytes.length === 0) return bytes
      const b = bytes.slice()
      b[at] =
        m.kind === 'flip'
          ? b[at]! ^ (1 << (m.value % 8))
          : m.kind === 'set'
            ? m.value % 256
            : INTERESTING_BYTES[m.value % INTERESTING_BYTES.length]!
      return b
    }
    case 'u16': {
      if (bytes.length < 2) return bytes
      const b = bytes.slice()
      const v = INTERESTING_U16[m.value % INTERESTING_U16.length]!
      const i = Math.min(at, b.length - 2)
      b[i] = v >> 8
      b[i + 1] = v & 0xff
      return b
    }
    case 'delete':
      return concatBytes(bytes.subarray(0, at), bytes.subarray(at + m.length))
    case 'insert':
      return out(concatBytes(bytes.subarray(0, at), new Uint8Array(m.length).fill(m.value % 256), bytes.subarray(at)))
    case 'repeat': {
      const chunk = bytes.subarray(at, at + m.length)
      return out(
        concatBytes(bytes.subarray(0, at), ...Array.from({ length: m.times }, () => chunk), bytes.subarray(at)),
      )
    }
    case 'cut':
      return bytes.subarray(0, at)
  }
}

/** `valid` inputs, each mutated one to five times. */
export function mutatedBytes(valid: fc.Arbitrary<Uint8Array>, maxLength?: number): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.array(byteMutation, { minLength: 1, maxLength: 5 }))
    .map(([b, ms]) => ms.reduce((acc, m) => mutateBytes(acc, m, maxLength), b))
}

export interface TextMutation {
  kind: 'delete' | 'insert' | 'replace' | 'repeat' | 'swapLines' | 'cut'
  at: number
  other: number
  length: number
  times: number
  token: string
}

/** Text mutations whose inserted tokens come from `dictionary` (the format's syntax and words). */
export function textMutation(dictionary: readonly string[]): fc.Arbitrary<TextMutation> {
  return fc.record({
    kind: fc.constantFrom('delete', 'insert', 'replace', 'repeat', 'swapLines', 'cut'),
    at: fc.nat(),
    other: fc.nat(),
    length: fc.integer({ min: 1, max: 40 }),
    times: fc.integer({ min: 1, max: 300 }),
    token: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...dictionary) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
    ),
  })
}

export function mutateText(text: string, m: TextMutation, maxLength = 200_000): string {
  const at = text.length === 0 ? 0 : m.at % (text.length + 1)
  const out = (t: string): string => (t.length > maxLength ? t.slice(0, maxLength) : t)
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.length)
    case 'insert':
      return out(text.slice(0, at) + m.token + text.slice(at))
    case 'replace':
      return out(text.slice(0, at) + m.token + text.slice(at + m.length))
    case 'repeat':
      return out(text.slice(0, at) + text.slice(at, at + m.length).repeat(m.times) + text.slice(at))
    case 'swapLines': {
      const lines = text.split('\n')
      const i = m.at % lines.length
      const j = m.other % lines.length
      ;[lines[i], lines[j]] = [lines[j]!, lines[i]!]
      return lines.join('\n')
    }
    case 'cut':
      return text.slice(0, at)
  }
}

export function mutatedText(valid: fc.Arbitrary<string>, dictionary: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(valid, fc.array(textMutation(dictionary), { minLength: 1, maxLength: 6 }))
    .map(([t, ms]) => ms.reduce((acc, m) => mutateText(acc, m), t))
}

/** JSON values at the edges of what a field may mean. */
const INTERESTING_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  Number.MAX_SAFE_INTEGER + 2,
  1e308,
  -1e308,
  '',
  ' ',
  '0',
  '-1',
  '1e400',
  '99999999999999999999999999',
  'x'.repeat(5000),
  '\u0000',
  '__proto__',
  'constructor',
  [],
  {},
  [[[[[]]]]],
  JSON.parse('{"__proto__":{"polluted":true}}'),
]

export interface ValueMutation {
  /** which child to descend into at each level (modulo the number of children) */
  path: number[]
  kind: 'replace' | 'delete' | 'repeat' | 'wrap'
  replacement: unknown
}

export const valueMutation: fc.Arbitrary<ValueMutation> = fc.record({
  path: fc.array(fc.nat(), { maxLength: 6 }),
  kind: fc.constantFrom('replace', 'delete', 'repeat', 'wrap'),
  replacement: fc.oneof(fc.constantFrom(...INTERESTING_VALUES), fc.jsonValue({ maxDepth: 2 })),
})

/** A copy of `value` (a tree of plain objects and arrays) with one node changed. */
export function mutateValue(value: unknown, m: ValueMutation): unknown {
  const root = structuredClone(value)
  const holder: { root: unknown } = { root }
  let parent: Record<string, unknown> | unknown[] = holder as unknown as Record<string, unknown>
  let key: string | number = 'root'
  for (const step of m.path) {
    const node = (parent as Record<string | number, unknown>)[key]
    if (node === null || typeof node !== 'object') break
    const keys: Array<string | number> = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node)
    if (keys.length === 0) break
    parent = node as Record<string, unknown> | unknown[]
    key = keys[step % keys.length]!
  }
  const target = parent as Record<string | number, unknown>
  switch (m.kind) {
    case 'replace':
      target[key] = structuredClone(m.replacement)
      break
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1)
      else delete target[key]
      break
    case 'repeat':
      if (Array.isArray(parent))
        parent.splice(key as number, 0, ...Array.from({ length: 10 }, () => structuredClone(parent[key as number])))
      else target[key] = Array.from({ length: 3 }, () => structuredClone(target[key]))
      break
    case 'wrap':
      target[key] = [target[key]]
      break
  }
  return holder.root
}

export function mutatedValue(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.array(valueMutation, { minLength: 1, maxLength: 4 }))
    .map(([v, ms]) => ms.reduce(mutateValue, v))
}

/** The words and punctuation of some texts: tokens a text mutation inserts. */
export function tokensOf(texts: readonly string[], syntax: readonly string[]): string[] {
  const words = new Set<string>(syntax)
  for (const t of texts) for (const w of t.match(/[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9_.]*/g) ?? []) words.add(w)
  return [...words]
}
