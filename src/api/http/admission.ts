/**
 * Admission control for an HTTP server that many processes depend on (the
 * chain daemon): at most a bounded number of requests are being worked on at
 * once, and one more is answered at once with 503 OVERLOADED and a
 * Retry-After, which costs the server next to nothing. A server starved of CPU
 * by the processes it serves then sheds what it cannot do instead of queueing
 * it until every client has timed out and asked again (congestion collapse);
 * lnsim's clients wait as Retry-After says, with jitter, and ask again. An
 * overloaded request was not worked on, so asking again is safe for any method.
 * Event streams are not counted: they are long-lived by design.
 */
import { InvalidInputError, LnsimError } from '../../core/errors.js'

/** The code a refused request is answered with (HTTP 503). */
export const OVERLOADED_CODE = 'OVERLOADED'
export const OVERLOADED_STATUS = 503

/**
 * Seconds a refused client is told to wait (Retry-After counts in whole seconds). One second is several times what
 * the chain takes for a request even when hundreds of nodes share two cores.
 */
export const OVERLOAD_RETRY_AFTER_SECONDS = 1

export class OverloadedError extends LnsimError {
  constructor(
    readonly retryAfterSeconds: number,
    limit: number,
  ) {
    super(OVERLOADED_CODE, `the server is working on ${limit} requests already; ask again in ${retryAfterSeconds} s`)
    this.name = 'OverloadedError'
  }
}

/** Counts the requests being worked on; refuses one more than `limit`. */
export class AdmissionGate {
  private inFlight = 0

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new InvalidInputError(`an admission limit must be a positive integer, not ${limit}`, {
        field: 'maxConcurrentRequests',
      })
  }

  /** Whether one more request may be worked on; when true, the caller calls leave() once it has answered. */
  tryEnter(): boolean {
    if (this.inFlight >= this.limit) return false
    this.inFlight++
    return true
  }

  leave(): void {
    this.inFlight = Math.max(0, this.inFlight - 1)
  }
}
