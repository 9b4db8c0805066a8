/**
 * How lnsim's clients wait before asking again: exponential backoff with
 * jitter (AWS's "equal jitter": half the delay fixed, half random). A server
 * that is slow because many clients ask at once is asked again later, and by
 * each client at a different moment, instead of by all of them together; a
 * retry after a timeout also waits longer for its answer, so a slow server is
 * not asked the same question twice while it is still answering the first.
 */

export interface Backoff {
  /** the first wait, in ms */
  firstDelayMs: number
  /** no wait is longer than this */
  maxDelayMs: number
}

/** Reconnecting an event stream, retrying a request the server never answered. */
export const DEFAULT_BACKOFF: Backoff = { firstDelayMs: 250, maxDelayMs: 5_000 }

/** Attempts of a request that got no answer (a timeout, a refused connection), the first one included. */
export const DEFAULT_REQUEST_ATTEMPTS = 3

/**
 * Attempts of a request the server refused as overloaded (503 with Retry-After), the first one included: an
 * overloaded server did none of the work, so any request may be asked again, and more patiently than one that got
 * no answer; with the default backoff and a 1 s Retry-After, they span about 15 s.
 */
export const DEFAULT_OVERLOAD_ATTEMPTS = 8

/** The wait before retry number `attempt` (0 for the first retry), jittered in [d/2, d]. */
export function backoffDelay(attempt: number, backoff: Backoff = DEFAULT_BACKOFF, random = Math.random): number {
  const d = Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** Math.min(attempt, 30))
  return d / 2 + random() * (d / 2)
}

/**
 * The wait before retry number `attempt` after the server said how long to wait (Retry-After): never sooner than it
 * said, and spread over half as long again, so that the clients it refused together do not come back together; never
 * shorter than the backoff either, so a server that keeps saying "1 s" is asked less and less often.
 */
export function retryAfterDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  backoff: Backoff = DEFAULT_BACKOFF,
  random = Math.random,
): number {
  const jittered = backoffDelay(attempt, backoff, random)
  if (retryAfterMs === undefined) return jittered
  return Math.max(retryAfterMs + random() * (retryAfterMs / 2), jittered)
}

/** Resolves after ms, or at once when the signal aborts (the caller checks the signal). */
export function waitOrAbort(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
