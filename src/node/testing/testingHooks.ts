/**
 * The test-only hooks of a node started with --testing (faults, partitions,
 * holding payments to us, broadcasting a revoked commitment); a normal node
 * refuses each with TESTING_DISABLED.
 */
import { LnsimError } from '../../core/errors.js'
import { txid as txidOf } from '../../chain/transaction.js'
import type { Broadcaster } from '../chain/broadcaster.js'
import type { Logger } from '../logger.js'
import type { FinalHop } from '../payments/receive/finalHop.js'
import type { CheatRecorder } from './cheatRecorder.js'
import type { FaultInjector } from './faults.js'
import { NodeError } from '../errors.js'

export interface TestingComponents {
  log: Logger
  faults: FaultInjector | undefined
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

  /** Payments to us stay pending until released (like a hold invoice). */
  holdPayments(hold: boolean): { holding: boolean; released: number } {
    if (!this.c.faults) throw disabled('holding payments')
    this.c.receive.holding = hold
    return { holding: hold, released: hold ? 0 : this.c.receive.releaseHeld() }
  }

  /** Broadcasts this channel's previous, revoked commitment. */
  cheat(channelId: string): { txid: string; revokedIndex: bigint } {
    if (!this.c.cheats) throw disabled('cheating')
    this.c.channels.require(channelId)
    const revoked = this.c.cheats.revokedCommitment(channelId)
    const txid = txidOf(revoked.tx)
    void this.c.broadcaster
      .broadcast(revoked.tx, txid, 'revoked commitment (cheat)', 0, channelId, this.c.watcher.height)
      .catch(() => {})
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
