/**
 * What the helpers of a launched network read of it (conditions, the test-only
 * hooks, bring-up, the run's summary): its nodes and channels by scenario name,
 * the chain, its seed and its log. Network implements it; the helpers depend on
 * this and not on the class, so the class can use them without either reaching
 * back to the other.
 */
import type { ChainClient } from '../../api/chain/index.js'
import type { ChannelRef } from './channelRef.js'
import type { NetworkNode } from './networkNode.js'

export interface NetworkView {
  /** the scenario's seed: draws made for the network (link delays) derive from it */
  readonly seed: string
  readonly chain: ChainClient
  readonly nodes: readonly NetworkNode[]
  readonly channels: readonly ChannelRef[]
  /** the node of that name; a StepError (UNKNOWN_NODE) for any other */
  node(name: string): NetworkNode
  /** the channel of that name; a StepError (UNKNOWN_CHANNEL) for any other */
  channel(name: string): ChannelRef
  /** a line about what the runner is doing, for whoever watches */
  log(line: string): void
  /** every transaction a node told of (its `onchain` events), by txid: the label it gave it */
  transactionLabels(): ReadonlyMap<string, string>
}
