/**
 * A peer's channel_update for its direction of a private channel of ours
 * (BOLT #7: sent to us alone, never announced): kept, checked as the store
 * checks any update, for the route hints of our invoices (BOLT #11 `r` fields).
 */
import { fromHex } from '../../core/bytes.js'
import { availableToReceiveMsat } from '../../channel/commitments.js'
import { commitmentsOf, type ChannelData } from '../../channel/states.js'
import { GossipError } from '../../routing/errors.js'
import { directionOf, verifyChannelUpdate } from '../../routing/gossip/channelUpdate.js'
import type { RouteHint } from '../../routing/routeHint.js'
import type { ShortChannelId } from '../../core/shortChannelId.js'
import type { ChannelUpdate } from '../../wire/messages.js'
import { shortChannelIdOf } from '../channels/channelViews.js'
import type { Logger } from '../logger.js'
import type { PeerLogLimiter } from '../peerLogLimiter.js'
import type { KvLog } from '../store/durableStore.js'
import { routeHintsFor, type PrivateChannel } from './routeHints.js'

/** The channel_update a peer sent us for its direction of a private channel of ours, by channel. */
const PEER_UPDATE_PREFIX = 'peer-update:'

export interface PrivateChannelUpdatesComponents {
  log: Logger
  peerLog: PeerLogLimiter
  nodeId: Uint8Array
  chainHash: Uint8Array
  kv: KvLog<unknown>
  channels: { list(): Array<{ key: string; record: { peer: string; data: ChannelData } }> }
  /** whether the gossip graph holds the channel: then it is announced, not ours to keep here */
  isAnnounced(scid: ShortChannelId): boolean
}

export class PrivateChannelUpdates {
  constructor(private readonly d: PrivateChannelUpdatesComponents) {}

  /** Keeps the update if it is a peer's for a private channel of ours; true when it was for one, taken or not. */
  note(peer: string, u: ChannelUpdate, frame: Uint8Array): boolean {
    // most updates are for announced channels: known to the store, so not private, and no channel list is walked
    if (this.d.isAnnounced(u.shortChannelId)) return false
    const ours = this.d.channels.list().find(({ record }) => {
      const c = commitmentsOf(record.data)
      return (
        record.peer === peer && c && (c.channelFlags & 1) === 0 && shortChannelIdOf(record.data) === u.shortChannelId
      )
    })
    if (!ours) return false
    const c = commitmentsOf(ours.record.data)!
    const peerId = fromHex(peer)
    const [nodeId1, nodeId2] =
      directionOf(peerId, this.d.nodeId) === 0 ? [peerId, this.d.nodeId] : [this.d.nodeId, peerId]
    const key = PEER_UPDATE_PREFIX + ours.key
    const known = this.d.kv.get(key) as ChannelUpdate | undefined
    try {
      // an update claiming our direction is checked against our key, and refused
      verifyChannelUpdate(u, { nodeId1, nodeId2, capacitySat: c.capacitySat }, this.d.chainHash, Date.now(), frame)
    } catch (err) {
      if (!(err instanceof GossipError)) throw err
      this.d.peerLog.line(this.d.log, 'info', peer, 'refused a private channel_update', {
        code: err.code,
        error: err.message,
      })
      return true
    }
    if (!known || u.timestamp > known.timestamp) this.d.kv.set(key, u)
    return true
  }

  /** The route hints for an invoice of ours: our private channels, with their peers' policies. */
  routeHints(amountMsat: bigint | null): RouteHint[] {
    const channels: PrivateChannel[] = []
    for (const { key, record } of this.d.channels.list()) {
      const c = commitmentsOf(record.data)
      const scid = shortChannelIdOf(record.data)
      if (!c || scid === undefined || (c.channelFlags & 1) !== 0 || record.data.state !== 'NORMAL') continue
      channels.push({
        peer: record.peer,
        shortChannelId: scid,
        inboundMsat: availableToReceiveMsat(c),
        peerUpdate: this.d.kv.get(PEER_UPDATE_PREFIX + key) as ChannelUpdate | undefined,
      })
    }
    return routeHintsFor(channels, amountMsat)
  }
}
