/**
 * How lnsim's HTTP servers answer a failure: a status, and a body
 * `{ "error": { code, message, field?, details? } }` whose code is stable
 * (clients branch on it) and whose message says what was wrong.
 */
import { InvalidInputError, type LnsimError } from '../../core/errors.js'
import { FOREIGN_REQUEST_STATUS } from './loopbackGuard.js'
import { OVERLOADED_STATUS } from './admission.js'

export type HttpRequestErrorCode =
  'NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'BODY_TOO_LARGE' | 'INVALID_JSON' | 'INVALID_REQUEST' | 'UNAUTHORIZED'

/** A request the server itself refuses, before any route runs: `field` names the part that was wrong. */
export class HttpRequestError extends InvalidInputError {
  declare readonly code: HttpRequestErrorCode

  constructor(code: HttpRequestErrorCode, message: string, field?: string) {
    super(message, field === undefined ? {} : { field }, code)
    this.name = 'HttpRequestError'
  }
}

/**
 * Statuses of the codes every server may answer with; each server adds those of its routes
 * (HttpServerOptions.errorStatus).
 */
export const BASE_ERROR_STATUS: Readonly<Record<string, number>> = {
  INVALID_JSON: 400,
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN_HOST: FOREIGN_REQUEST_STATUS,
  FORBIDDEN_ORIGIN: FOREIGN_REQUEST_STATUS,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  BODY_TOO_LARGE: 413,
  INTERNAL: 500,
  OVERLOADED: OVERLOADED_STATUS,
}

/** Any other LnsimError is a rule the request broke (a spend of a spent output, a payment over the balance). */
export const RULE_BROKEN_STATUS = 422

export interface ErrorBody {
  error: { code: string; message: string; field?: string; details?: Record<string, unknown> }
}

/**
 * The answer's body for an error. `field` is the request's part that did not
 * parse (an InvalidInputError's `details.field`). With `withDetails` every
 * error's details go along, and their `field` too: the chain's rule errors
 * name the input that broke a rule, which its client reads. A node's errors
 * come from deeper layers (an invoice's own `d` field), which would read as
 * the request's, so the node sends code and message only.
 */
export function errorBody(err: LnsimError, withDetails: boolean): ErrorBody {
  const field =
    typeof err.details.field === 'string' && (withDetails || err instanceof InvalidInputError)
      ? err.details.field
      : undefined
  const details = withDetails && Object.keys(err.details).length > 0 ? { details: err.details } : {}
  return { error: { code: err.code, message: err.message, ...(field === undefined ? {} : { field }), ...details } }
}
