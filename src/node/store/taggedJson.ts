/**
 * JSON for persisted state: bigint and Uint8Array survive the round trip
 * exactly (as {"$n": "…"} and {"$b": "hex"}), so stored channel state reads back
 * to the very same values. For data we wrote ourselves, not for input from others.
 */
import { fromHex, toHex } from '../../core/bytes.js'

/**
 * Hex of the large byte arrays already written. A channel's state is written
 * again after every update and carries every HTLC's 1,366-byte onion until it
 * settles: without this, 64 HTLCs in flight meant re-encoding ~170 KB of hex
 * per update. Safe because persisted state is never mutated in place (a new
 * state is a new value), and weak, so settled HTLCs' onions are collected.
 */
const hexOfLarge = new WeakMap<Uint8Array, string>()
const LARGE = 256

function hexOf(bytes: Uint8Array): string {
  if (bytes.length < LARGE) return toHex(bytes)
  let hex = hexOfLarge.get(bytes)
  if (hex === undefined) hexOfLarge.set(bytes, (hex = toHex(bytes)))
  return hex
}

/**
 * Stores the JSON of some sub-values once, under an id, so that a value written
 * again and again (a channel's state, after every update) carries only a short
 * reference to the parts that did not change (its commitments, its HTLCs).
 * Objects are known by identity, so only objects that are never changed after
 * being stored may be internable.
 */
export interface Interning {
  /**
   * The id of the object's entry; `make` makes the entry the first time the object is
   * seen. An entry may itself refer to entries (a commitment to its HTLCs): `make`
   * returns those with its JSON.
   */
  idOf(value: object, make: () => Made): string
}

export interface Made {
  json: string
  refs: string[]
}

/** JSON.stringify with bigint and Uint8Array tagged. */
export function stringifyTagged(value: unknown): string {
  return write(value, undefined, true) ?? 'null'
}

/** stringifyTagged, with the internable sub-objects written as {"$i": id} and the ids referred to returned. */
export function stringifyInterned(value: unknown, internable: (value: object) => boolean, interning: Interning): Made {
  const into = { internable, interning, refs: [] as string[] }
  return { json: write(value, into, true) ?? 'null', refs: into.refs }
}

interface Into {
  internable: (value: object) => boolean
  interning: Interning
  /** the ids referred to so far, by the value being written */
  refs: string[]
}

/** As JSON.stringify writes it (undefined: a property left out), written here so that parts can be reused. */
function write(v: unknown, into: Into | undefined, top: boolean): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v)
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null'
    case 'boolean':
      return v ? 'true' : 'false'
    case 'bigint':
      return `{"$n":"${v}"}`
    case 'object':
      break
    default:
      return undefined
  }
  if (v === null) return 'null'
  if (v instanceof Uint8Array) return `{"$b":"${hexOf(v)}"}`
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function')
    return write((v as { toJSON(): unknown }).toJSON(), into, top)
  // the value itself is never replaced by a reference to itself
  if (into !== undefined && !top && !Array.isArray(v) && into.internable(v)) {
    const id = into.interning.idOf(v, () => stringifyInterned(v, into.internable, into.interning))
    into.refs.push(id)
    return `{"$i":"${id}"}`
  }
  return compose(v, into)
}

function compose(v: object, into: Into | undefined): string {
  if (Array.isArray(v)) {
    let s = '['
    for (let i = 0; i < v.length; i++) s += (i === 0 ? '' : ',') + (write(v[i], into, false) ?? 'null')
    return s + ']'
  }
  let s = '{'
  for (const k of Object.keys(v)) {
    const x = write((v as Record<string, unknown>)[k], into, false)
    if (x !== undefined) s += (s.length === 1 ? '' : ',') + quotedKey(k) + ':' + x
  }
  return s + '}'
}

const quotedKeys = new Map<string, string>()

function quotedKey(k: string): string {
  let q = quotedKeys.get(k)
  if (q === undefined) {
    q = JSON.stringify(k)
    if (quotedKeys.size < 10_000) quotedKeys.set(k, q)
  }
  return q
}

/** `resolve` gives back the value an interned id stands for (see stringifyInterned). */
export function parseTagged<T>(text: string, resolve?: (id: string) => unknown): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>
      const keys = Object.keys(o)
      if (keys.length === 1 && typeof o.$n === 'string') return BigInt(o.$n)
      if (keys.length === 1 && typeof o.$b === 'string') return fromHex(o.$b)
      if (keys.length === 1 && typeof o.$i === 'string') {
        if (!resolve) throw new Error(`a stored value refers to interned entry ${o.$i} but none can be resolved here`)
        return resolve(o.$i)
      }
    }
    return v
  }) as T
}
