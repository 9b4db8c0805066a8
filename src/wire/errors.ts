import { LnsimError } from '../core/errors.js'

/**
 * Why bytes from a peer did not decode, and what the receiver does (BOLT #1):
 * `warn` answers with a warning and reads on; `disconnect` closes the
 * connection after the warning (the frame boundaries, or the peer's meaning, are
 * lost); `fail_channel` fails the one channel the message was for (BOLT #2: a
 * key off the curve).
 */
export const WIRE_DECODE_ERRORS = {
  TRUNCATED: { action: 'warn', means: 'a field runs past the end of the message' },
  TRAILING_BYTES: { action: 'warn', means: 'bytes after the fields that are not a TLV stream' },
  NON_CANONICAL: { action: 'warn', means: 'a number or TLV stream not in its one valid encoding' },
  INVALID_FIELD: { action: 'warn', means: 'a field with a value it may not have' },
  INVALID_POINT: { action: 'fail_channel', means: 'a public key that is not on secp256k1' },
  FRAME_TOO_LARGE: { action: 'disconnect', means: 'a frame longer than any message' },
  UNKNOWN_EVEN_TYPE: { action: 'disconnect', means: 'a message or TLV type we must understand and do not' },
} as const satisfies Record<string, { action: 'warn' | 'disconnect' | 'fail_channel'; means: string }>

export type WireDecodeErrorCode = keyof typeof WIRE_DECODE_ERRORS

/**
 * Thrown when bytes from a peer do not decode; `code` says why (WIRE_DECODE_ERRORS).
 * `details` names the message type and, when it was read before the bad field,
 * the channel id.
 */
export class WireDecodeError extends LnsimError {
  declare readonly code: WireDecodeErrorCode
  constructor(code: WireDecodeErrorCode, message: string, details: Record<string, unknown> = {}) {
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
  declare readonly code: 'INVALID_FIELD' | 'MESSAGE_TOO_LARGE'
  constructor(code: 'INVALID_FIELD' | 'MESSAGE_TOO_LARGE', message: string, details: Record<string, unknown> = {}) {
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
