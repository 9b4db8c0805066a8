import { LnsimError } from '../core/errors.js'

/**
 * Thrown when bytes from a peer do not decode. `code` says why:
 * TRUNCATED, TRAILING_BYTES, FRAME_TOO_LARGE, UNKNOWN_EVEN_TYPE, NON_CANONICAL, INVALID_FIELD, INVALID_POINT
 * (a key that is not on the curve). `details` names the message type and, when it
 * was read before the bad field, the channel id.
 */
export class WireDecodeError extends LnsimError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'WireDecodeError'
  }
}

/**
 * Thrown when a message lnsim is about to send does not fit its wire format
 * (a field of the wrong size, a number out of range, a message over 65535
 * bytes): a bug in the sender, never the peer's fault. `code` is INVALID_FIELD
 * or MESSAGE_TOO_LARGE.
 */
export class WireEncodeError extends LnsimError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'WireEncodeError'
  }
}

/**
 * Thrown when a message to a peer cannot be queued: too many bytes already wait
 * for the peer to read them (code SEND_QUEUE_FULL). The peer is not reading; the
 * connection should be closed rather than the queue grown.
 */
export class SendQueueFullError extends LnsimError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('SEND_QUEUE_FULL', message, details)
    this.name = 'SendQueueFullError'
  }
}
