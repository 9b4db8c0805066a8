/**
 * How lnsim's clients wait before asking again: exponential backoff with
 * jitter (AWS's "equal jitter": half the delay fixed, half random). A server
 * that is slow because many clients ask at once is asked again later, and by
 * each client at a different moment, instead of by all of them together; a
 * retry after a timeout also waits longer for its answer, so a slow server is
 * not asked the same question twice while it is still answering the first.
 */
import { OVERLOADED_CODE } from './admission.js'

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

/** What one attempt's failure says: its code decides whether asking again may help. */
interface AttemptFailure {
  code?: string
  retryAfterMs?: number
}

export interface RetryPolicy {
  /** attempts of a request that got no answer (timeout, no connection), the first included */
  attempts: number
  /** attempts of a request the server refused as overloaded (503): it did none of the work */
  overloadAttempts: number
  /** the first attempt's timeout; each attempt after a timeout allows twice the one before */
  timeoutMs: number
  signal?: AbortSignal
}

/**
 * Runs `attempt` until it answers, asking again with backoff while the server does not answer (up to
 * `policy.attempts`), so a slow server is waited for rather than asked the same question while it still works on
 * it; and after the server's Retry-After when it refused as overloaded (up to `policy.overloadAttempts`, for any
 * request: the server did none of it). Every other failure is thrown at once, as is any once `signal` aborts.
 */
export async function withRetries<T>(attempt: (timeoutMs: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  let timeoutMs = policy.timeoutMs
  for (let n = 0; ; n++) {
    try {
      return await attempt(timeoutMs)
    } catch (err) {
      const e = err as AttemptFailure
      if (policy.signal?.aborted) throw err
      if (e.code === OVERLOADED_CODE) {
        if (n + 1 >= policy.overloadAttempts) throw err
        await waitOrAbort(retryAfterDelay(n, e.retryAfterMs), policy.signal)
        continue
      }
      if (n + 1 >= policy.attempts || (e.code !== 'TIMEOUT' && e.code !== 'UNREACHABLE')) throw err
      if (e.code === 'TIMEOUT') timeoutMs *= 2
      await waitOrAbort(backoffDelay(n), policy.signal)
    }
  }
}
