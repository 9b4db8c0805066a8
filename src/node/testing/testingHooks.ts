/**
 * The test-only hooks of a node started with --testing (faults, partitions,
 * holding payments to us, broadcasting a revoked commitment); a normal node
 * refuses each with TESTING_DISABLED.
 */
import { LnsimError } from '../../core/errors.js'
import { txid as txidOf, type Transaction } from '../../chain/transaction.js'
import type { Broadcaster } from '../chain/broadcaster.js'
import type { Logger } from '../logger.js'
import type { FinalHop } from '../payments/receive/finalHop.js'
import type { ChainTrouble } from './chainTrouble.js'
import type { CheatRecorder } from './cheatRecorder.js'
import type { FaultInjector } from './faults.js'
import { NodeError } from '../errors.js'
import type { Message, MessageType } from '../../wire/messages.js'
import { messageFieldsFromJson, messageFromJson } from '../../wire/messageFields.js'
import {
  MAX_PENDING_MUTATIONS,
  MAX_REPLAY_HISTORY,
  type Mutation,
  type RogueMessages,
  type RogueReport,
} from './rogueMessages.js'

type RogueEvent = { type: 'rogue_message' } & RogueReport

/** How long a cheat waits for the chain to take each of its transactions before it sends the next. */
const CHEAT_TAKEN_WAIT_MS = 5_000

export interface TestingComponents {
  log: Logger
  faults: FaultInjector | undefined
  rogue: RogueMessages | undefined
  chainTrouble: ChainTrouble | undefined
  peers: { isConnected(peer: string): boolean; send(peer: string, message: Message): void }
  bus: { emit(e: RogueEvent): void }
  cheats: CheatRecorder | undefined
  receive: FinalHop
  broadcaster: Broadcaster
  channels: { require(channel: string): unknown }
  watcher: { readonly height: number }
}

export class TestingHooks {
  constructor(private readonly c: TestingComponents) {}

  /** The fault injector, or a clear refusal in a normal run. */
  faults(what: string): FaultInjector {
    if (!this.c.faults) throw disabled(what)
    return this.c.faults
  }

  private rogue(what: string): RogueMessages {
    if (!this.c.rogue) throw disabled(what)
    return this.c.rogue
  }

  /** The Nth `messageType` this node sends `peer` from now on leaves with these fields (BOLT names) changed. */
  mutate(peer: string, messageType: MessageType, nth: number, set: Record<string, unknown>): Mutation[] {
    const rogue = this.rogue('mutating messages')
    const fields = messageFieldsFromJson(messageType, set, false)
    if (!rogue.mutate({ peer, messageType, nth, set: fields, fields: Object.keys(set) }))
      throw new NodeError(
        'TOO_MANY_MUTATIONS',
        `${MAX_PENDING_MUTATIONS} mutations already wait for their message; let some fire first`,
      )
    return rogue.pending()
  }

  /** Sends `peer` again the Nth last `messageType` this node sent it (1 = the last one). */
  replay(peer: string, messageType: MessageType, nth: number): void {
    const rogue = this.rogue('replaying messages')
    const message = rogue.earlier(peer, messageType, nth)
    if (!message)
      throw new NodeError(
        'NOTHING_TO_REPLAY',
        `this node has not sent ${peer} ${nth === 1 ? 'a' : `${nth}`} ${messageType} message(s) ` +
          `(it keeps the last ${MAX_REPLAY_HISTORY} of each type per peer)`,
      )
    this.sendNow(peer, message, 'replay', [])
  }

  /** Crafts a whole message from its fields (BOLT names) and sends it to `peer`. */
  send(peer: string, messageType: MessageType, fields: Record<string, unknown>): void {
    this.rogue('crafting messages')
    this.sendNow(peer, messageFromJson(messageType, fields), 'send', Object.keys(fields))
  }

  private sendNow(peer: string, message: Message, action: 'replay' | 'send', fields: string[]): void {
    if (!this.c.peers.isConnected(peer))
      throw new NodeError('PEER_OFFLINE', `not connected to ${peer}: cannot ${action} a ${message.type} to it`)
    this.c.log.warn(`rogue peer (--testing): ${action} ${message.type}`, { peer, fields })
    this.c.bus.emit({ type: 'rogue_message', action, peer, messageType: message.type, fields })
    this.c.peers.send(peer, message)
  }

  /** What this node sent since it started, per peer and message type. */
  sentCounts(): Record<string, Partial<Record<MessageType, number>>> {
    return this.rogue('counting sent messages').sentCounts()
  }

  private chainTrouble(what: string): ChainTrouble {
    if (!this.c.chainTrouble) throw disabled(what)
    return this.c.chainTrouble
  }

  /** Blocks stop reaching this node for `ms`, then arrive together. */
  stallChain(ms: number): { until: number } {
    const r = this.chainTrouble('stalling the chain').stall(ms)
    this.c.log.warn('blocks held back on purpose (--testing)', { ms })
    return r
  }

  /** The chain refuses this node's transactions for `ms`; its broadcaster retries every block. */
  refuseBroadcasts(ms: number): { until: number } {
    const r = this.chainTrouble('refusing broadcasts').refuseBroadcasts(ms)
    this.c.log.warn('broadcasts refused on purpose (--testing)', { ms })
    return r
  }

  /** Payments to us stay pending until released (like a hold invoice). */
  holdPayments(hold: boolean): { holding: boolean; released: number } {
    if (!this.c.faults) throw disabled('holding payments')
    this.c.receive.holding = hold
    return { holding: hold, released: hold ? 0 : this.c.receive.releaseHeld() }
  }

  /**
   * Broadcasts this channel's previous, revoked commitment, and its HTLC transactions right behind it (each from the
   * height it is valid), racing the peer's penalty for the HTLC outputs: answers once the chain has taken those valid
   * now, so the next block holds them all.
   */
  async cheat(channelId: string): Promise<{ txid: string; revokedIndex: bigint }> {
    if (!this.c.cheats) throw disabled('cheating')
    this.c.channels.require(channelId)
    const revoked = this.c.cheats.revokedCommitment(channelId)
    const txid = txidOf(revoked.tx)
    const height = this.c.watcher.height
    const send = async (tx: Transaction, id: string, label: string, validFromHeight: number): Promise<void> => {
      void this.c.broadcaster.broadcast(tx, id, label, validFromHeight, channelId, height).catch(() => {})
      // a child before its parent would be refused as spending an unknown output
      await this.c.broadcaster.taken(id, CHEAT_TAKEN_WAIT_MS)
    }
    await send(revoked.tx, txid, 'revoked commitment (cheat)', 0)
    for (const h of revoked.htlcTxs) await send(h.tx, h.txid, h.label, h.validFromHeight)
    this.c.log.warn('broadcast a revoked commitment on purpose (--testing)', {
      channel: channelId,
      txid,
      index: revoked.index.toString(),
    })
    return { txid, revokedIndex: revoked.index }
  }
}

function disabled(what: string): LnsimError {
  return new NodeError('TESTING_DISABLED', `${what} needs a node started with --testing`)
}
