/**
 * Spending conditions: a small policy language in the spirit of Miniscript.
 *
 *   sig(PUBKEY)           a signature by this key
 *   all(C, C, ...)        every sub-condition holds
 *   any(C, C, ...)        at least one sub-condition holds
 *   after(HEIGHT)         absolute timelock: the spending tx's lockTime ≥ HEIGHT (as OP_CHECKLOCKTIMEVERIFY)
 *   older(BLOCKS)         relative timelock: the spent output has BLOCKS confirmations at the spending block (as
 * OP_CHECKSEQUENCEVERIFY)
 *   sha256(HASH)          a preimage of this hash
 *
 * A 2-of-2 funding output is all(sig(a), sig(b)); a to_local output is
 * any(sig(revocation), all(sig(delayed), older(to_self_delay))).
 */
import { LnsimError } from '../core/errors.js'
import { concatBytes, fromHex, toHex, u32be } from '../core/bytes.js'

export type Condition =
  | { type: 'sig'; pubkey: Uint8Array }
  | { type: 'all'; conditions: Condition[] }
  | { type: 'any'; conditions: Condition[] }
  | { type: 'after'; height: number }
  | { type: 'older'; blocks: number }
  | { type: 'sha256'; hash: Uint8Array }

/** Bounds that keep decoding and evaluation cheap whatever a peer or a client sends. */
export const CONDITION_LIMITS = {
  maxDepth: 8,
  maxNodes: 64,
  maxBranches: 16,
  maxHeight: 0x7fffffff,
  maxRelativeBlocks: 0xffff,
} as const

export class InvalidConditionError extends LnsimError {
  constructor(message: string) {
    super('INVALID_CONDITION', message)
    this.name = 'InvalidConditionError'
  }
}

export const sig = (pubkey: Uint8Array): Condition => ({ type: 'sig', pubkey })
export const all = (...conditions: Condition[]): Condition => ({ type: 'all', conditions })
export const any = (...conditions: Condition[]): Condition => ({ type: 'any', conditions })
export const after = (height: number): Condition => ({ type: 'after', height })
export const older = (blocks: number): Condition => ({ type: 'older', blocks })
export const sha256Lock = (hash: Uint8Array): Condition => ({ type: 'sha256', hash })

const TAG = { sig: 1, all: 2, any: 3, after: 4, older: 5, sha256: 6 } as const

/** Checks shape and bounds; every constructor of a Condition from outside goes through here. */
export function assertValidCondition(c: Condition, depth = 0, count = { nodes: 0 }): void {
  if (depth > CONDITION_LIMITS.maxDepth)
    throw new InvalidConditionError(`condition nests deeper than ${CONDITION_LIMITS.maxDepth}`)
  if (++count.nodes > CONDITION_LIMITS.maxNodes)
    throw new InvalidConditionError(`condition has more than ${CONDITION_LIMITS.maxNodes} parts`)
  switch (c.type) {
    case 'sig':
      if (!(c.pubkey instanceof Uint8Array) || c.pubkey.length !== 33 || (c.pubkey[0] !== 2 && c.pubkey[0] !== 3)) {
        throw new InvalidConditionError('sig() needs a 33-byte compressed public key')
      }
      return
    case 'all':
    case 'any':
      if (c.conditions.length < 1 || c.conditions.length > CONDITION_LIMITS.maxBranches) {
        throw new InvalidConditionError(
          `${c.type}() takes 1 to ${CONDITION_LIMITS.maxBranches} conditions, got ${c.conditions.length}`,
        )
      }
      for (const sub of c.conditions) assertValidCondition(sub, depth + 1, count)
      return
    case 'after':
      if (!Number.isInteger(c.height) || c.height < 1 || c.height > CONDITION_LIMITS.maxHeight)
        throw new InvalidConditionError(`after() needs a block height from 1 to ${CONDITION_LIMITS.maxHeight}`)
      return
    case 'older':
      if (!Number.isInteger(c.blocks) || c.blocks < 1 || c.blocks > CONDITION_LIMITS.maxRelativeBlocks)
        throw new InvalidConditionError(`older() needs 1 to ${CONDITION_LIMITS.maxRelativeBlocks} blocks`)
      return
    case 'sha256':
      if (!(c.hash instanceof Uint8Array) || c.hash.length !== 32)
        throw new InvalidConditionError('sha256() needs a 32-byte hash')
      return
    default:
      throw new InvalidConditionError(`unknown condition type ${(c as { type: unknown }).type}`)
  }
}

const encodings = new WeakMap<Condition, Uint8Array>()

/**
 * The canonical bytes of a condition: what txids and signatures commit to.
 * Remembered per condition object (conditions are never changed once made): a
 * commitment's outputs are encoded to sort them, again for its txid and again
 * for its signature hash. Callers must not change the bytes.
 */
export function encodeCondition(c: Condition): Uint8Array {
  let bytes = encodings.get(c)
  if (bytes === undefined) encodings.set(c, (bytes = encode(c)))
  return bytes
}

