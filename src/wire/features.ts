/**
 * BOLT #9 feature bit vectors: big-endian bytes, bit 0 the least significant
 * bit of the last byte. Features come in pairs: the even bit says "required",
 * the odd bit "supported". A node ignores unknown odd bits and refuses a peer
 * that sets an unknown even one ("it's OK to be odd", BOLT #1 init).
 * https://github.com/lightning/bolts/blob/master/09-features.md
 */

/** The features lnsim knows by name, as [even, odd] bits (or just the odd bit where BOLT #9 never had an even one). */
export const FEATURE_BITS = {
  option_data_loss_protect: [0, 1],
  // odd only; dropped from BOLT #9 (commit fc687e8) but kept so older peers' bit 3 has a name
  initial_routing_sync: [3],
  gossip_queries: [6, 7],
  var_onion_optin: [8, 9],
  gossip_queries_ex: [10, 11],
  payment_secret: [14, 15],
  basic_mpp: [16, 17],
  // bLIP-3 spontaneous payments
  keysend: [54, 55],
} as const satisfies Record<string, readonly number[]>

export type FeatureName = keyof typeof FEATURE_BITS

/** A vector can be at most a whole message long. */
const MAX_FEATURE_BIT = 65535 * 8 - 1

function checkBit(bit: number): void {
  if (!Number.isInteger(bit) || bit < 0 || bit > MAX_FEATURE_BIT)
    throw new RangeError(`feature bit must be an integer from 0 to ${MAX_FEATURE_BIT}, got ${bit}`)
}

export function hasFeatureBit(features: Uint8Array, bit: number): boolean {
  checkBit(bit)
  const index = features.length - 1 - (bit >> 3)
  return index >= 0 && ((features[index]! >> (bit & 7)) & 1) === 1
}

/** A copy of `features` with `bit` set, grown (never more than needed) to hold it. */
export function setFeatureBit(features: Uint8Array, bit: number): Uint8Array {
  checkBit(bit)
  const length = Math.max(features.length, (bit >> 3) + 1)
  const out = new Uint8Array(length)
  out.set(features, length - features.length)
  out[length - 1 - (bit >> 3)]! |= 1 << (bit & 7)
  return out
}

/** The smallest vector with exactly these bits set. */
export function featureBits(...bits: number[]): Uint8Array {
  return bits.reduce(setFeatureBit, new Uint8Array(0))
}

/** Every bit set, lowest first. */
export function listFeatureBits(features: Uint8Array): number[] {
  const bits: number[] = []
  for (let i = features.length - 1; i >= 0; i--) {
    const byte = features[i]!
    if (byte === 0) continue
    const base = (features.length - 1 - i) * 8
    for (let b = 0; b < 8; b++) if ((byte >> b) & 1) bits.push(base + b)
  }
  return bits
}

/** Bitwise OR, aligned on bit 0: how BOLT #1 init merges `globalfeatures` into `features`. */
export function combineFeatures(a: Uint8Array, b: Uint8Array): Uint8Array {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a]
  const out = long.slice()
  const shift = long.length - short.length
  for (let i = 0; i < short.length; i++) out[shift + i]! |= short[i]!
  return out
}

/** Offered, as required or as optional. */
export function hasFeature(features: Uint8Array, name: FeatureName): boolean {
  return FEATURE_BITS[name].some((bit) => hasFeatureBit(features, bit))
}

/** A copy of `features` offering `name` as required (its even bit) or optional (its odd bit). */
export function withFeature(features: Uint8Array, name: FeatureName, how: 'required' | 'optional'): Uint8Array {
  const bits: readonly number[] = FEATURE_BITS[name]
  const bit = bits.find((b) => (b % 2 === 0) === (how === 'required'))
  if (bit === undefined) throw new RangeError(`${name} has no ${how} bit`)
  return setFeatureBit(features, bit)
}

/**
 * The even bits set in `features` that are not the required bit of a feature
 * in `known`: a node must refuse a peer or announcement with any of them.
 */
export function unknownRequiredFeatures(
  features: Uint8Array,
  known: readonly FeatureName[] = Object.keys(FEATURE_BITS) as FeatureName[],
): number[] {
  const understood = new Set<number>(known.flatMap((name) => FEATURE_BITS[name]))
  return listFeatureBits(features).filter((bit) => bit % 2 === 0 && !understood.has(bit))
}
