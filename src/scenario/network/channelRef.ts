/** A channel the network opened, under the name the scenario gives it. */
export interface ChannelRef {
  name: string
  from: string
  to: string
  capacitySat: bigint
  channelId: string
  /** known once the funding transaction is confirmed */
  shortChannelId?: string
}
