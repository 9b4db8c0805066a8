/**
 * Link latency (--testing) must delay messages, never reorder them: a peer
 * that receives a commitment_signed before the update it signs fails the
 * channel. Found by scenarios/latency.yaml, whose uniform delays (and the
 * delay removed while messages were still held) let per-message timers due in
 * the same millisecond fire out of order.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FaultInjector } from '../../../src/node/testing/faults.js'
import { LinkQueue } from '../../../src/node/testing/linkQueue.js'
import type { Message } from '../../../src/wire/messages.js'

const PEER = '02' + '11'.repeat(32)
const update: Message = { type: 'update_fee', channelId: new Uint8Array(32), feeratePerKw: 253 }

afterEach(() => {
  vi.useRealTimers()
})

describe('a link queue', () => {
  it('lets messages go in the order they were queued, each no earlier than due', async () => {
    vi.useFakeTimers()
    const got: string[] = []
    const q = new LinkQueue()
    const t0 = Date.now()
    q.push(t0 + 30, () => got.push('a'))
    q.push(t0 + 10, () => got.push('b'))
    await vi.advanceTimersByTimeAsync(20)
    expect(got).toEqual([])
    await vi.advanceTimersByTimeAsync(10)
    expect(got).toEqual(['a', 'b'])
    expect(q.idle).toBe(true)
  })

  it('sends a message that is due at once when nothing waits before it; drops what it held when closed', async () => {
    vi.useFakeTimers()
    const got: string[] = []
    const q = new LinkQueue()
    q.push(Date.now(), () => got.push('now'))
    expect(got).toEqual(['now'])
    q.push(Date.now() + 50, () => got.push('later'))
    q.close()
    q.push(Date.now(), () => got.push('after close'))
    await vi.advanceTimersByTimeAsync(100)
    expect(got).toEqual(['now'])
  })

  it('with a fault injector drawing uniform delays, then none, keeps 300 messages in order (real timers)', async () => {
    const faults = new FaultInjector('order')
    const q = new LinkQueue()
    const got: number[] = []
    const send = (i: number): void => {
      const d = faults.onSend(PEER, update, Date.now())
      q.push(Date.now() + d.delayMs, () => got.push(i))
    }
    faults.setLinks([{ delay: { kind: 'uniform', minMs: 0, maxMs: 6 } }], 'order')
    for (let i = 0; i < 200; i++) {
      send(i)
      if (i % 7 === 0) await new Promise((r) => setTimeout(r, 1))
    }
    // the delay removed while messages are still held back: the next ones queue behind them
    faults.setLinks([])
    for (let i = 200; i < 300; i++) send(i)
    await vi.waitFor(() => expect(got.length).toBe(300), { timeout: 5000 })
    expect(got).toEqual(Array.from({ length: 300 }, (_, i) => i))
  })
})
