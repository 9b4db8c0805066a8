/**
 * JSON for persisted state: bigint and Uint8Array survive the round trip
 * exactly (as {"$n": "…"} and {"$b": "hex"}), so stored channel state reads back
 * to the very same values. For data we wrote ourselves, not for input from others.
 */
import { fromHex, toHex } from './bytes.js'

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
 * reference to the parts that did not change (its HTLCs). Objects are known by
 * identity, so only objects that are never changed after being stored may be
 * internable.
 */
export interface Interner {
  internable(value: object): boolean
  /** The id of the object's entry; `json` makes the entry the first time the object is seen. */
  idOf(value: object, json: () => string): string
}

export function stringifyTagged(value: unknown, interner?: Interner): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key]
    if (typeof raw === 'bigint') return { $n: raw.toString() }
    if (raw instanceof Uint8Array) return { $b: hexOf(raw) }
    // key '' is the value itself, which is never replaced by a reference to itself
    if (interner !== undefined && key !== '' && isPlainObject(raw) && interner.internable(raw)) return { $i: interner.idOf(raw, () => stringifyTagged(raw)) }
    return v
  })
}

function isPlainObject(v: unknown): v is object {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** `resolve` gives back the value an interned id stands for (see stringifyTagged). */
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
