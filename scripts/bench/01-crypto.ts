import { fromHex } from '../../src/core/bytes.js'
import { sha256 } from '../../src/crypto/hash.js'
import { deriveRevocationPublicKey, derivePublicKey } from '../../src/crypto/keyDerivation.js'
import { ecdh, pointMultiply, publicKeyOf, signDigest, verifyDigest, currentBackend } from '../../src/crypto/secp256k1.js'
import type { Bench } from './harness.js'

export const title = 'Crypto layer (src/crypto)'

export async function run(bench: Bench): Promise<void> {
  const priv = fromHex('11'.repeat(32))
  const pub = publicKeyOf(priv)
  const other = publicKeyOf(fromHex('22'.repeat(32)))
  const digest = sha256(fromHex('33'.repeat(32)))
  const sig = signDigest(digest, priv)
  const tweak = sha256(digest)
  bench.log(`backend: ${currentBackend().name}`)
  bench.figure('sign (ECDSA, RFC6979, low-S)', bench.opsPerSecond(() => signDigest(digest, priv)), 'ops/s')
  bench.figure('verify', bench.opsPerSecond(() => verifyDigest(sig, digest, pub)), 'ops/s')
  bench.figure('ECDH (sha256 of shared point)', bench.opsPerSecond(() => ecdh(priv, other)), 'ops/s')
  bench.figure('point multiply', bench.opsPerSecond(() => pointMultiply(other, tweak)), 'ops/s')
  bench.figure('public key from private key', bench.opsPerSecond(() => publicKeyOf(tweak)), 'ops/s')
  bench.figure('BOLT #3 derive pubkey', bench.opsPerSecond(() => derivePublicKey(pub, other)), 'ops/s')
  bench.figure('BOLT #3 derive revocation pubkey', bench.opsPerSecond(() => deriveRevocationPublicKey(pub, other)), 'ops/s')
  bench.figure('sha256 (32 B)', bench.opsPerSecond(() => sha256(digest), 500), 'ops/s')
}
