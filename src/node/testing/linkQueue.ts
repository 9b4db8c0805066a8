/**
 * Test-only (a node started with --testing): the messages that link latency
 * holds back on one connection, let go in the order they were sent. One timer
 * for the whole queue, never one per message: timers due in the same
 * millisecond may fire in any order, and a commitment_signed that overtakes
 * the update it signs, or a revoke_and_ack that overtakes the commitment it
 * answers, is a protocol violation no real link would cause.
 */
export class LinkQueue {
  private readonly queue: Array<{ due: number; deliver: () => void }> = []
  private timer: NodeJS.Timeout | undefined
  private closed = false

  constructor(private readonly now: () => number = Date.now) {}

  /** Nothing held back: a message without delay may go at once. */
  get idle(): boolean {
    return this.queue.length === 0
  }

  /** Holds `deliver` until `due` (ms on the `now` clock) and until every message queued before it has gone. */
  push(due: number, deliver: () => void): void {
    if (this.closed) return
    this.queue.push({ due, deliver })
    this.pump()
  }

  /** The connection is gone: what it still held is lost, as on a real link. */
  close(): void {
    this.closed = true
    clearTimeout(this.timer)
    this.timer = undefined
    this.queue.length = 0
  }

  private pump(): void {
    if (this.timer !== undefined) return
    while (!this.closed && this.queue.length > 0 && this.queue[0]!.due <= this.now()) this.queue.shift()!.deliver()
    if (this.closed || this.queue.length === 0) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.pump()
    }, this.queue[0]!.due - this.now())
  }
}
