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

/** The wait before retry number `attempt` (0 for the first retry), jittered in [d/2, d]. */
export function backoffDelay(attempt: number, backoff: Backoff = DEFAULT_BACKOFF, random = Math.random): number {
  const d = Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** Math.min(attempt, 30))
  return d / 2 + random() * (d / 2)
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
