/**
 * The node's state log and the keyed records it holds: one file (`state.log`),
 * one kind of record per service, all written by the same flush; and beside it
 * the gossip graph, which the node can relearn, in a file replaced whole.
 */
import { join } from 'node:path'
import type { PendingBroadcast } from '../chain/broadcaster.js'
import type { WatchState } from '../chain/chainWatcher.js'
import { isLastingChannelPart, type ChannelRecord } from '../channels/channelManager.js'
import type { PaymentRecord } from '../payments/outbound/paymentRecord.js'
import type { InvoiceRecord } from '../payments/receive/invoiceRegistry.js'
import type { ForwardingPolicy } from '../payments/switch/forwardingPolicy.js'
import type { HtlcRecord } from '../payments/switch/htlcRecord.js'
import type { PeerRecord } from '../transport/peerManager.js'
import type { CheatState } from '../testing/cheatRecorder.js'
import type { WalletState } from '../wallet/wallet.js'
import { restrictToOwner } from '../../core/privateFile.js'
import { DurableStore, type KvLog } from './durableStore.js'
import { ReplacedJsonFile } from './replacedJsonFile.js'

export interface NodeStores {
  channels: KvLog<ChannelRecord>
  revocations: KvLog<{ channel: string; index: bigint }>
  wallet: KvLog<WalletState>
  watch: KvLog<WatchState>
  broadcasts: KvLog<PendingBroadcast>
  peers: KvLog<PeerRecord>
  invoices: KvLog<InvoiceRecord | number>
  payments: KvLog<PaymentRecord>
  htlcs: KvLog<HtlcRecord>
  preimages: KvLog<Uint8Array>
  meta: KvLog<number>
  testing: KvLog<CheatState>
  gossip: KvLog<unknown>
  /** the gossip graph and its channels' funding outpoints, saved whole (gossip-graph.json) */
  gossipGraph: ReplacedJsonFile
  policies: KvLog<Partial<ForwardingPolicy>>
  /** onions seen (their tags), until their HTLC's CLTV expiry, to refuse replays across restarts */
  replays: KvLog<number>
  /** what failed payments taught pathfinding: when each channel direction or node failed */
  missionControl: KvLog<number>
}

/** The gossip graph as last saved: public, and relearned from peers when missing. */
export const GOSSIP_GRAPH_FILE = 'gossip-graph.json'

/** The node's state: channel secrets, preimages, the peers' revealed secrets. Private, like the key. */
export const NODE_STATE_FILE = 'state.log'

export async function openStores(dir: string, fsync: boolean): Promise<{ durable: DurableStore; stores: NodeStores }> {
  restrictToOwner(join(dir, NODE_STATE_FILE))
  const durable = await DurableStore.open(join(dir, NODE_STATE_FILE), { fsync })
  const stores: NodeStores = {
    channels: durable.kv('channel', { internable: isLastingChannelPart }),
    revocations: durable.kv('revoked'),
    wallet: durable.kv('wallet'),
    watch: durable.kv('watch'),
    broadcasts: durable.kv('broadcast'),
    peers: durable.kv('peer'),
    invoices: durable.kv('invoice'),
    payments: durable.kv('payment'),
    htlcs: durable.kv('htlc', { keepValues: true }),
    preimages: durable.kv('preimage'),
    meta: durable.kv('meta'),
    testing: durable.kv('testing'),
    gossip: durable.kv('gossip'),
    gossipGraph: new ReplacedJsonFile(join(dir, GOSSIP_GRAPH_FILE)),
    policies: durable.kv('policy'),
    replays: durable.kv('replay'),
    missionControl: durable.kv('mission'),
  }
  return { durable, stores }
}
