/**
 * The two limits a peer's flood meets before it costs the node: log lines about
 * one peer per window (the rest counted, then one summary line), and a token
 * bucket (a burst, then a steady rate).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Logger } from '../../../src/node/logger.js'
import { PeerLogLimiter } from '../../../src/node/peerLogLimiter.js'
import { TokenBucket } from '../../../src/node/transport/tokenBucket.js'

function recordingLogger(lines: Array<{ msg: string; fields?: Record<string, unknown> }>): Logger {
  const log = (msg: string, fields?: Record<string, unknown>): void =>
    void lines.push({ msg, ...(fields ? { fields } : {}) })
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger, close: async () => {} }
  return logger
}

describe('PeerLogLimiter', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it('writes the first lines of each window per peer, then one line saying how many were left out', async () => {
    const lines: Array<{ msg: string; fields?: Record<string, unknown> }> = []
    const log = recordingLogger(lines)
    const limiter = new PeerLogLimiter(log, 10, 60_000)
    const written = Array.from({ length: 5000 }, () =>
      limiter.line(log, 'warn', 'mallory', 'undecodable message from peer'),
    )
    limiter.line(log, 'warn', 'bob', 'peer error')
    expect(written.filter(Boolean)).toHaveLength(10)
    expect(lines.filter((l) => l.fields?.peer === 'mallory')).toHaveLength(10)
    expect(lines.filter((l) => l.fields?.peer === 'bob')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(lines.at(-1)).toEqual({
      msg: 'log lines about a peer left out',
      fields: { peer: 'mallory', suppressed: 4990, seconds: 60 },
    })
    // a new window: the peer has its lines again
    expect(limiter.line(log, 'warn', 'mallory', 'undecodable message from peer')).toBe(true)
    expect(lines.filter((l) => l.msg === 'log lines about a peer left out')).toHaveLength(1)
  })

  it('writes the pending summaries when the node stops', () => {
    const lines: Array<{ msg: string; fields?: Record<string, unknown> }> = []
    const log = recordingLogger(lines)
    const limiter = new PeerLogLimiter(log, 1)
    limiter.line(log, 'info', 'mallory', 'refused gossip')
    limiter.line(log, 'info', 'mallory', 'refused gossip')
    limiter.stop()
    expect(lines.map((l) => l.msg)).toEqual(['refused gossip', 'log lines about a peer left out'])
  })
})

describe('TokenBucket', () => {
  it('takes a burst at once, then refills at its rate up to its capacity', () => {
    const bucket = new TokenBucket(5, 2, 0)
    expect(Array.from({ length: 8 }, () => bucket.take(0)).filter(Boolean)).toHaveLength(5)
    expect(bucket.take(400)).toBe(false)
    expect(bucket.take(500)).toBe(true)
    expect(bucket.isFull(2000)).toBe(false)
    expect(bucket.isFull(3000)).toBe(true)
    expect(Array.from({ length: 8 }, () => bucket.take(100_000)).filter(Boolean)).toHaveLength(5)
  })
})
