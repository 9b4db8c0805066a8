/**
 * The two WebAssembly modules @chainsafe/libp2p-noise loads for its crypto,
 * replaced: the bundle (scripts/bundle.js) hands this module to Noise's
 * crypto/index.js in place of @chainsafe/as-chacha20poly1305 and
 * @chainsafe/as-sha256. Loading any WebAssembly brings V8's wasm compilers and
 * the modules' own code and memory into every process, which each node then
 * keeps resident from its start (figures in README.md).
 *
 * Noise seals messages under 1,200 bytes with the first (larger ones go to
 * OpenSSL), which lnsim's crypto layer does in JavaScript about as fast; the
 * second it imports for a hash it never uses, since it hashes with node:crypto.
 * test/integration/node/noiseAead.test.ts checks Noise gives the same bytes either way.
 *
 * A process without V8's optimizing compiler (a lean node, see
 * src/scenario/network/leanNodes.ts) seals and opens with OpenSSL instead: interpreted,
 * the JavaScript is much slower than OpenSSL (chacha20Poly1305OpenSsl.ts).
 */
import { chacha20Poly1305Open, chacha20Poly1305Seal } from '../../../crypto/chacha20Poly1305.js'
import { openSslOpen, openSslSeal } from '../../../crypto/chacha20Poly1305OpenSsl.js'
import { sha256 } from '../../../crypto/hash.js'

/** Whether V8 runs this process without its optimizing compiler. */
export function withoutOptimizingCompiler(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((flag) => flag === '--no-opt' || flag === '--jitless')
}

const interpreted = withoutOptimizingCompiler()
const seal = interpreted ? openSslSeal : chacha20Poly1305Seal
const open = interpreted ? openSslOpen : chacha20Poly1305Open

/** as-chacha20poly1305's instance: nothing to instantiate here. */
export function newInstance(): Record<string, never> {
  return {}
}

/** as-chacha20poly1305's interface, the part Noise calls. */
export class ChaCha20Poly1305 {
  constructor(_instance?: unknown) {}

  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, associatedData?: Uint8Array): Uint8Array {
    return seal(key, nonce, plaintext, associatedData)
  }

  /**
   * Decrypts into `dst` when given (Noise passes the ciphertext's own bytes); null, as as-chacha20poly1305 gives, when
   * the tag does not match.
   */
  open(
    key: Uint8Array,
    nonce: Uint8Array,
    sealed: Uint8Array,
    associatedData?: Uint8Array,
    dst?: Uint8Array,
  ): Uint8Array | null {
    return open(key, nonce, sealed, associatedData, dst) ?? null
  }
}

/** as-sha256's one-shot digest. */
export function digest(data: Uint8Array): Uint8Array {
  return sha256(data)
}
