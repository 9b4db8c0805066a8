/**
 * Where what happens to the node goes: a peer's messages and arrivals, the
 * chain's blocks, and a channel's events each reach the services that act on
 * them, and the node's event stream. The routing is all here, so a reader sees
 * in one place who hears of what.
 */
import { formatScid } from '../core/shortChannelId.js'
import type { OutPoint, Transaction } from '../chain/transaction.js'
import type { ChannelEvent } from '../channel/io.js'
import type { ChannelData } from '../channel/states.js'
import type { ReplayLog } from '../routing/onion/replayLog.js'
import type { Init, Message } from '../wire/messages.js'
import type { WireDecodeError } from '../wire/errors.js'
import type { Broadcaster } from './chain/broadcaster.js'
import type { WatcherEvents } from './chain/chainWatcher.js'
import type { WatchedBlock, WatchedTransaction } from './chain/chainAccess.js'
import type { ChannelEventSink, ChannelManager } from './channels/channelManager.js'
import type { FeeFollower } from './channels/feeFollower.js'
import { shortChannelIdOf } from './channels/channelViews.js'
import type { EventBus } from './eventBus.js'
import type { GossipService } from './gossip/gossipService.js'
import type { Logger } from './logger.js'
import type { FinalHop } from './payments/receive/finalHop.js'
import type { HtlcSwitch } from './payments/switch/htlcSwitch.js'
import type { PeerLogLimiter } from './peerLogLimiter.js'
import type { PeerManagerEvents } from './transport/peerManager.js'
import type { CheatRecorder } from './testing/cheatRecorder.js'

export interface EventRoutingComponents {
  log: Logger
  bus: EventBus
  channels: ChannelManager
  fees: FeeFollower
  gossip: GossipService
  switch: HtlcSwitch
  receive: FinalHop
  broadcaster: Broadcaster
  replayLog: ReplayLog
  cheats: CheatRecorder | undefined
  peerLog: PeerLogLimiter
}

/** States in which a channel only has its temporary id. */
const PRE_FUNDING: ReadonlySet<string> = new Set([
  'WAIT_FOR_OPEN_CHANNEL',
  'WAIT_FOR_ACCEPT_CHANNEL',
  'WAIT_FOR_FUNDING_INTERNAL',
  'WAIT_FOR_FUNDING_CREATED',
])

/** A peer's messages: gossip to the gossip service, the rest to the channels. */
export class PeerEventRouter implements PeerManagerEvents {
  constructor(private readonly c: EventRoutingComponents) {}

  onConnected(peer: string, init: Init): void {
    this.c.bus.emit({ type: 'peer_connected', peer })
    this.c.channels.onPeerConnected(peer)
    this.c.gossip.onPeerConnected(peer, init.features)
  }

  onDisconnected(peer: string): void {
    this.c.bus.emit({ type: 'peer_disconnected', peer })
    this.c.channels.onPeerDisconnected(peer)
    this.c.gossip.onPeerDisconnected(peer)
  }

  onMessage(peer: string, message: Message, frame: Uint8Array): void {
    switch (message.type) {
      case 'channel_announcement':
      case 'node_announcement':
      case 'channel_update':
        void this.c.gossip
          .onGossip(peer, message, frame)
          .catch((err: Error) => this.c.log.warn('gossip failed', { peer, error: err.message }))
        return
      case 'announcement_signatures':
        this.c.gossip.onAnnouncementSignatures(peer, message)
        return
      case 'query_short_channel_ids':
      case 'reply_short_channel_ids_end':
      case 'query_channel_range':
      case 'reply_channel_range':
      case 'gossip_timestamp_filter':
        this.c.gossip.onQuery(peer, message)
        return
      case 'ping':
      case 'pong':
      case 'init':
        return
      default:
        this.c.channels.onMessage(peer, message)
    }
  }

  isKnownGossip(frame: Uint8Array): boolean {
    return this.c.gossip.isKnown(frame)
  }

  onKnownGossip(peer: string, frame: Uint8Array): void {
    this.c.gossip.onKnownGossip(peer, frame)
  }

  onInvalidChannelMessage(peer: string, channelId: Uint8Array, error: WireDecodeError): void {
    this.c.channels.onInvalidMessage(peer, channelId, `${error.code}: ${error.message}`)
  }

