import type { PeerRecord } from '../../../src/node/transport/peerManager.js'
import type { KvLog } from '../../../src/node/store/durableStore.js'

/** A PeerManager's peer store in memory, holding one peer we once dialled at `address` (NODEID@MULTIADDR). */
export function peerRecords(nodeId: string, address: string): KvLog<PeerRecord> {
  const records = new Map<string, PeerRecord>([[nodeId, { address }]])
  return {
    get: (k: string) => records.get(k),
    set: (k: string, v: PeerRecord) => records.set(k, v),
    has: (k: string) => records.has(k),
    keys: () => [...records.keys()],
    flush: async () => {},
  } as unknown as KvLog<PeerRecord>
}
