/**
 * BOLT #4 "Key Generation": each key is HMAC-SHA256 keyed by the key type's
 * ASCII name (no terminating zero) over a 32-byte secret.
 */
import { hmacSha256 } from '../../crypto/hash.js'

export type OnionKeyType = 'rho' | 'mu' | 'um' | 'pad' | 'ammag'

const KEY_TYPES: Record<OnionKeyType, Uint8Array> = {
  rho: new TextEncoder().encode('rho'),
  mu: new TextEncoder().encode('mu'),
  um: new TextEncoder().encode('um'),
  pad: new TextEncoder().encode('pad'),
  ammag: new TextEncoder().encode('ammag'),
}

export function onionKey(type: OnionKeyType, secret: Uint8Array): Uint8Array {
  return hmacSha256(KEY_TYPES[type], secret)
}
