/**
 * The part of @noble/curves' `secp256k1` that libp2p's secp256k1 keys use
 * (@libp2p/crypto `keys/secp256k1`), served by lnsim's crypto layer: the
 * native libsecp256k1 when it loads, noble otherwise. The bundle (see
 * scripts/bundle.js) hands this module to those two libp2p files in place of
 * @noble/curves, so a node's identity key and its Noise handshakes no longer
 * run pure-JS curve maths: building noble's tables cost a noticeable pause at
 * every node start, and each handshake verify took many times what native
 * libsecp256k1 takes (figures in ../README.md).
 *
 * Behaviour matches @noble/curves for every call libp2p makes (same public
 * keys, same deterministic low-S signatures, the same keys and signatures
 * refused); test/integration/node/libp2pKeys.test.ts checks it against the original.
 */
import { Point as NoblePoint } from '@noble/secp256k1'
import {
  isValidPublicKey,
  publicKeyOf,
  randomPrivateKey,
  signDigest,
  verifyDigest,
} from '../../../../crypto/secp256k1.js'
import { compactToDer, derToCompact } from './derSignature.js'

interface SignatureOptions {
  prehash?: boolean
  format?: string
  lowS?: boolean
}

/** libp2p always passes a digest it hashed itself, and DER signatures. */
function checkOptions(options: SignatureOptions | undefined): void {
  if (options?.prehash !== false || options.format !== 'der' || options.lowS === false)
    throw new Error('only prehash: false, format: der and low S are supported')
}

/** A public key as SEC1 bytes; compressed keys, the only kind lnsim makes, stay in the crypto layer. */
class PublicPoint {
  private constructor(private readonly bytes: Uint8Array) {}

  static fromBytes(bytes: Uint8Array): PublicPoint {
    if (!(bytes instanceof Uint8Array)) throw new Error('a public key must be a Uint8Array')
    if (bytes.length === 33) {
      if (!isValidPublicKey(bytes)) throw new Error('bad point: not on secp256k1')
      return new PublicPoint(Uint8Array.from(bytes))
    }
    // uncompressed (65 bytes) or malformed: parsed and refused as noble does
    return new PublicPoint(NoblePoint.fromBytes(bytes).toBytes(true))
  }

  toBytes(compressed = true): Uint8Array {
    return compressed ? Uint8Array.from(this.bytes) : NoblePoint.fromBytes(this.bytes).toBytes(false)
  }
}

export const secp256k1 = {
  getPublicKey(secretKey: Uint8Array, compressed = true): Uint8Array {
    const publicKey = publicKeyOf(secretKey)
    return compressed ? publicKey : PublicPoint.fromBytes(publicKey).toBytes(false)
  },

  sign(digest: Uint8Array, secretKey: Uint8Array, options?: SignatureOptions): Uint8Array {
    checkOptions(options)
    return compactToDer(signDigest(digest, secretKey))
  },

  /** False for any malformed signature or key, as noble's verify. */
  verify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array, options?: SignatureOptions): boolean {
    checkOptions(options)
    const compact = derToCompact(signature)
    if (!compact) return false
    let key: Uint8Array
    try {
      key = PublicPoint.fromBytes(publicKey).toBytes(true)
    } catch {
      return false
    }
    return verifyDigest(compact, digest, key)
  },

  Point: PublicPoint,

  utils: {
    randomSecretKey: (): Uint8Array => randomPrivateKey(),
  },
}
