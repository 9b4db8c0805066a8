/** What SimLN's random activity weighs nodes by: the capacity of each one's channels, as the node itself lists them. */
import type { NetworkView } from '../network/networkView.js'
import type { RandomActivityNode } from '../activity/randomModel.js'

/** Channels that can carry payments now count, as LND's listchannels does for SimLN (closing ones do not). */
const COUNTED_STATES = new Set(['NORMAL', 'OFFLINE', 'SYNCING'])

export async function channelCapacities(net: NetworkView, names: readonly string[]): Promise<RandomActivityNode[]> {
  return Promise.all(
    names.map(async (name) => {
      const channels = await net.node(name).client.channels()
      const capacitySat = channels.filter((c) => COUNTED_STATES.has(c.state)).reduce((s, c) => s + c.capacitySat, 0n)
      return { name, channelCapacityMsat: capacitySat * 1000n }
    }),
  )
}
