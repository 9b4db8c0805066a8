/**
 * A token bucket: up to `capacity` events at once, then `perSecond` on average.
 * The caller passes the time, so a test can drive it without waiting.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    now = Date.now(),
  ) {
    this.tokens = capacity
    this.last = now
  }

  /** Takes one token if there is one; false means the event is over the rate. */
  take(now = Date.now()): boolean {
    this.refill(now)
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /** Whether the bucket has refilled completely: it is then no different from a new one. */
  isFull(now = Date.now()): boolean {
    this.refill(now)
    return this.tokens >= this.capacity
  }

  private refill(now: number): void {
    if (now > this.last)
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = Math.max(this.last, now)
  }
}
