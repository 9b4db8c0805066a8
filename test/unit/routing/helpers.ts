/**
 * A small network for the routing tests: named nodes with deterministic keys,
 * a mock chain of funding outputs, and channels announced and updated the way
 * two lnsim nodes do it.
 */
import type { Sat } from '../../../src/core/amount.js'
import { toHex, utf8 } from '../../../src/core/bytes.js'
import type { ShortChannelId } from '../../../src/core/shortChannelId.js'
import type { Condition } from '../../../src/chain/condition.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { publicKeyOf } from '../../../src/crypto/secp256k1.js'
import { fundingCondition } from '../../../src/channel/scripts.js'
import type { ChannelAnnouncement, ChannelUpdate } from '../../../src/wire/messages.js'
import {
  createAnnouncementSignatures,
  createChannelAnnouncement,
  type ChannelAnnouncementContext,
  type FundingOutputLookup,
} from '../../../src/routing/gossip/channelAnnouncement.js'
import { createChannelUpdate, type AnnouncedPolicy } from '../../../src/routing/gossip/channelUpdate.js'
import type { GraphEdge } from '../../../src/routing/graph.js'

export const CHAIN_HASH = sha256(utf8('lnsim routing tests'))
/** 2023-11-14T22:13:20Z, in ms: gossip timestamps are seconds of this clock */
export const NOW = 1_700_000_000_000
export const NOW_S = NOW / 1000

export interface TestNode {
  name: string
  nodeKey: Uint8Array
  fundingKey: Uint8Array
  nodeId: Uint8Array
  fundingPubkey: Uint8Array
  hex: string
}

export function testNode(name: string): TestNode {
  const nodeKey = sha256(utf8(`${name} node key`))
  const fundingKey = sha256(utf8(`${name} funding key`))
  const nodeId = publicKeyOf(nodeKey)
  return { name, nodeKey, fundingKey, nodeId, fundingPubkey: publicKeyOf(fundingKey), hex: toHex(nodeId) }
}

/** Funding outputs by short channel id, as the node's mock-chain lookup would find them. */
export class FakeChain {
  readonly outputs = new Map<ShortChannelId, { value: Sat; condition: Condition }>()
  lookups = 0

  fund(scid: ShortChannelId, a: TestNode, b: TestNode, value: Sat): void {
    this.outputs.set(scid, { value, condition: fundingCondition(a.fundingPubkey, b.fundingPubkey) })
  }

  readonly lookup: FundingOutputLookup = async (scid) => {
    this.lookups++
    return this.outputs.get(scid)
  }
}

export function announcementContext(
  local: TestNode,
  remote: TestNode,
  scid: ShortChannelId,
): ChannelAnnouncementContext {
  return {
    chainHash: CHAIN_HASH,
    shortChannelId: scid,
    nodeKey: local.nodeKey,
    fundingKey: local.fundingKey,
    remoteNodeId: remote.nodeId,
    remoteFundingPubkey: remote.fundingPubkey,
  }
}

/** What a and b exchange in announcement_signatures, assembled by a. */
export function announce(a: TestNode, b: TestNode, scid: ShortChannelId): ChannelAnnouncement {
  const fromB = createAnnouncementSignatures(announcementContext(b, a, scid), new Uint8Array(32))
  return createChannelAnnouncement(announcementContext(a, b, scid), fromB)
}

export const POLICY: AnnouncedPolicy = {
  cltvExpiryDelta: 40,
  htlcMinimumMsat: 1000n,
  htlcMaximumMsat: 500_000_000n,
  feeBaseMsat: 1000,
  feeProportionalMillionths: 100,
  disabled: false,
}

export function update(
  from: TestNode,
  to: TestNode,
  scid: ShortChannelId,
  policy: Partial<AnnouncedPolicy> = {},
  timestamp = NOW_S,
): ChannelUpdate {
  return createChannelUpdate({
    nodeKey: from.nodeKey,
    remoteNodeId: to.nodeId,
    chainHash: CHAIN_HASH,
    shortChannelId: scid,
    timestamp,
    ...POLICY,
    ...policy,
  })
}

/** A public edge for pathfinding tests that build the graph by hand. */
export function edge(
  from: TestNode,
  to: TestNode,
  scid: ShortChannelId,
  policy: {
    feeBaseMsat?: bigint
    feeProportionalMillionths?: bigint
    cltvExpiryDelta?: number
    htlcMinimumMsat?: bigint
    htlcMaximumMsat?: bigint
    disabled?: boolean
    capacityMsat?: bigint
  } = {},
): GraphEdge {
  return {
    shortChannelId: scid,
    from: from.hex,
    to: to.hex,
    feeBaseMsat: policy.feeBaseMsat ?? 1000n,
    feeProportionalMillionths: policy.feeProportionalMillionths ?? 100n,
    cltvExpiryDelta: policy.cltvExpiryDelta ?? 40,
    htlcMinimumMsat: policy.htlcMinimumMsat ?? 1n,
    htlcMaximumMsat: policy.htlcMaximumMsat ?? 1_000_000_000n,
    disabled: policy.disabled ?? false,
    capacityMsat: policy.capacityMsat ?? 1_000_000_000n,
    origin: 'gossip',
  }
}
