/**
 * The onion replay log in the node's state: an onion refused as a replay before
 * a restart is refused after it (BOLT #4: a node MUST refuse a packet it has
 * already forwarded or redeemed). Each onion's entry is written in the same
 * flush as the decision its HTLC caused, and lives until the HTLC's CLTV expiry.
 */
import { MAX_REPLAY_LOG_ENTRIES, MemoryReplayLog } from '../../../routing/onion/replayLog.js'
import type { KvLog } from '../../store/durableStore.js'

export { MAX_REPLAY_LOG_ENTRIES }

export class StoredReplayLog extends MemoryReplayLog {
  constructor(store: KvLog<number>, maxEntries = MAX_REPLAY_LOG_ENTRIES) {
    super(store, maxEntries)
  }
}
