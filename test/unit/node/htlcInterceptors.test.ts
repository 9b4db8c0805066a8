/**
 * The interceptor hub: the first answer decides, an unanswered HTLC gets the default at its deadline, the last
 * interceptor's disconnect gives every held HTLC the default at once, and `hold` moves the deadline.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  HtlcInterceptors,
  MAX_INTERCEPT_HOLD_MS,
  type DecidedBy,
  type InterceptDecision,
} from '../../../src/node/payments/switch/htlcInterceptors.js'
import { NodeError } from '../../../src/node/errors.js'
import { createLogger } from '../../../src/node/logger.js'

const log = createLogger({ level: 'error', console: false, name: 'test' })
const TCF = 0x1007

function hub(defaultAction: 'resume' | 'fail' = 'resume') {
  return new HtlcInterceptors<{ id: string }>({ timeoutMs: 1000, defaultAction, defaultFailureCode: TCF }, log)
}

describe('HTLC interceptors', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('offers each HTLC to every interceptor, and the first answer decides it once', () => {
    const h = hub()
    const a: string[] = []
    const b: string[] = []
    h.subscribe((x) => a.push(x.id))
    h.subscribe((x) => b.push(x.id))
    const decisions: Array<[InterceptDecision, DecidedBy]> = []
    h.offer({ id: 'c:1' }, (d, by) => decisions.push([d, by]))
    expect(a).toEqual(['c:1'])
    expect(b).toEqual(['c:1'])
    h.answer('c:1', { action: 'fail', failureCode: 0x2002 })
    expect(decisions).toEqual([[{ action: 'fail', failureCode: 0x2002 }, 'interceptor']])
    expect(() => h.answer('c:1', { action: 'resume' })).toThrow(NodeError)
    vi.advanceTimersByTime(5000)
    expect(decisions).toHaveLength(1)
  })

  it('applies the default at the timeout: resume, or fail with temporary_channel_failure', () => {
    for (const [action, expected] of [
      ['resume', { action: 'resume' }],
      ['fail', { action: 'fail', failureCode: TCF }],
    ] as const) {
      const h = hub(action)
      h.subscribe(() => {})
      const decisions: Array<[InterceptDecision, DecidedBy]> = []
      h.offer({ id: 'c:1' }, (d, by) => decisions.push([d, by]))
      vi.advanceTimersByTime(999)
      expect(decisions).toEqual([])
      vi.advanceTimersByTime(1)
      expect(decisions).toEqual([[expected, 'timeout']])
    }
  })

  it('gives every held HTLC the default when the last interceptor disconnects, not before', () => {
    const h = hub('fail')
    const first = h.subscribe(() => {})
    const second = h.subscribe(() => {})
    const decided: DecidedBy[] = []
    h.offer({ id: 'c:1' }, (_d, by) => decided.push(by))
    h.offer({ id: 'c:2' }, (_d, by) => decided.push(by))
    first()
    expect(decided).toEqual([])
    second()
    expect(decided).toEqual(['disconnect', 'disconnect'])
    expect(h.heldCount).toBe(0)
    expect(h.active).toBe(false)
  })

  it('shows a new interceptor the HTLCs held already', () => {
    const h = hub()
    h.offer({ id: 'c:1' }, () => {})
    const seen: string[] = []
    h.subscribe((x) => seen.push(x.id))
    expect(seen).toEqual(['c:1'])
  })

  it('moves the deadline on hold, within the limit', () => {
    const h = hub()
    h.subscribe(() => {})
    const decided: DecidedBy[] = []
    h.offer({ id: 'c:1' }, (_d, by) => decided.push(by))
    expect(() => h.answer('c:1', { action: 'hold', holdMs: MAX_INTERCEPT_HOLD_MS + 1 })).toThrow(/holdMs/)
    h.answer('c:1', { action: 'hold', holdMs: 5000 })
    vi.advanceTimersByTime(4999)
    expect(decided).toEqual([])
    vi.advanceTimersByTime(1)
    expect(decided).toEqual(['timeout'])
  })

  it('fails what is about to expire, whatever was answered', () => {
    const h = hub('resume')
    const decisions: InterceptDecision[] = []
    h.offer({ id: 'c:1' }, (d) => decisions.push(d))
    h.offer({ id: 'c:2' }, (d) => decisions.push(d))
    h.answer('c:1', { action: 'hold', holdMs: 60_000 })
    h.expire((x) => x.id === 'c:1')
    expect(decisions).toEqual([{ action: 'fail', failureCode: TCF }])
  })
})
