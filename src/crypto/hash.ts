import { createHash, createHmac, hash } from 'node:crypto'

/** sha256 of the concatenated parts. One part (the common case) takes the one-shot path: no hash object to make. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return new Uint8Array(hash('sha256', parts[0]!, 'buffer'))
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}

export function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key)
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}
