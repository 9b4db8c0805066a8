/**
 * A whole network's gossip, signed as its nodes would sign it: for `channels` channels between random pairs of
 * `nodes` nodes, each channel_announcement and both channel_updates, then a node_announcement for every node with a
 * channel, encoded as they travel; and the funding outputs the chain's blocks carry, so a gossip service can check
 * the announcements without a chain.
 */
import { fundingCondition } from '../../../src/channel/scripts.js'
import { formatCondition } from '../../../src/chain/condition.js'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import {
  createAnnouncementSignatures,
  createChannelAnnouncement,
} from '../../../src/routing/gossip/channelAnnouncement.js'
import { createNodeAnnouncement } from '../../../src/routing/gossip/nodeAnnouncement.js'
import { encodeMessage } from '../../../src/wire/codec.js'
import { announcementContext, CHAIN_HASH, testNode, update } from '../../../test/unit/routing/helpers.js'

/** Channels per block, as a busy funding block of a big bring-up holds them. */
const CHANNELS_PER_BLOCK = 200

export interface SignedGraph {
  chainHash: Uint8Array
  /** every message once, announcements before the updates that need them */
  frames: Uint8Array[]
  /** the funding outputs of each block, as a node's watch stream gives them */
  blocks: Array<{
    height: number
    created: Array<{ txIndex: number; vout: number; txid: string; valueSat: bigint; condition: string }>
  }>
  /** signatures a node checks to take in the whole graph (BOLT #7: four an announcement, one an update) */
  signatures: number
}

export function signedGraph(nodes: number, channels: number, seed = 7): SignedGraph {
  let state = seed
  const random = (n: number): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff
    return state % n
  }
  const keys = Array.from({ length: nodes }, (_, i) => testNode(`graph node ${i}`))
  const timestamp = Math.floor(Date.now() / 1000)
  const frames: Uint8Array[] = []
  const blocks = new Map<number, SignedGraph['blocks'][number]['created']>()
  const withChannel = new Set<number>()
  for (let j = 0; j < channels; j++) {
    const a = random(nodes)
    const b = (a + 1 + random(nodes - 1)) % nodes
    withChannel.add(a).add(b)
    const height = 101 + Math.floor(j / CHANNELS_PER_BLOCK)
    const txIndex = (j % CHANNELS_PER_BLOCK) + 1
    const scid = shortChannelId(height, txIndex, 0)
    const [A, B] = [keys[a]!, keys[b]!]
    blocks.set(height, [
      ...(blocks.get(height) ?? []),
      {
        txIndex,
        vout: 0,
        txid: j.toString(16).padStart(64, '0'),
        valueSat: 1_000_000n,
        condition: formatCondition(fundingCondition(A.fundingPubkey, B.fundingPubkey)),
      },
    ])
    const theirs = createAnnouncementSignatures(announcementContext(B, A, scid), new Uint8Array(32))
    frames.push(encodeMessage(createChannelAnnouncement(announcementContext(A, B, scid), theirs)))
    frames.push(encodeMessage(update(A, B, scid, {}, timestamp)), encodeMessage(update(B, A, scid, {}, timestamp)))
  }
  for (const i of withChannel) {
    const announcement = createNodeAnnouncement({
      nodeKey: keys[i]!.nodeKey,
      alias: `node ${i}`,
      color: '#3399ff',
      addresses: ['/ip4/127.0.0.1/tcp/9735'],
      timestamp,
    })
    frames.push(encodeMessage(announcement))
  }
  return {
    chainHash: CHAIN_HASH,
    frames,
    blocks: [...blocks].map(([height, created]) => ({ height, created })),
    signatures: channels * 4 + channels * 2 + withChannel.size,
  }
}
