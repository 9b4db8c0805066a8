/**
 * The book of what this node charges to forward over each of its channels
 * (routing's ForwardingPolicy): the node's default, with per-channel changes on
 * top, each announced with a new channel_update.
 */
import type { ForwardingPolicy } from '../../../routing/forwardingPolicy.js'
import type { KvLog } from '../../store/durableStore.js'

export type { ForwardingPolicy }

export interface PolicyBookComponents {
  stores: { policies: KvLog<Partial<ForwardingPolicy>> }
  channels: { require(channel: string): unknown }
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

  /** Changes a channel's policy, on disk before it is announced. */
  async set(channel: string, change: Partial<ForwardingPolicy>): Promise<ForwardingPolicy> {
    this.c.channels.require(channel)
    this.c.stores.policies.set(channel, { ...(this.c.stores.policies.get(channel) ?? {}), ...change })
    await this.c.stores.policies.flush()
    this.c.gossip.publishUpdate(channel)
    return this.of(channel)
  }
}
