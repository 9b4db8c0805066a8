/**
 * BOLT #4 "Returning Errors": the failing hop authenticates its failure with
 * its `um` key and encrypts it with its `ammag` stream; every hop on the way
 * back adds its own `ammag` layer; the origin peels the layers in route order
 * until one hop's HMAC matches, which names the hop that failed.
 */
import { bytesEqual, concatBytes, u16be } from '../../core/bytes.js'
import { chacha20Xor } from '../../crypto/chacha20.js'
import { hmacSha256 } from '../../crypto/hash.js'
import { WireDecodeError } from '../../wire/errors.js'
import { FAILURE_PADDED_LENGTH, HMAC_LENGTH } from './constants.js'
import { OnionEncodeError } from './errors.js'
import { decodeFailureMessage, encodeFailureMessage, type FailureMessage } from './failureMessage.js'
import { onionKey } from './keys.js'

export type AttributedFailure =
  | { type: 'attributed'; failingHopIndex: number; failure: FailureMessage }
  /** that hop authenticated the packet, but what it said does not parse: blame it all the same */
  | { type: 'malformed'; failingHopIndex: number; reason: string }
  /** no hop's HMAC matches: someone on the way back altered the packet */
  | { type: 'unattributable' }

/**
 * The return packet at the failing hop: hmac || failure_len || failuremsg ||
 * pad_len || pad, encrypted. The padding makes failure_len + pad_len
 * `paddedLength` (BOLT #4 says SHOULD be 256) so all failures look alike.
 */
export function createFailure(
  sharedSecret: Uint8Array,
  failure: FailureMessage,
  paddedLength = FAILURE_PADDED_LENGTH,
): Uint8Array {
  const message = encodeFailureMessage(failure)
  if (message.length > 0xffff)
    throw new OnionEncodeError(
      'INVALID_FAILURE_MESSAGE',
      `a failure message of ${message.length} bytes does not fit its u16 length`,
    )
  const padLength = Math.max(0, paddedLength - message.length)
  const body = concatBytes(u16be(message.length), message, u16be(padLength), new Uint8Array(padLength))
  const hmac = hmacSha256(onionKey('um', sharedSecret), body)
  return obfuscateFailure(sharedSecret, concatBytes(hmac, body))
}

/** Each hop on the way back adds its layer before passing the packet to its predecessor. */
export function obfuscateFailure(sharedSecret: Uint8Array, packet: Uint8Array): Uint8Array {
  return chacha20Xor(onionKey('ammag', sharedSecret), packet)
}

/** At the origin: `sharedSecrets` are createOnion's, in route order. */
export function attributeFailure(sharedSecrets: Uint8Array[], packet: Uint8Array): AttributedFailure {
  let current = packet
  for (let i = 0; i < sharedSecrets.length; i++) {
    current = obfuscateFailure(sharedSecrets[i]!, current)
    if (current.length < HMAC_LENGTH + 2) continue
    const body = current.subarray(HMAC_LENGTH)
    if (!bytesEqual(hmacSha256(onionKey('um', sharedSecrets[i]!), body), current.subarray(0, HMAC_LENGTH))) continue
    const failureLength = (body[0]! << 8) | body[1]!
    if (2 + failureLength > body.length)
      return {
        type: 'malformed',
        failingHopIndex: i,
        reason: `failure_len ${failureLength} overruns the ${body.length}-byte packet`,
      }
    try {
      return {
        type: 'attributed',
        failingHopIndex: i,
        failure: decodeFailureMessage(body.subarray(2, 2 + failureLength)),
      }
    } catch (err) {
      if (err instanceof WireDecodeError) return { type: 'malformed', failingHopIndex: i, reason: err.message }
      throw err
    }
  }
  return { type: 'unattributable' }
}