  wantsReconnect(peer: string): boolean {
    return this.c.channels.channelsWith(peer).length > 0
  }

  addressOf(peer: string): string | undefined {
    return this.c.gossip.addressOf(peer)
  }
}

/** The chain: blocks to every service that keeps time by them, spends and confirmations to the channels. */
export class ChainEventRouter implements WatcherEvents {
  constructor(private readonly c: EventRoutingComponents) {}

  onBlock(height: number): void {
    this.c.replayLog.expire(height)
    this.c.channels.onBlock(height)
    this.c.receive.onBlock(height)
    this.c.switch.onBlock(height)
    this.c.gossip.onBlock(height)
    this.c.bus.emit({ type: 'block', height })
  }

  onConfirmed(channel: string, txid: string, blockHeight: number, txIndex: number): void {
    this.c.channels.onTxConfirmed(channel, txid, blockHeight, txIndex)
  }

  onSpent(channel: string, outpoint: OutPoint, tx: Transaction, txid: string, blockHeight: number): void {
    this.c.channels.onOutputSpent(channel, outpoint, tx, blockHeight, txid)
  }

  onTransactions(block: WatchedBlock): void {
    this.c.broadcaster.onBlock(
      block.height,
      block.matches.map((m) => m.txid),
    )
    this.c.gossip.fundingIndex.onBlock(block.height, block.channelOutputs)
  }

  onMinedEarlier(matches: WatchedTransaction[]): void {
    this.c.broadcaster.onMined(matches.map((m) => m.txid))
  }

  onFeerate(satPerKw: number): void {
    this.c.fees.onEstimate(satPerKw)
  }
}

/** A channel's events: HTLCs to the switch, state to gossip, and what people watch to the event stream. */
export class ChannelEventRouter implements ChannelEventSink {
  constructor(private readonly c: EventRoutingComponents) {}

  onChannelStepped(channel: string, data: ChannelData): void {
    this.c.cheats?.observe(channel, data)
  }

  onChannelEvent(channel: string, peer: string, event: ChannelEvent, data: ChannelData): void {
    this.c.switch.onChannelEvent(channel, event)
    const { bus, log } = this.c
    switch (event.type) {
      case 'state_changed': {
        this.c.gossip.onChannelStateChanged(channel, event.to)
        // back in NORMAL (opened, or reconnected): an update_fee forgotten on disconnection is sent again
        if (event.to === 'NORMAL') this.c.fees.check(channel)
        // a channel is told about under its real id only: its temporary id would make it look like two channels
        if (PRE_FUNDING.has(event.to) || (event.to === 'CLOSED' && PRE_FUNDING.has(event.from))) return
        const scid = shortChannelIdOf(data)
        bus.emit({
          type: 'channel_state',
          channelId: channel,
          peer,
          from: event.from,
          to: event.to,
          shortChannelId: scid === undefined ? null : formatScid(scid),
        })
        return
      }
      case 'feerate_changed':
        bus.emit({ type: 'channel_feerate', channelId: channel, feeratePerKw: event.feeratePerKw })
        return
      case 'balance_changed':
        bus.emit({
          type: 'channel_balance',
          channelId: channel,
          localMsat: event.localMsat,
          remoteMsat: event.remoteMsat,
        })
        return
      // the peer decides how often these happen: its lines and events are limited together
      case 'protocol_violation':
        if (
          this.c.peerLog.line(log, 'warn', peer, 'protocol violation', {
            channel,
            code: event.code,
            message: event.message,
          })
        )
          bus.emit({ type: 'warning', code: event.code, message: event.message, peer })
        return
      case 'peer_error':
        if (this.c.peerLog.line(log, 'warn', peer, 'peer error', { channel, message: event.message }))
          bus.emit({ type: 'warning', code: 'PEER_ERROR', message: event.message, peer })
        return
      case 'claim':
        bus.emit({
          type: 'onchain',
          channelId: channel,
          txid: event.txid,
          label: event.kind,
          amountSat: event.amountSat,
          spendableFromHeight: event.validFromHeight,
        })
        return
      case 'closing':
      case 'closed':
        log.info(`channel ${event.type}`, {
          channel,
          ...('why' in event ? { why: event.why } : {}),
          ...('how' in event ? { how: event.how } : {}),
        })
        return
      default:
        return
    }
  }
}
