/** Counting the commitments a payment's channels signed, from their commitment numbers. */
import type { NodeClient } from '../../../src/api/node/client.js'

/** One end of a channel: the node's client and the channel's id. */
export interface ChannelEnd {
  client: NodeClient
  channelId: string
}

/** Commitments signed so far on the channels these are the ends of: each end's commitment number, summed. */
export async function commitmentsSigned(ends: readonly ChannelEnd[]): Promise<number> {
  let n = 0
  for (const e of ends)
    n += Number((await e.client.channels()).find((c) => c.channelId === e.channelId)!.commitmentNumber)
  return n
}
