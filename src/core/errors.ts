/**
 * The base of every error lnsim raises on purpose. `code` is stable and is what
 * callers, tests and the control API branch on; the message is for people and
 * says what was wrong and, where it helps, what to do next.
 */
export class LnsimError extends Error {
  readonly code: string
  readonly details: Record<string, unknown>

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LnsimError'
    this.code = code
    this.details = details
  }

  toJSON(): { code: string; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details }
  }
}

/** Thrown when input from outside (a peer, a file, a flag, an HTTP body) does not parse. */
export class InvalidInputError extends LnsimError {
  constructor(message: string, details: Record<string, unknown> = {}, code = 'INVALID_INPUT') {
    super(code, message, details)
    this.name = 'InvalidInputError'
  }
}

export function isLnsimError(err: unknown): err is LnsimError {
  return err instanceof LnsimError
}

/** A readable one-liner for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
