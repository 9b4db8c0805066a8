/**
 * HTLC interception (in the spirit of LND's HTLC interceptor and SimLN's interceptors): while at least one interceptor
 * is connected, every HTLC this node is asked to forward or receive is held and offered to all of them, and the first
 * answer decides it: resume (go on as without an interceptor), fail (any BOLT #4 failure code), settle (with the
 * preimage), or hold (for a while longer, then the default). An HTLC no one answers in time, and every HTLC still held
 * when the last interceptor disconnects, gets the node's default (resume unless configured to fail), so an interceptor
 * can never strand one. Held HTLCs are recorded in the state log (htlcRecord.ts `held`): after a restart they are
 * offered again with a fresh timeout.
 */
import type { Logger } from '../../logger.js'
import { NodeError } from '../../errors.js'

/** How long a held HTLC waits for an answer before the default applies. */
export const DEFAULT_INTERCEPT_TIMEOUT_MS = 30_000
/** The longest one `hold` answer may keep an HTLC (it can be renewed; blocks still fail it before it expires). */
export const MAX_INTERCEPT_HOLD_MS = 10 * 60_000
/** What an unanswered HTLC gets: LND resumes the HTLCs of an interceptor that went away. */
export const DEFAULT_INTERCEPT_ACTION: InterceptDefault = 'resume'

export type InterceptDefault = 'resume' | 'fail'

/** A final decision on a held HTLC. */
export type InterceptDecision =
  { action: 'resume' } | { action: 'fail'; failureCode: number } | { action: 'settle'; preimage: Uint8Array }

/** What an interceptor may answer: a decision, or to hold the HTLC a while longer. */
export type InterceptAnswer = InterceptDecision | { action: 'hold'; holdMs: number }

/** Why a decision was taken, for the node's events. */
export type DecidedBy = 'interceptor' | 'timeout' | 'disconnect' | 'expiry'

export interface InterceptorSettings {
  timeoutMs: number
  defaultAction: InterceptDefault
  /** the failure a default of `fail` sends */
  defaultFailureCode: number
}

interface Held<I> {
  info: I
  timer: NodeJS.Timeout
  deadline: number
  decide(d: InterceptDecision, by: DecidedBy): void
}

export class HtlcInterceptors<I extends { id: string }> {
  private readonly sessions = new Set<(info: I & { deadline: string }) => void>()
  private readonly held = new Map<string, Held<I>>()

  constructor(
    private readonly settings: InterceptorSettings,
    private readonly log: Logger,
  ) {}

  get active(): boolean {
    return this.sessions.size > 0
  }

  get heldCount(): number {
    return this.held.size
  }

  /** A new interceptor: it is shown every HTLC held now, then each new one. Returns its disconnect. */
  subscribe(send: (info: I & { deadline: string }) => void): () => void {
    this.sessions.add(send)
    for (const h of this.held.values()) send(withDeadline(h))
    return () => {
      if (!this.sessions.delete(send)) return
      if (this.sessions.size > 0) return
      // nobody is left to answer: the default, now, rather than at each timeout
      for (const [id, h] of [...this.held]) this.finish(id, h, this.defaultDecision(), 'disconnect')
    }
  }

  /** Holds an HTLC until an answer, the timeout or the last interceptor's disconnect; `decide` is called once. */
  offer(info: I, decide: (d: InterceptDecision, by: DecidedBy) => void): void {
    const deadline = Date.now() + this.settings.timeoutMs
    const h: Held<I> = { info, deadline, decide, timer: this.timer(info.id, this.settings.timeoutMs) }
    this.held.set(info.id, h)
    for (const send of this.sessions) send(withDeadline(h))
  }

  /** An interceptor's answer; refused (UNKNOWN_INTERCEPTED_HTLC) for an HTLC that is not held (any more). */
  answer(id: string, answer: InterceptAnswer): { id: string; action: InterceptAnswer['action']; deadline?: string } {
    const h = this.held.get(id)
    if (!h)
      throw new NodeError(
        'UNKNOWN_INTERCEPTED_HTLC',
        `no HTLC ${id} is held: it was decided already (an answer, the timeout or a disconnect) or never held`,
        { id },
      )
    if (answer.action === 'hold') {
      if (!Number.isInteger(answer.holdMs) || answer.holdMs < 1 || answer.holdMs > MAX_INTERCEPT_HOLD_MS)
        throw new NodeError(
          'INVALID_INTERCEPT_DECISION',
          `holdMs must be a whole number of ms from 1 to ${MAX_INTERCEPT_HOLD_MS}`,
          { id },
        )
      clearTimeout(h.timer)
      h.deadline = Date.now() + answer.holdMs
      h.timer = this.timer(id, answer.holdMs)
      return { id, action: 'hold', deadline: new Date(h.deadline).toISOString() }
    }
    this.finish(id, h, answer, 'interceptor')
    return { id, action: answer.action }
  }

  /** Fails whatever `mustGo` picks now (an HTLC too close to its expiry to wait any longer). */
  expire(mustGo: (info: I) => boolean): void {
    for (const [id, h] of [...this.held])
      if (mustGo(h.info))
        this.finish(id, h, { action: 'fail', failureCode: this.settings.defaultFailureCode }, 'expiry')
  }

  stop(): void {
    for (const h of this.held.values()) clearTimeout(h.timer)
    this.held.clear()
    this.sessions.clear()
  }

  private timer(id: string, ms: number): NodeJS.Timeout {
    const t = setTimeout(() => {
      const h = this.held.get(id)
      if (h) this.finish(id, h, this.defaultDecision(), 'timeout')
    }, ms)
    t.unref()
    return t
  }

  private defaultDecision(): InterceptDecision {
    return this.settings.defaultAction === 'resume'
      ? { action: 'resume' }
      : { action: 'fail', failureCode: this.settings.defaultFailureCode }
  }

  private finish(id: string, h: Held<I>, d: InterceptDecision, by: DecidedBy): void {
    clearTimeout(h.timer)
    this.held.delete(id)
    try {
      h.decide(d, by)
    } catch (err) {
      this.log.error('carrying out an interception decision failed', { id, error: (err as Error).message })
    }
  }
}

function withDeadline<I>(h: Held<I>): I & { deadline: string } {
  return { ...h.info, deadline: new Date(h.deadline).toISOString() }
}
