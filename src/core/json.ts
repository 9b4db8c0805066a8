/**
 * JSON that carries bigint money safely: bigints are written as decimal strings
 * (as LND's JSON does for 64-bit amounts), and Uint8Array as hex. Readers parse
 * them back through a schema, never by guessing.
 */
import { toHex } from './bytes.js'

export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return toHex(value)
  if (value instanceof Map) return Object.fromEntries(value)
  return value
}

export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, jsonReplacer, indent)
}
