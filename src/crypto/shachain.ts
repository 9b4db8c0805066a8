/**
 * BOLT #3 "Per-commitment Secret Requirements": per-commitment secrets derived
 * from one seed, and the compact store (at most 49 entries) that lets a node
 * keep every secret its peer ever revealed.
 * https://github.com/lightning/bolts/blob/master/03-transactions.md#per-commitment-secret-requirements
 */
import { LnsimError } from '../core/errors.js'
import { bytesEqual, fromHex, toHex } from '../core/bytes.js'
import { sha256 } from './hash.js'

/** Secrets are indexed from 2^48 - 1 downward: commitment number n uses index 2^48 - 1 - n. */
export const SHACHAIN_FIRST_INDEX = 2n ** 48n - 1n

export function shachainIndex(commitmentNumber: bigint): bigint {
  if (commitmentNumber < 0n || commitmentNumber > SHACHAIN_FIRST_INDEX)
    throw new RangeError(`commitment number out of range: ${commitmentNumber}`)
  return SHACHAIN_FIRST_INDEX - commitmentNumber
}

/** Bit b of an index below 2^48, without BigInt shifts in the loop. */
function bitOf(index: number, b: number): number {
  return b < 32 ? (index >>> b) & 1 : Math.floor(index / 2 ** b) & 1
}

/** Flips and hashes for the set bits of `index` from bit `from` down to bit `to`, as generate_from_seed does. */
function deriveBits(base: Uint8Array, from: number, to: number, index: number): Uint8Array {
  let p: Uint8Array = new Uint8Array(base)
  for (let b = from; b >= to; b--) {
    if (bitOf(index, b)) {
      p[b >> 3]! ^= 1 << (b & 7)
      p = sha256(p)
    }
  }
  return p
}

function deriveSecret(base: Uint8Array, bits: number, index: bigint): Uint8Array {
  return deriveBits(base, bits - 1, 0, Number(index))
}

/**
 * The state after a seed's bits 47 to 16, by seed and index >> 16: a channel's
 * indexes count down one per commitment, so consecutive secrets share it and each
 * costs at most 16 sha256 instead of up to 48.
 */
const upperBitsCache = new Map<string, Uint8Array>()
const LOWER_BITS = 16

/** generate_from_seed(seed, I) */
export function perCommitmentSecret(seed: Uint8Array, index: bigint): Uint8Array {
  if (seed.length !== 32) throw new RangeError('shachain seed must be 32 bytes')
  if (index < 0n || index > SHACHAIN_FIRST_INDEX) throw new RangeError(`shachain index out of range: ${index}`)
  const n = Number(index)
  const key = `${toHex(seed)}:${Math.floor(n / 2 ** LOWER_BITS)}`
  let upper = upperBitsCache.get(key)
  if (!upper) {
    upper = deriveBits(seed, 47, LOWER_BITS, n)
    if (upperBitsCache.size > 4096) upperBitsCache.clear()
    upperBitsCache.set(key, upper)
  }
  return deriveBits(upper, LOWER_BITS - 1, 0, n)
}

/** Thrown when a revealed secret is not consistent with the secrets received before it. */
export class ShachainError extends LnsimError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('INVALID_REVOCATION_SECRET', message, details)
    this.name = 'ShachainError'
  }
}

interface KnownSecret {
  index: bigint
  secret: Uint8Array
}

function trailingZeros(index: bigint): number {
  for (let b = 0; b < 48; b++) if ((index >> BigInt(b)) & 1n) return b
  return 48
}

export interface ShachainStoreJson {
  known: Array<{ index: string; secret: string } | null>
}

/** The receiving side of shachain: insert secrets in descending index order; look up any older one. */
export class ShachainStore {
  private readonly known: Array<KnownSecret | undefined> = new Array(49)
  private lastIndex: bigint | undefined

  /** insert_secret: rejects a secret that does not derive the ones already stored. */
  insert(index: bigint, secret: Uint8Array): void {
    if (secret.length !== 32) throw new ShachainError('a per-commitment secret is 32 bytes')
    if (this.lastIndex !== undefined && index !== this.lastIndex - 1n) {
      throw new ShachainError(`secrets must arrive in order: expected index ${this.lastIndex - 1n}, got ${index}`, {
        index: index.toString(),
      })
    }
    const bucket = trailingZeros(index)
    for (let b = 0; b < bucket; b++) {
      const k = this.known[b]
      if (k === undefined) continue
      if (!bytesEqual(deriveSecret(secret, bucket, k.index), k.secret)) {
        throw new ShachainError(
          `secret for index ${index} does not derive the secret already stored for index ${k.index}`,
          {
            index: index.toString(),
          },
        )
      }
    }
    this.known[bucket] = { index, secret: new Uint8Array(secret) }
    this.lastIndex = index
  }

  /** derive_old_secret: the secret for any index at or above the lowest inserted, or undefined. */
  lookup(index: bigint): Uint8Array | undefined {
    for (let b = 0; b < 49; b++) {
      const k = this.known[b]
      if (k === undefined) continue
      const mask = ~((1n << BigInt(b)) - 1n) & SHACHAIN_FIRST_INDEX
      if ((index & mask) === k.index) return deriveSecret(k.secret, b, index)
    }
    return undefined
  }

  get lowestIndex(): bigint | undefined {
    return this.lastIndex
  }

  toJSON(): ShachainStoreJson {
    return { known: this.known.map((k) => (k ? { index: k.index.toString(), secret: toHex(k.secret) } : null)) }
  }

  static fromJSON(json: ShachainStoreJson): ShachainStore {
    const store = new ShachainStore()
    let lowest: bigint | undefined
    json.known.forEach((k, b) => {
      if (k === null) return
      const index = BigInt(k.index)
      store.known[b] = { index, secret: fromHex(k.secret, 32) }
      if (lowest === undefined || index < lowest) lowest = index
    })
    store.lastIndex = lowest
    return store
  }
}
