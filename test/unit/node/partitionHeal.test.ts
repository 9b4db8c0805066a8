/**
 * Healing a partition (--testing) redials at once. While a peer is cut off,
 * every redial attempt finds it cut off and backs off, up to 30 s; before the
 * heal cleared that backoff, a channel cut off for a minute could stay offline
 * for half a minute more after the heal.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Libp2p } from 'libp2p'
import type { Logger } from '../../../src/node/logger.js'
import { PeerManager } from '../../../src/node/transport/peerManager.js'
import { peerRecords } from './peerRecordsFixture.js'
import { DEFAULT_NODE_LIMITS } from '../../../src/api/node/limits.js'
import { PeerLogLimiter } from '../../../src/node/peerLogLimiter.js'
import { FaultInjector } from '../../../src/node/testing/faults.js'

const US = '02' + '11'.repeat(32)
const PEER = '03' + '22'.repeat(32)

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => quiet,
  close: async () => {},
}

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('healing a partition', () => {
  it('redials a channel peer at once, however long the redial had backed off', async () => {
    vi.useFakeTimers()
    // no jitter: the backoff is 200, 400, 800 ms … up to 30 s
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const dials: number[] = []
    const host = {
      handle: async () => {},
      dialProtocol: async () => {
        dials.push(Date.now())
        throw new Error('the test host dials nowhere')
      },
    } as unknown as Libp2p
    const store = peerRecords(PEER, `${PEER}@/ip4/127.0.0.1/tcp/9735`)
    const faults = new FaultInjector('heal')
    const peers = new PeerManager(
      host,
      US,
      { type: 'init', features: new Uint8Array(0), networks: [] },
      store,
      {
        onConnected: () => {},
        onDisconnected: () => {},
        onMessage: () => {},
        onInvalidChannelMessage: () => {},
        wantsReconnect: () => true,
        addressOf: () => undefined,
      },
      quiet,
      { limits: DEFAULT_NODE_LIMITS, peerLog: new PeerLogLimiter(quiet, 10) },
      faults,
    )

    peers.partition([PEER])
    await peers.start()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(dials).toEqual([])

    const healedAt = Date.now()
    peers.heal()
    await vi.advanceTimersByTimeAsync(200)
    expect(dials.length).toBeGreaterThan(0)
    expect(dials[0]! - healedAt).toBeLessThanOrEqual(200)
    await peers.stop()
  })
})
