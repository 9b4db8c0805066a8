/**
 * The settlements of incoming HTLCs (fulfill or fail), each recorded before it is
 * issued and issued again whenever its channel is usable, until the channel says
 * it is irrevocable: a settlement must survive disconnections and restarts.
 */
import { toHex } from '../../../core/bytes.js'
import type { ChannelCommand } from '../../../channel/io.js'
import { CHANNEL_ERRORS } from '../../../channel/errors.js'
import type { StepResult } from '../../../channel/result.js'
import type { UpdateAddHtlc } from '../../../wire/messages.js'
import { failureName } from '../../../routing/onion/failureCodes.js'
import type { FailureMessage } from '../../../routing/onion/failureMessage.js'
import { createFailure } from '../../../routing/onion/returningErrors.js'
import type { EventBus } from '../../eventBus.js'
import type { Logger } from '../../logger.js'
import type { KvLog } from '../../store/durableStore.js'
import { settleKey, type HtlcRecord, type SettleCommand } from './htlcRecord.js'

/** What the payment rooms ask of the channels: to carry out a command on one of them. */
export interface ChannelCommands {
  command(channel: string, command: ChannelCommand): StepResult
}

export interface SettlementsComponents {
  log: Logger
  bus: EventBus
  channels: ChannelCommands
  htlcs: KvLog<HtlcRecord>
}

export class Settlements {
  constructor(private readonly c: SettlementsComponents) {}

  settle(channel: string, command: SettleCommand): void {
    this.c.htlcs.set(settleKey(channel, command.id), { kind: 'settle', channel, command })
    const { reply } = this.c.channels.command(channel, command)
    // retried when the channel is usable again, or already done
    if (
      reply &&
      !reply.ok &&
      CHANNEL_ERRORS[reply.code].action !== 'retry_later' &&
      CHANNEL_ERRORS[reply.code].action !== 'nothing'
    ) {
      this.c.log.warn('could not settle an incoming HTLC yet', { channel, id: command.id.toString(), code: reply.code })
    }
  }

  /** Fails an incoming HTLC back with a failure of ours, encrypted for its sender. */
  fail(
    channel: string,
    add: Pick<UpdateAddHtlc, 'id' | 'amountMsat' | 'paymentHash'>,
    sharedSecret: Uint8Array,
    failure: FailureMessage,
  ): void {
    this.c.bus.emit({
      type: 'htlc_failed',
      channelId: channel,
      direction: 'incoming',
      htlcId: add.id,
      amountMsat: add.amountMsat,
      paymentHash: toHex(add.paymentHash),
      reason: failureName(failure.code),
    })
    this.settle(channel, { type: 'fail_htlc', id: add.id, reason: createFailure(sharedSecret, failure) })
  }

  /** The channel is usable again (or forgot unsigned updates): issue its settlements again. */
  retry(channel: string): void {
    const prefix = `settle:${channel}:`
    for (const key of this.c.htlcs.keys()) {
      if (!key.startsWith(prefix)) continue
      const r = this.c.htlcs.get(key)
      if (r?.kind === 'settle') this.c.channels.command(channel, r.command)
    }
  }

  /** The settlement is irrevocably in both commitments. */
  done(channel: string, id: bigint): void {
    this.c.htlcs.delete(settleKey(channel, id))
  }
}
