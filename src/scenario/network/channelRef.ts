/** A channel the network opened, under the name the scenario gives it. */
export interface ChannelRef {
  name: string
  from: string
  to: string
  capacitySat: bigint
  channelId: string
  /** opened unannounced: in no gossip graph, so nobody waits to hear of it */
  private?: boolean
  /** known once the funding transaction is confirmed */
  shortChannelId?: string
}
