/**
 * What the channel machine asks of its keys, behind one interface in the spirit
 * of LDK's `ChannelSigner`: a channel's state keeps only the id of its keys
 * (`keysId`), the node owns the signer and passes it in `ChannelContext`, and
 * what is remembered between steps (secrets, per-commitment points, derived
 * keys: each costs curve operations and is asked for several times) lives in
 * the signer's own memory, not in any module of the channel layer.
 */
import { fromHex, toHex } from '../core/bytes.js'
import type { KnownRevocationSecret } from '../crypto/keyDerivation.js'
import { publicKeyOf } from '../crypto/secp256k1.js'
import { perCommitmentSecret, shachainIndex } from '../crypto/shachain.js'
import {
  channelSecrets,
  commitmentKeys,
  deriveKey,
  type Basepoints,
  type ChannelSecrets,
  type CommitmentKeys,
} from './keys.js'

export interface ChannelKeys {
  readonly secrets: ChannelSecrets
  readonly basepoints: Basepoints
  /** BOLT #3: the secret of our commitment number `index` (revealed to revoke it) */
  perCommitmentSecret(index: bigint): Uint8Array
  perCommitmentPoint(index: bigint): Uint8Array
}

export interface ChannelSigner {
  /** The keys of the channel whose state keeps `keysId`. */
  channel(keysId: string): ChannelKeys
  /** BOLT #3 "Key Derivation": one commitment's public keys, each derived when first read. */
  commitmentKeys(
    owner: Basepoints,
    other: Basepoints,
    perCommitmentPoint: Uint8Array,
    known?: KnownRevocationSecret,
  ): CommitmentKeys
}

/**
 * A keys id of this form names the channel seed itself: states written before
 * channels had a signer kept their seed, and are read back with this id.
 */
const LEGACY_SEED_PREFIX = 'seed:'

export function legacySeedKeysId(seed: Uint8Array): string {
  return `${LEGACY_SEED_PREFIX}${toHex(seed)}`
}

/** Bounds on what a signer remembers: a busy node's working set is far smaller. */
const MAX_CHANNELS = 4096
const MAX_POINTS = 8192
const MAX_DERIVED = 16_384

/**
 * A signer over channel seeds derived from one secret of the node's (`seeds`),
 * deterministic for a given keys id.
 */
export class SeedSigner implements ChannelSigner {
  private readonly channels = new Map<string, ChannelKeys>()
  private readonly secrets = new Map<string, Uint8Array>()
  private readonly points = new Map<string, Uint8Array>()
  private readonly derived = new Map<string, Uint8Array>()

  constructor(private readonly seeds: { derive(keysId: string): Uint8Array }) {}

  channel(keysId: string): ChannelKeys {
    const cached = this.channels.get(keysId)
    if (cached) return cached
    const seed = keysId.startsWith(LEGACY_SEED_PREFIX)
      ? fromHex(keysId.slice(LEGACY_SEED_PREFIX.length))
      : this.seeds.derive(keysId)
    const secrets = channelSecrets(seed)
    const keys: ChannelKeys = {
      secrets,
      basepoints: secrets.basepoints,
      perCommitmentSecret: (index) => this.perCommitmentSecret(keysId, secrets.shachainSeed, index),
      perCommitmentPoint: (index) => this.perCommitmentPoint(keysId, secrets.shachainSeed, index),
    }
    remember(this.channels, MAX_CHANNELS, keysId, keys)
    return keys
  }

  commitmentKeys(
    owner: Basepoints,
    other: Basepoints,
    perCommitmentPoint: Uint8Array,
    known?: KnownRevocationSecret,
  ): CommitmentKeys {
    return commitmentKeys(owner, other, perCommitmentPoint, known, (kind, basepoint, point, k) => {
      const key = `${kind}:${toHex(basepoint)}:${toHex(point)}`
      let derived = this.derived.get(key)
      if (!derived) remember(this.derived, MAX_DERIVED, key, (derived = deriveKey(kind, basepoint, point, k)))
      return derived
    })
  }

  /**
   * Forgets the derived keys. The bench's lower bound plays both ends of a channel
   * with one signer, and calls this when the other end takes its turn, so that the
   * second end's derivations count too.
   */
  forgetDerivedKeys(): void {
    this.derived.clear()
  }

  /** Deriving one costs up to 48 sha256, and each is needed for the point, the revocation and reestablish. */
  private perCommitmentSecret(keysId: string, shachainSeed: Uint8Array, index: bigint): Uint8Array {
    const key = `${keysId}:${index}`
    let secret = this.secrets.get(key)
    if (!secret)
      remember(this.secrets, MAX_POINTS, key, (secret = perCommitmentSecret(shachainSeed, shachainIndex(index))))
    return secret
  }

  private perCommitmentPoint(keysId: string, shachainSeed: Uint8Array, index: bigint): Uint8Array {
    const key = `${keysId}:${index}`
    let point = this.points.get(key)
    if (!point)
      remember(
        this.points,
        MAX_POINTS,
        key,
        (point = publicKeyOf(this.perCommitmentSecret(keysId, shachainSeed, index))),
      )
    return point
  }
}

function remember<V>(map: Map<string, V>, max: number, key: string, value: V): void {
  if (map.size >= max) map.clear()
  map.set(key, value)
}

/** Our own commitment number `index`: its keys, knowing its per-commitment secret. */
export function localCommitmentKeys(
  signer: ChannelSigner,
  localParams: { keysId: string; basepoints: Basepoints },
  remote: Basepoints,
  index: bigint,
): CommitmentKeys {
  const keys = signer.channel(localParams.keysId)
  return signer.commitmentKeys(localParams.basepoints, remote, keys.perCommitmentPoint(index), {
    perCommitmentSecret: keys.perCommitmentSecret(index),
  })
}

/** The peer's commitment at `remotePoint`: its keys, knowing our revocation basepoint's secret. */
export function remoteCommitmentKeys(
  signer: ChannelSigner,
  localParams: { keysId: string; basepoints: Basepoints },
  remote: Basepoints,
  remotePoint: Uint8Array,
): CommitmentKeys {
  return signer.commitmentKeys(remote, localParams.basepoints, remotePoint, {
    revocationBasepointSecret: signer.channel(localParams.keysId).secrets.revocationBasepointSecret,
  })
}
