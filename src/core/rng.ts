/**
 * A seeded, deterministic random source: the same seed gives the same keys,
 * names and traffic on every run. It is sha256 in counter mode, so its output is
 * also good enough to derive private keys from in a simulation.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, u64be, utf8 } from './bytes.js'

export class SeededRng {
  private readonly seed: Uint8Array
  private counter = 0n
  private pool = new Uint8Array(0)
  private poolOffset = 0

  constructor(seed: string | Uint8Array) {
    this.seed = typeof seed === 'string' ? sha256(utf8(seed)) : sha256(seed)
  }

  /** A child generator whose stream does not depend on how much the parent has been used. */
  fork(label: string): SeededRng {
    return new SeededRng(concatBytes(this.seed, utf8(`/${label}`)))
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length)
    let filled = 0
    while (filled < length) {
      if (this.poolOffset >= this.pool.length) {
        this.pool = sha256(concatBytes(this.seed, u64be(this.counter++)))
        this.poolOffset = 0
      }
      const take = Math.min(length - filled, this.pool.length - this.poolOffset)
      out.set(this.pool.subarray(this.poolOffset, this.poolOffset + take), filled)
      filled += take
      this.poolOffset += take
    }
    return out
  }

  /** A uniform integer in [0, max), without modulo bias. */
  int(max: number): number {
    if (!Number.isSafeInteger(max) || max <= 0) throw new RangeError(`max must be a positive integer, got ${max}`)
    const limit = Math.floor(0x1_0000_0000 / max) * max
    for (;;) {
      const b = this.bytes(4)
      const v = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0
      if (v < limit) return v % max
    }
  }

  /** A uniform bigint in [min, max]. */
  bigintBetween(min: bigint, max: bigint): bigint {
    if (max < min) throw new RangeError('max < min')
    const span = max - min + 1n
    const bits = span.toString(2).length
    const bytes = Math.ceil(bits / 8)
    for (;;) {
      let v = 0n
      for (const b of this.bytes(bytes)) v = (v << 8n) | BigInt(b)
      v &= (1n << BigInt(bits)) - 1n
      if (v < span) return min + v
    }
  }

  /** A float in [0, 1): for timing and sampling only, never for money. */
  float(): number {
    return this.int(0x2000_0000) / 0x2000_0000
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list')
    return items[this.int(items.length)]!
  }
}
