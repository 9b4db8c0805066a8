/**
 * The book of what this node charges to forward over each of its channels
 * (routing's ForwardingPolicy): the node's default, with per-channel changes on
 * top, each announced with a new channel_update.
 */
import { commitmentsOf, type ChannelData } from '../../../channel/states.js'
import type { ForwardingPolicy } from '../../../routing/forwardingPolicy.js'
import { NodeError } from '../../errors.js'
import type { KvLog } from '../../store/durableStore.js'

export type { ForwardingPolicy }

export interface PolicyBookComponents {
  stores: { policies: KvLog<Partial<ForwardingPolicy>> }
  channels: { require(channel: string): { data: ChannelData } }
  /** announces a channel's new policy */
  gossip: { publishUpdate(channel: string): void }
}

export class PolicyBook {
  constructor(
    private readonly c: PolicyBookComponents,
    private readonly defaults: ForwardingPolicy,
  ) {}

  /** The node's policy, with whatever was set for this channel on top. */
  of(channel: string): ForwardingPolicy {
    return { ...this.defaults, ...(this.c.stores.policies.get(channel) ?? {}) }
  }

  /**
   * Changes a channel's policy, on disk before it is announced. Refuses
   * (INVALID_POLICY) an htlc_maximum_msat above the channel's capacity or below
   * its htlc_minimum_msat (BOLT #7), and a minimum above the maximum.
   */
  async set(channel: string, change: Partial<ForwardingPolicy>): Promise<ForwardingPolicy> {
    const record = this.c.channels.require(channel)
    const next = { ...this.of(channel), ...change }
    const capacityMsat = commitmentsOf(record.data)?.capacitySat
    const limit = capacityMsat === undefined ? undefined : capacityMsat * 1000n
    const bad = (why: string): NodeError => new NodeError('INVALID_POLICY', why, { channel })
    if (change.htlcMaximumMsat !== undefined) {
      if (change.htlcMaximumMsat < 1n) throw bad('htlcMaximumMsat must be at least 1 msat')
      if (limit !== undefined && change.htlcMaximumMsat > limit)
        throw bad(`htlcMaximumMsat ${change.htlcMaximumMsat} exceeds the channel's capacity of ${limit} msat`)
    }
    const largest = smaller(next.htlcMaximumMsat, limit)
    if ((change.htlcMinimumMsat !== undefined || change.htlcMaximumMsat !== undefined) && largest !== undefined)
      if (next.htlcMinimumMsat > largest)
        throw bad(
          `htlcMinimumMsat ${next.htlcMinimumMsat} exceeds the largest HTLC the channel forwards (${largest} msat)`,
        )
    this.c.stores.policies.set(channel, { ...(this.c.stores.policies.get(channel) ?? {}), ...change })
    await this.c.stores.policies.flush()
    this.c.gossip.publishUpdate(channel)
    return this.of(channel)
  }
}

/** The smaller of two limits, either of which may be unknown. */
function smaller(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return a < b ? a : b
}
