/**
 * A gossip service as the gossip unit tests build it: in-memory storage, no chain, fixed forwarding policies,
 * and, with `knowingAliceAndBob`, the block holding alice and bob's funding output (101x1x0) as the chain sends it.
 */
import { fromHex } from '../../../src/core/bytes.js'
import { SeedSigner } from '../../../src/channel/signer.js'
import { fundingCondition } from '../../../src/channel/scripts.js'
import { formatCondition } from '../../../src/chain/condition.js'
import type { ChainAccess } from '../../../src/node/chain/chainAccess.js'
import { DEFAULT_NODE_LIMITS } from '../../../src/api/node/limits.js'
import { createLogger } from '../../../src/node/logger.js'
import { PeerLogLimiter } from '../../../src/node/peerLogLimiter.js'
import { GossipService } from '../../../src/node/gossip/gossipService.js'
import { DEFAULT_GOSSIP_SETTINGS } from '../../../src/node/gossip/gossipSettings.js'
import { CHAIN_HASH, testNode } from '../routing/helpers.js'

export type GossipComponents = ConstructorParameters<typeof GossipService>[0]

/** What a node keeps across a restart, in memory: its state log's gossip records and its graph file. */
export function memoryStorage(): Pick<GossipComponents, 'kv' | 'graphFile'> & {
  values: Map<string, unknown>
  graph: { saved: unknown }
} {
  const values = new Map<string, unknown>()
  const graph = { saved: undefined as unknown }
  return {
    values,
    graph,
    kv: {
      get: (k: string) => values.get(k),
      set: (k: string, v: unknown) => void values.set(k, v),
      has: (k: string) => values.has(k),
      delete: (k: string) => void values.delete(k),
    } as never,
    graphFile: { read: () => graph.saved, write: (v: unknown) => void (graph.saved = structuredClone(v)) },
  }
}

/** The gossip service of node `name`; `deps` overrides any part (peers, settings, kv, …). */
export function testGossipService(name: string, deps: Partial<GossipComponents> = {}): GossipService {
  const { kv, graphFile } = memoryStorage()
  const me = testNode(name)
  const log = createLogger({ level: 'error', console: false, name })
  return new GossipService({
    log,
    nodeSecret: me.nodeKey,
    signer: new SeedSigner({ derive: fromHex }),
    nodeId: me.nodeId,
    alias: name,
    chainHash: CHAIN_HASH,
    chain: {} as ChainAccess,
    kv,
    graphFile,
    tip: { height: 110 },
    transport: { listenAddresses: () => [] },
    peers: { connectedPeers: () => [], send: () => {}, sendStored: () => {}, isConnected: () => true },
    channels: { get: () => undefined, list: () => [] },
    policies: {
      of: () => ({ feeBaseMsat: 1000n, feeProportionalMillionths: 1n, cltvExpiryDelta: 40, htlcMinimumMsat: 1n }),
    },
    limits: DEFAULT_NODE_LIMITS,
    settings: DEFAULT_GOSSIP_SETTINGS,
    peerLog: new PeerLogLimiter(log, 10),
    ...deps,
  })
}

/** Tells the service of alice and bob's funding output, so their channel's announcement checks out. */
export function knowingAliceAndBob(g: GossipService): GossipService {
  const alice = testNode('alice')
  const bob = testNode('bob')
  g.fundingIndex.onBlock(101, {
    created: [
      {
        txIndex: 1,
        vout: 0,
        txid: '11'.repeat(32),
        valueSat: 1_000_000n,
        condition: formatCondition(fundingCondition(alice.fundingPubkey, bob.fundingPubkey)),
      },
    ],
    spent: [],
  })
  return g
}
