import { fromHex } from '../../src/core/bytes.js'
import { sha256 } from '../../src/crypto/hash.js'
import { deriveRevocationPublicKey, derivePublicKey } from '../../src/crypto/keyDerivation.js'
import {
  ecdh,
  pointMultiply,
  publicKeyOf,
  signDigest,
  verifyDigest,
  currentBackend,
  useBackend,
} from '../../src/crypto/secp256k1.js'
import { nobleBackend } from '../../src/crypto/nobleBackend.js'
import { loadNativeBackend } from '../../src/crypto/nativeBackend.js'
import type { Bench } from './harness.js'

export const title = 'Crypto layer (src/crypto): both backends, measured in the same run'

export async function run(bench: Bench): Promise<void> {
  const priv = fromHex('11'.repeat(32))
  const pub = publicKeyOf(priv)
  const other = publicKeyOf(fromHex('22'.repeat(32)))
  const digest = sha256(fromHex('33'.repeat(32)))
  const sig = signDigest(digest, priv)
  const tweak = sha256(digest)
  const selected = currentBackend()
  const native = loadNativeBackend()
  const results = new Map<string, number>()
  for (const backend of native ? [nobleBackend, native] : [nobleBackend]) {
    useBackend(backend)
    const b = backend.name
    const ops: Array<[string, () => unknown]> = [
      ['sign (ECDSA, RFC6979, low-S)', () => signDigest(digest, priv)],
      ['verify', () => verifyDigest(sig, digest, pub)],
      ['ECDH (sha256 of shared point)', () => ecdh(priv, other)],
      ['point multiply', () => pointMultiply(other, tweak)],
      ['public key from private key', () => publicKeyOf(tweak)],
      ['BOLT #3 derive pubkey', () => derivePublicKey(pub, other)],
      ['BOLT #3 derive revocation pubkey', () => deriveRevocationPublicKey(pub, other)],
    ]
    for (const [name, fn] of ops) {
      const v = bench.opsPerSecond(fn, 700)
      results.set(`${b}:${name}`, v)
      const ratio = b !== 'noble' ? ` (${(v / results.get(`noble:${name}`)!).toFixed(1)}x noble)` : ''
      bench.figure(`${name} [${b}]`, v, 'ops/s', ratio ? ratio.slice(2, -1) : undefined)
    }
  }
  useBackend(selected)
  bench.figure(
    'sha256 (32 B)',
    bench.opsPerSecond(() => sha256(digest), 500),
    'ops/s',
  )
  bench.log(`default backend: ${selected.name}`)
}
