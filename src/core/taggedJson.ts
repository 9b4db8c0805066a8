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

export function stringifyTagged(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key]
    if (typeof raw === 'bigint') return { $n: raw.toString() }
    if (raw instanceof Uint8Array) return { $b: hexOf(raw) }
    return v
  })
}

export function parseTagged<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>
      const keys = Object.keys(o)
      if (keys.length === 1 && typeof o.$n === 'string') return BigInt(o.$n)
      if (keys.length === 1 && typeof o.$b === 'string') return fromHex(o.$b)
    }
    return v
  }) as T
}
