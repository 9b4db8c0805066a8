/**
 * The curve operations lnsim needs, and nothing more. Every caller goes through
 * this narrow interface, so a faster implementation (native libsecp256k1) can
 * replace the reference one without touching callers.
 *
 * Conventions: private keys and scalars are 32 bytes big-endian, public keys and
 * points are 33-byte compressed SEC1, signatures are 64-byte compact (r || s)
 * with low S, and messages are already-hashed 32-byte digests.
 */
export interface Secp256k1Backend {
  readonly name: string
  publicKeyCreate(privateKey: Uint8Array): Uint8Array
  isValidPublicKey(publicKey: Uint8Array): boolean
  isValidPrivateKey(privateKey: Uint8Array): boolean
  sign(digest: Uint8Array, privateKey: Uint8Array): Uint8Array
  verify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean
  /** Returns the signature and its recovery id (0..3), for BOLT #11. */
  signRecoverable(digest: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recoveryId: number }
  recover(signature: Uint8Array, recoveryId: number, digest: Uint8Array): Uint8Array
  /** The shared point privateKey·publicKey, compressed (33 bytes); callers hash it. */
  sharedPoint(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array
  pointAdd(a: Uint8Array, b: Uint8Array): Uint8Array
  /** point + tweak·G, the shape of every BOLT #3 key derivation */
  pointAddTweak(point: Uint8Array, tweak: Uint8Array): Uint8Array
  pointMultiply(point: Uint8Array, scalar: Uint8Array): Uint8Array
  privateKeyAdd(privateKey: Uint8Array, tweak: Uint8Array): Uint8Array
  privateKeyMultiply(privateKey: Uint8Array, tweak: Uint8Array): Uint8Array
}
