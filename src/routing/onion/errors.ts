import { LnsimError } from '../../core/errors.js'

/**
 * An onion this node cannot or will not process. `failureCode` is the BOLT #4
 * failure to answer with. Without `sharedSecret` the onion could not be
 * authenticated (a BADONION code): answer with update_fail_malformed_htlc.
 * With it, the onion was ours and genuine: answer with update_fail_htlc, the
 * failure encrypted with createFailure(sharedSecret, …).
 *
 * `code`: INVALID_ONION_VERSION, INVALID_ONION_KEY, INVALID_ONION_HMAC,
 * INVALID_ONION_PAYLOAD, ONION_REPLAYED.
 */
export class OnionError extends LnsimError {
  readonly failureCode: number
  readonly sharedSecret: Uint8Array | undefined

  constructor(
    code: string,
    failureCode: number,
    message: string,
    details: Record<string, unknown> = {},
    sharedSecret?: Uint8Array,
  ) {
    super(code, message, { failureCode, ...details })
    this.name = 'OnionError'
    this.failureCode = failureCode
    this.sharedSecret = sharedSecret
  }
}

/**
 * Thrown while building an onion or a failure from local values that cannot
 * be encoded (too many or too large payloads, a field out of range): a bug or
 * an impossible route on our side, never a peer's fault.
 * `code`: ONION_TOO_LARGE, INVALID_HOP_PAYLOAD, INVALID_SESSION_KEY, INVALID_FAILURE_MESSAGE.
 */
export class OnionEncodeError extends LnsimError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'OnionEncodeError'
  }
}
