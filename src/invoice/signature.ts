/** What an invoice signature covers, and the low-S rule BOLT #11 applies when `n` names the payee. */
import { bytesToBigint, utf8 } from '../core/bytes.js'
import { convertBits } from '../core/bech32.js'
import { sha256 } from '../crypto/hash.js'

/** secp256k1's group order n, halved: a low-S signature has s ≤ n/2. */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n

/** sha256 of the human-readable part's UTF-8 bytes and the data words before the signature, zero-padded to a byte. */
export function signingDigest(humanReadablePart: string, dataWords: readonly number[]): Uint8Array {
  const data = new Uint8Array(convertBits(dataWords, 5, 8, true))
  const hrp = utf8(humanReadablePart)
  const preimage = new Uint8Array(hrp.length + data.length)
  preimage.set(hrp)
  preimage.set(data, hrp.length)
  return sha256(preimage)
}

export function isLowS(signature: Uint8Array): boolean {
  return bytesToBigint(signature.subarray(32, 64)) <= HALF_ORDER
}
