/**
 * Log lines caused by a peer's bad input (a message that does not decode, gossip
 * that does not verify, a channel rule broken), limited per peer: the first
 * `linesPerWindow` of each window are written, the rest only counted, and when
 * the window ends one line says how many were left out. A peer that sends
 * garbage as fast as it can would otherwise write a line per message into a file
 * nobody reads at that speed.
 */
import type { Logger, LogLevel } from './logger.js'

interface Window {
  lines: number
  suppressed: number
  timer: NodeJS.Timeout
}

export class PeerLogLimiter {
  private readonly windows = new Map<string, Window>()

  constructor(
    /** where the summary lines go */
    private readonly log: Logger,
    private readonly linesPerWindow: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Writes the line to `logger` unless the peer has used its lines for this window; returns whether it did. */
  line(logger: Logger, level: LogLevel, peer: string, msg: string, fields: Record<string, unknown> = {}): boolean {
    const w = this.windowOf(peer)
    if (w.lines >= this.linesPerWindow) {
      w.suppressed++
      return false
    }
    w.lines++
    logger[level](msg, { peer, ...fields })
    return true
  }

  /** Whether a line about this peer would be written now (for what goes with a line, such as an event). */
  wouldLog(peer: string): boolean {
    return (this.windows.get(peer)?.lines ?? 0) < this.linesPerWindow
  }

  private windowOf(peer: string): Window {
    let w = this.windows.get(peer)
    if (!w) {
      const timer = setTimeout(() => this.endWindow(peer), this.windowMs)
      timer.unref()
      w = { lines: 0, suppressed: 0, timer }
      this.windows.set(peer, w)
    }
    return w
  }

  private endWindow(peer: string): void {
    const w = this.windows.get(peer)
    if (!w) return
    this.windows.delete(peer)
    clearTimeout(w.timer)
    if (w.suppressed > 0)
      this.log.warn('log lines about a peer left out', {
        peer,
        suppressed: w.suppressed,
        seconds: Math.round(this.windowMs / 1000),
      })
  }

  /** Writes the pending summaries (at shutdown). */
  stop(): void {
    for (const peer of [...this.windows.keys()]) this.endWindow(peer)
  }
}
