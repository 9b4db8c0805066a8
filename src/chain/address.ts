/**
 * Chain addresses: bech32m (BIP 350) with the prefix `sim`, whose data is a
 * version (0) and a 33-byte compressed public key, standing for the condition
 * sig(pubkey), as a segwit v0 key-hash address stands for a P2WPKH script.
 */
import { bech32Decode, bech32Encode, bytesToWords, wordsToBytes } from '../core/bech32.js'
import { InvalidInputError } from '../core/errors.js'
import { isValidPublicKey } from '../crypto/secp256k1.js'
import { formatCondition, sig, type Condition } from './condition.js'

export const ADDRESS_PREFIX = 'sim'
export const ADDRESS_VERSION = 0

export class InvalidAddressError extends InvalidInputError {
  constructor(message: string, address: string) {
    super(message, { address }, 'INVALID_ADDRESS')
    this.name = 'InvalidAddressError'
  }
}

export function addressFromPublicKey(pubkey: Uint8Array): string {
  if (pubkey.length !== 33 || !isValidPublicKey(pubkey))
    throw new InvalidAddressError('an address needs a valid 33-byte compressed public key', '')
  return bech32Encode(ADDRESS_PREFIX, [ADDRESS_VERSION, ...bytesToWords(pubkey)], 'bech32m')
}

export function addressToCondition(address: string): Condition {
  let decoded: ReturnType<typeof bech32Decode>
  try {
    decoded = bech32Decode(address)
  } catch (err) {
    throw new InvalidAddressError(`"${address}" is not an address: ${(err as Error).message}`, address)
  }
  if (decoded.hrp !== ADDRESS_PREFIX)
    throw new InvalidAddressError(
      `"${address}" is not an lnsim chain address (they start with ${ADDRESS_PREFIX}1)`,
      address,
    )
  if (decoded.variant !== 'bech32m')
    throw new InvalidAddressError(`"${address}" uses the bech32 checksum; lnsim addresses use bech32m`, address)
  const [version, ...data] = decoded.words
  if (version !== ADDRESS_VERSION)
    throw new InvalidAddressError(
      `"${address}" has address version ${version}; only version ${ADDRESS_VERSION} exists`,
      address,
    )
  let pubkey: Uint8Array
  try {
    pubkey = wordsToBytes(data)
  } catch (err) {
    throw new InvalidAddressError(`"${address}" is not an address: ${(err as Error).message}`, address)
  }
  if (pubkey.length !== 33 || !isValidPublicKey(pubkey))
    throw new InvalidAddressError(`"${address}" does not hold a valid compressed public key`, address)
  return sig(pubkey)
}

/** Only sig() conditions have an address; anything else (a 2-of-2, a to_local) is paid by condition, not address. */
export function conditionToAddress(condition: Condition): string {
  if (condition.type !== 'sig')
    throw new InvalidAddressError(
      `only sig() conditions have an address, not ${formatCondition(condition).slice(0, 80)}`,
      '',
    )
  return addressFromPublicKey(condition.pubkey)
}

/** The address of a condition, or null when it has none. */
export function addressOf(condition: Condition): string | null {
  return condition.type === 'sig' && isValidPublicKey(condition.pubkey) ? addressFromPublicKey(condition.pubkey) : null
}
