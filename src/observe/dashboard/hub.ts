/**
 * Between the sources of events and the browsers: inputs go into the model as
 * they come, and every batch interval what changed goes out to every browser
 * as one message, so a busy network costs one repaint per interval, not one
 * per event. A browser that connects gets the whole picture first.
 *
 * In replay the hub also owns the timeline: each tick plays the events that
 * fell due, and a jump rebuilds the model and sends everyone a new picture.
 */
import { z } from 'zod'
import { DashboardModel, type DashboardModelOptions } from './model.js'
import { REPLAY_SPEEDS, ReplayTimeline } from './replay.js'
import type { DashboardBatch, DashboardInput, DashboardSnapshot, ReplayView } from './views.js'
import { ObserveError } from '../errors.js'

export type HubMessage = { event: 'snapshot'; data: DashboardSnapshot } | { event: 'batch'; data: DashboardBatch }
export type HubClient = (message: HubMessage) => void

export const ReplayCommand = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('play') }),
  z.strictObject({ action: z.literal('pause') }),
  z.strictObject({ action: z.literal('speed'), speed: z.union(REPLAY_SPEEDS.map((s) => z.literal(s))) }),
  z.strictObject({ action: z.literal('seek'), position: z.number().finite() }),
])
export type ReplayCommand = z.infer<typeof ReplayCommand>

export class NotReplayingError extends ObserveError {
  constructor() {
    super(
      'NOT_REPLAYING',
      'this dashboard shows a live network; the timeline exists only with `lnsim dashboard --replay FILE`',
    )
    this.name = 'NotReplayingError'
  }
}

export interface DashboardHubOptions extends DashboardModelOptions {
  /** ms between two batches sent to browsers. @default 150 */
  batchIntervalMs?: number
  /** the recorded inputs of a finished run: the hub plays them instead of taking live ones */
  replay?: readonly DashboardInput[]
}

export class DashboardHub {
  private model: DashboardModel
  private readonly clients = new Set<HubClient>()
  private readonly timeline: ReplayTimeline | null
  private readonly intervalMs: number
  private timer: ReturnType<typeof setInterval> | undefined
  private lastTick = 0
  private replayChanged = false
  /** batches sent so far, for tests and the bench */
  batchesSent = 0

  constructor(private readonly options: DashboardHubOptions = {}) {
    this.intervalMs = options.batchIntervalMs ?? 150
    this.model = new DashboardModel(options)
    this.timeline = options.replay ? new ReplayTimeline(options.replay) : null
    if (this.timeline) this.rebuild(this.timeline.start)
  }

  get mode(): DashboardSnapshot['mode'] {
    return this.timeline ? 'replay' : 'live'
  }

  start(): void {
    this.lastTick = performance.now()
    this.timer = setInterval(() => this.tick(), this.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.clients.clear()
  }

  /** A live input; ignored in replay, where the recording is the only source. */
  publish(input: DashboardInput): void {
    if (!this.timeline) this.model.apply(input)
  }

  snapshot(): DashboardSnapshot {
    return this.model.snapshot(this.mode, this.timeline?.view() ?? null)
  }

  subscribe(client: HubClient): () => void {
    client({ event: 'snapshot', data: this.snapshot() })
    this.clients.add(client)
    return () => this.clients.delete(client)
  }

  /** Plays what fell due and sends what changed; called every interval, and at once after a timeline command. */
  tick(): void {
    const now = performance.now()
    const elapsed = now - this.lastTick
    this.lastTick = now
    let replay: ReplayView | null = null
    if (this.timeline) {
      const playing = this.timeline.isPlaying
      for (const i of this.timeline.advance(elapsed)) this.model.apply(i)
      if (playing || this.replayChanged) replay = this.timeline.view()
      this.replayChanged = false
    }
    const batch = this.model.takeBatch(replay)
    if (!batch) return
    this.batchesSent++
    for (const c of this.clients) c({ event: 'batch', data: batch })
  }

  control(command: ReplayCommand): ReplayView {
    const t = this.timeline
    if (!t) throw new NotReplayingError()
    switch (command.action) {
      case 'play':
        if (t.atEnd) this.rebuild(t.start)
        t.play()
        break
      case 'pause':
        t.pause()
        break
      case 'speed':
        t.setSpeed(command.speed)
        break
      case 'seek':
        this.rebuild(command.position)
        break
    }
    this.replayChanged = true
    this.tick()
    return t.view()
  }

  private rebuild(position: number): void {
    this.model = new DashboardModel(this.options)
    for (const i of this.timeline!.seek(position)) this.model.apply(i)
    // what a rebuild produced is the new picture, not a change to animate
    this.model.takeBatch()
    const snapshot = this.snapshot()
    for (const c of this.clients) c({ event: 'snapshot', data: snapshot })
  }
}