function encode(c: Condition): Uint8Array {
  switch (c.type) {
    case 'sig':
      return concatBytes(Uint8Array.of(TAG.sig), c.pubkey)
    case 'all':
    case 'any':
      return concatBytes(Uint8Array.of(TAG[c.type], c.conditions.length), ...c.conditions.map(encodeCondition))
    case 'after':
      return concatBytes(Uint8Array.of(TAG.after), u32be(c.height))
    case 'older':
      return concatBytes(Uint8Array.of(TAG.older), u32be(c.blocks))
    case 'sha256':
      return concatBytes(Uint8Array.of(TAG.sha256), c.hash)
  }
}

/** Decodes a condition from bytes, rejecting anything truncated, trailing or out of bounds. */
export function decodeCondition(bytes: Uint8Array): Condition {
  let offset = 0
  const take = (n: number): Uint8Array => {
    if (offset + n > bytes.length) throw new InvalidConditionError('condition bytes are truncated')
    const out = bytes.subarray(offset, offset + n)
    offset += n
    return out
  }
  let nodes = 0
  // bounds are checked while reading, so no input can recurse deeper than maxDepth
  const read = (depth: number): Condition => {
    if (depth > CONDITION_LIMITS.maxDepth)
      throw new InvalidConditionError(`condition nests deeper than ${CONDITION_LIMITS.maxDepth}`)
    if (++nodes > CONDITION_LIMITS.maxNodes)
      throw new InvalidConditionError(`condition has more than ${CONDITION_LIMITS.maxNodes} parts`)
    const tag = take(1)[0]
    switch (tag) {
      case TAG.sig:
        return sig(new Uint8Array(take(33)))
      case TAG.all:
      case TAG.any: {
        const n = take(1)[0]!
        const subs: Condition[] = []
        for (let i = 0; i < n; i++) subs.push(read(depth + 1))
        return tag === TAG.all ? all(...subs) : any(...subs)
      }
      case TAG.after:
        return after(new DataView(take(4).slice().buffer).getUint32(0))
      case TAG.older:
        return older(new DataView(take(4).slice().buffer).getUint32(0))
      case TAG.sha256:
        return sha256Lock(new Uint8Array(take(32)))
      default:
        throw new InvalidConditionError(`unknown condition tag ${tag}`)
    }
  }
  const c = read(0)
  if (offset !== bytes.length) throw new InvalidConditionError('condition bytes have trailing data')
  assertValidCondition(c)
  return c
}

export function formatCondition(c: Condition): string {
  switch (c.type) {
    case 'sig':
      return `sig(${toHex(c.pubkey)})`
    case 'all':
    case 'any':
      return `${c.type}(${c.conditions.map(formatCondition).join(',')})`
    case 'after':
      return `after(${c.height})`
    case 'older':
      return `older(${c.blocks})`
    case 'sha256':
      return `sha256(${toHex(c.hash)})`
  }
}

/** Parses the text form, e.g. `all(sig(02ab…),older(144))`; whitespace is allowed between tokens. */
export function parseCondition(text: string): Condition {
  if (typeof text !== 'string' || text.length > 16_384)
    throw new InvalidConditionError('condition text is missing or too long')
  let pos = 0
  const skip = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++
  }
  const expect = (ch: string): void => {
    skip()
    if (text[pos] !== ch) throw new InvalidConditionError(`expected "${ch}" at position ${pos} of condition`)
    pos++
  }
  const word = (): string => {
    skip()
    const start = pos
    while (pos < text.length && /[a-z0-9]/i.test(text[pos]!)) pos++
    return text.slice(start, pos)
  }
  const number = (what: string): number => {
    const w = word()
    if (!/^[0-9]{1,10}$/.test(w)) throw new InvalidConditionError(`${what} must be a whole number, got "${w}"`)
    return Number(w)
  }
  const hex = (bytes: number, what: string): Uint8Array => {
    const w = word()
    try {
      return fromHex(w, bytes)
    } catch {
      throw new InvalidConditionError(`${what} must be ${bytes} bytes of hex`)
    }
  }
  const read = (depth: number): Condition => {
    if (depth > CONDITION_LIMITS.maxDepth)
      throw new InvalidConditionError(`condition nests deeper than ${CONDITION_LIMITS.maxDepth}`)
    const name = word()
    expect('(')
    let c: Condition
    switch (name) {
      case 'sig':
        c = sig(hex(33, 'sig() public key'))
        break
      case 'sha256':
        c = sha256Lock(hex(32, 'sha256() hash'))
        break
      case 'after':
        c = after(number('after() height'))
        break
      case 'older':
        c = older(number('older() blocks'))
        break
      case 'all':
      case 'any': {
        const subs = [read(depth + 1)]
        skip()
        while (text[pos] === ',') {
          pos++
          subs.push(read(depth + 1))
          skip()
        }
        c = name === 'all' ? all(...subs) : any(...subs)
        break
      }
      default:
        throw new InvalidConditionError(`unknown condition "${name}" (expected sig, all, any, after, older or sha256)`)
    }
    expect(')')
    return c
  }
  const c = read(0)
  skip()
  if (pos !== text.length) throw new InvalidConditionError(`unexpected text after condition at position ${pos}`)
  assertValidCondition(c)
  return c
}

export function conditionsEqual(a: Condition, b: Condition): boolean {
  return toHex(encodeCondition(a)) === toHex(encodeCondition(b))
}
