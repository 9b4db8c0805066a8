/**
 * The timeline of a finished run: a position on the run's own clock that
 * plays forward at a chosen speed, pauses, and jumps. Playing hands out the
 * events that fall due; jumping hands out every event up to the new position,
 * for a fresh model, since a model cannot run backwards.
 */
import type { DashboardInput, ReplayView } from './views.js'

export const REPLAY_SPEEDS = [0.25, 0.5, 1, 2, 5, 10, 50] as const

export class ReplayTimeline {
  readonly start: number
  readonly end: number
  private position: number
  /** index of the first event not yet handed out */
  private next = 0
  private playing = false
  private speed = 1

  constructor(private readonly inputs: readonly DashboardInput[]) {
    this.start = inputs[0]?.time ?? 0
    this.end = inputs[inputs.length - 1]?.time ?? 0
    this.position = this.start
  }

  view(): ReplayView {
    return {
      start: this.start,
      end: this.end,
      position: this.position,
      playing: this.playing,
      speed: this.speed,
      events: this.inputs.length,
    }
  }

  get isPlaying(): boolean {
    return this.playing
  }

  play(): void {
    this.playing = true
  }

  pause(): void {
    this.playing = false
  }

  setSpeed(speed: number): void {
    this.speed = speed
  }

  /** Moves the clock on by `elapsedMs` of wall time and returns the events now due; stops at the end. */
  advance(elapsedMs: number): DashboardInput[] {
    if (!this.playing) return []
    this.position = Math.min(this.end, this.position + elapsedMs * this.speed)
    const due: DashboardInput[] = []
    while (this.next < this.inputs.length && this.inputs[this.next]!.time <= this.position)
      due.push(this.inputs[this.next++]!)
    if (this.position >= this.end) this.playing = false
    return due
  }

  /** Jumps to `position` (clamped to the run) and returns every event up to it, to rebuild from scratch. */
  seek(position: number): DashboardInput[] {
    this.position = Math.max(this.start, Math.min(this.end, position))
    this.next = 0
    while (this.next < this.inputs.length && this.inputs[this.next]!.time <= this.position) this.next++
    return this.inputs.slice(0, this.next)
  }

  get atEnd(): boolean {
    return this.position >= this.end
  }
}
