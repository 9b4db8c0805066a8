/**
 * A value that decays over time: every addition counts in full when made and fades with a half-life of half the
 * window, so what happened a window ago weighs a quarter. This is how lightning/bolts#1280's
 * recommendations/local-resource-conservation.md ("Implementation Notes", decaying average) keeps reputation and
 * revenue without storing every HTLC.
 *
 * The value is a score in msat, not a balance: it is a float, and read out rounded down.
 */
export class DecayingAverage {
  private value = 0
  private lastUpdate: number | undefined

  /** `windowMs`: the averaging window; the half-life is half of it */
  constructor(private readonly windowMs: number) {}

  valueAt(now: number): number {
    if (this.lastUpdate === undefined || now <= this.lastUpdate) return this.value
    const halfLife = this.windowMs / 2
    return this.value * Math.pow(0.5, (now - this.lastUpdate) / halfLife)
  }

  add(amount: number, now: number): void {
    this.value = this.valueAt(now) + amount
    this.lastUpdate = Math.max(now, this.lastUpdate ?? now)
  }
}
