import { LnsimError } from '../core/errors.js'

/**
 * Thrown when bytes from a peer do not decode. `code` says why:
 * TRUNCATED, TRAILING_BYTES, FRAME_TOO_LARGE, UNKNOWN_EVEN_TYPE, NON_CANONICAL, INVALID_FIELD.
 */
export class WireDecodeError extends LnsimError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'WireDecodeError'
  }
}
