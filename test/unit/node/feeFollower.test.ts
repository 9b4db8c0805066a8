import { describe, expect, it } from 'vitest'
import { FeeFollower } from '../../../src/node/channels/feeFollower.js'
import { createLogger } from '../../../src/node/logger.js'
import type { ChannelCommand } from '../../../src/channel/io.js'
import type { ChannelData } from '../../../src/channel/states.js'
import type { StepResult } from '../../../src/channel/result.js'
import { DEFAULT_FEE_LIMITS } from '../../../src/channel/constants.js'
import { openPair } from '../channel/harness.js'

/** A node with one channel in NORMAL: `funder` says which side of it this node is. */
function setUp(options: { funder: boolean; connected?: boolean; threshold?: number }) {
  const pair = openPair()
  const data: ChannelData = options.funder ? pair.alice.data : pair.bob.data
  let estimate = 253
  const sent: ChannelCommand[] = []
  const follower = new FeeFollower({
    channels: {
      setFeerateEstimate: (n: number) => void (estimate = n),
      get feerateEstimate() {
        return estimate
      },
      list: () => [{ key: 'c1', record: { peer: 'p', data, createdAt: 0 } }],
      get: (key: string) => (key === 'c1' ? { peer: 'p', data, createdAt: 0 } : undefined),
      command: (_key: string, command: ChannelCommand): StepResult => {
        sent.push(command)
        return { data, effects: [], reply: { ok: true } }
      },
    },
    peers: { isConnected: () => options.connected ?? true },
    log: createLogger({ level: 'error', console: false, name: 'test' }),
    limits: { ...DEFAULT_FEE_LIMITS, updateFeeMinChangePercent: options.threshold ?? 10 },
  })
  return { follower, sent }
}

describe("following the chain's fee-rate estimate", () => {
  it('the funder sends update_fee once the estimate moves more than the threshold (10%, as LND and Eclair)', () => {
    const { follower, sent } = setUp({ funder: true })
    follower.onEstimate(253)
    follower.onEstimate(278) // +9.9%
    expect(sent).toEqual([])
    follower.onEstimate(279) // +10.3%
    expect(sent).toEqual([{ type: 'update_fee', feeratePerKw: 279 }])
  })

  it('the threshold is the node’s to set', () => {
    const { follower, sent } = setUp({ funder: true, threshold: 50 })
    follower.onEstimate(350)
    expect(sent).toEqual([])
    follower.onEstimate(400)
    expect(sent).toEqual([{ type: 'update_fee', feeratePerKw: 400 }])
  })

  it('never from the side that does not fund the channel, nor to a peer that is away', () => {
    const fundee = setUp({ funder: false })
    fundee.follower.onEstimate(5_000)
    expect(fundee.sent).toEqual([])
    const offline = setUp({ funder: true, connected: false })
    offline.follower.onEstimate(5_000)
    expect(offline.sent).toEqual([])
  })
})
