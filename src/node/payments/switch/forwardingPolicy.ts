/**
 * The book of what this node charges to forward over each of its channels
 * (routing's ForwardingPolicy): the node's default, with per-channel changes on
 * top, each announced with a new channel_update.
 */
import type { ForwardingPolicy } from '../../../routing/forwardingPolicy.js'
import type { KvLog } from '../../store/durableStore.js'
import type { ChannelData } from '../../../channel/states.js'
import { commitmentsOf } from '../../../channel/states.js'
import { NodeError } from '../../errors.js'

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
   * Changes a channel's policy, on disk before it is announced. A channel_update with htlc_maximum_msat above the
   * capacity, or below htlc_minimum_msat, is one every peer would refuse (BOLT #7): such a change is refused here.
   */
  async set(channel: string, change: Partial<ForwardingPolicy>): Promise<ForwardingPolicy> {
    const capacitySat = commitmentsOf(this.c.channels.require(channel).data)?.capacitySat
    const next = { ...(this.c.stores.policies.get(channel) ?? {}), ...change }
    const merged = { ...this.defaults, ...next }
    if (merged.htlcMaximumMsat !== undefined) {
      if (capacitySat !== undefined && merged.htlcMaximumMsat > capacitySat * 1000n)
        throw new NodeError(
          'INVALID_POLICY',
          `htlc maximum ${merged.htlcMaximumMsat} msat is above the channel's capacity of ${capacitySat * 1000n} msat`,
        )
      if (merged.htlcMaximumMsat < merged.htlcMinimumMsat)
        throw new NodeError(
          'INVALID_POLICY',
          `htlc maximum ${merged.htlcMaximumMsat} msat is below the htlc minimum of ${merged.htlcMinimumMsat} msat`,
        )
    }
    this.c.stores.policies.set(channel, next)
    await this.c.stores.policies.flush()
    this.c.gossip.publishUpdate(channel)
    return this.of(channel)
  }
}
