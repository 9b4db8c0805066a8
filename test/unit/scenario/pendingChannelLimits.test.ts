/**
 * Bring-up opens every channel before mining: a node that a topology opens more
 * channels to than its default pending limits allow is started with higher ones.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_NODE_LIMITS } from '../../../src/api/node/limits.js'
import { pendingChannelFlags } from '../../../src/scenario/network/pendingChannelLimits.js'

describe('pendingChannelFlags', () => {
  it('adds nothing while the defaults hold the channels opened to a node', () => {
    const channels = [
      { from: 'alice', to: 'hub' },
      { from: 'bob', to: 'hub' },
      { from: 'hub', to: 'carol' },
    ]
    expect(pendingChannelFlags('hub', channels)).toEqual([])
    expect(pendingChannelFlags('alice', channels)).toEqual([])
  })

  it('raises the per-peer limit for parallel channels past it, and the total for a hub past it', () => {
    const parallel = Array.from({ length: DEFAULT_NODE_LIMITS.maxPendingChannelsPerPeer + 2 }, () => ({
      from: 'alice',
      to: 'bob',
    }))
    expect(pendingChannelFlags('bob', parallel)).toEqual([
      '--max-pending-channels-per-peer',
      String(DEFAULT_NODE_LIMITS.maxPendingChannelsPerPeer + 2),
    ])
    const spokes = Array.from({ length: DEFAULT_NODE_LIMITS.maxPendingChannels + 20 }, (_, i) => ({
      from: `n${i}`,
      to: 'hub',
    }))
    expect(pendingChannelFlags('hub', spokes)).toEqual([
      '--max-pending-channels',
      String(DEFAULT_NODE_LIMITS.maxPendingChannels + 20),
    ])
  })
})
