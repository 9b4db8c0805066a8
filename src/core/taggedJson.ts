/**
 * JSON for persisted state: bigint and Uint8Array survive the round trip
 * exactly (as {"$n": "…"} and {"$b": "hex"}), so stored channel state reads back
 * to the very same values. For data we wrote ourselves, not for input from others.
 */
import { fromHex, toHex } from './bytes.js'

export function stringifyTagged(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key]
    if (typeof raw === 'bigint') return { $n: raw.toString() }
    if (raw instanceof Uint8Array) return { $b: toHex(raw) }
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
