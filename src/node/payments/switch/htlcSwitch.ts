/**
 * The switch (BOLT #4 "Accepting and Forwarding a Payment"): an irrevocably
 * committed incoming HTLC is peeled; if we are its final hop it goes to the
 * receive room, if not it is checked against our fee and CLTV policy and
 * forwarded on the next channel. Outcomes travel back: a fulfill at once (the
 * preimage is ours as soon as we see it), a failure once irrevocable, re-wrapped
 * in our onion layer; the outcome of one of our own payments goes straight to
 * the outbound room.
 *
 * Every decision is recorded in the same flush as the channel state that caused
 * it, so a crash never leaves an HTLC without an owner.
 */
import { DEFAULT_FEE_LIMITS, type FeeLimits } from '../../../channel/constants.js'
import { refuseIncomingHtlc, type IncomingHtlcRefusal } from '../../../channel/incomingHtlcLimits.js'
import { toHex } from '../../../core/bytes.js'
import { trace } from '../../../core/trace.js'
import { sha256 } from '../../../crypto/hash.js'
import type { ChannelEvent } from '../../../channel/io.js'
import type { HtlcInSpec } from '../../../channel/commitmentSpec.js'
import { commitmentsOf, type ChannelData } from '../../../channel/states.js'
import type { UpdateAddHtlc } from '../../../wire/messages.js'
import { OnionError } from '../../../routing/onion/errors.js'
import { FAILURE, failureName } from '../../../routing/onion/failureCodes.js'
import type { HopPayload } from '../../../routing/onion/hopPayload.js'
import { peelPaymentOnion, type PeeledPayment } from '../../../routing/onion/paymentOnion.js'
import { checkReplay } from '../../../routing/onion/sphinx.js'
import type { ReplayLog } from '../../../routing/onion/replayLog.js'
import { createFailure, obfuscateFailure } from '../../../routing/onion/returningErrors.js'
import { forwardingFee } from '../../../routing/route.js'
import type { EventBus } from '../../eventBus.js'
import type { Logger } from '../../logger.js'
import type { KvLog } from '../../store/durableStore.js'
import type { FinalHop } from '../receive/finalHop.js'
import type { ForwardingPolicy } from './forwardingPolicy.js'
import { outgoingKey, type HtlcRecord } from './htlcRecord.js'
import type { ChannelCommands, Settlements } from './settlements.js'

/** How one of our own payments' HTLCs ended, for the outbound room. */
export type LocalOutcome = { preimage: Uint8Array } | { reason?: Uint8Array; malformedCode?: number; onChain: boolean }

export interface LocalPayments {
  onHtlcResolved(
    record: Extract<HtlcRecord, { kind: 'local' }>,
    outcome: LocalOutcome,
    channel: string,
    htlcId: bigint,
  ): void
}

export interface SwitchComponents {
  log: Logger
  bus: EventBus
  nodeSecret: Uint8Array
  replayLog: ReplayLog
  htlcs: KvLog<HtlcRecord>
  preimages: KvLog<Uint8Array>
  tip: { readonly height: number }
  channels: ChannelCommands & {
    get(channel: string): { peer: string; data: ChannelData } | undefined
    byShortChannelId(scid: bigint): string | undefined
  }
  peers: { isConnected(peer: string): boolean }
  policies: { of(channel: string): ForwardingPolicy }
  /** the channel_update to put in a failure, encoded, or empty */
  gossip: { channelUpdateBytes(channel: string): Uint8Array }
  settlements: Settlements
  receive: FinalHop
  outbound: LocalPayments
  /** the dust exposure and fee-spike limits an incoming HTLC must keep (DEFAULT_FEE_LIMITS when absent) */
  feeLimits?: FeeLimits
}

interface ChannelView {
  state: string
  connected: boolean
  policy: ForwardingPolicy
  /** the channel_update we would send in a failure, encoded, or empty */
  channelUpdate: Uint8Array
}

/** Don't forward an HTLC whose outgoing expiry is this close to the tip (BOLT #2 suggests a few blocks). */
const EXPIRY_TOO_SOON_BLOCKS = 3
/**
 * Don't forward an HTLC whose outgoing expiry is further than this above the tip (BOLT #4 expiry_too_far): it would
 * lock our funds for as long. 2016 blocks (two weeks) is LND's MaxOutgoingCltvExpiry and Core Lightning's
 * max-locktime-blocks, and the limit payers' pathfinding keeps to.
 */
export const MAX_OUTGOING_CLTV_EXPIRY_DELTA = 2016

export class HtlcSwitch {
  /**
   * Onions peeled while their HTLC waited to be committed, by the add object: the
   * curve work (an ECDH, a point multiplication) is done while the peer handles our
   * revoke_and_ack and commitment_signed, not after its revocation comes back.
   */
  private readonly peeledAhead = new WeakMap<UpdateAddHtlc, PeeledPayment>()

  constructor(private readonly d: SwitchComponents) {}

  /** Every channel event the switch cares about. */
  onChannelEvent(channel: string, event: ChannelEvent): void {
    switch (event.type) {
      case 'htlc_proposed': {
        // once this turn's replies are out: the HTLC cannot be used before the peer revokes
        const add = event.add
        setImmediate(() => this.peelAhead(add))
        return
      }
      case 'htlc_received':
        return this.onIncoming(channel, event.add)
      case 'htlc_fulfilled':
        return this.onOutgoingFulfilled(channel, event.htlc, event.preimage)
      case 'htlc_failed':
        return this.onOutgoingFailed(channel, event.htlc, event)
      case 'htlc_settled':
        this.d.settlements.done(channel, event.htlc.id)
        return
      case 'update_discarded':
        // an HTLC we added never reached the peer's commitment: it failed before it started
        if (event.update.type === 'update_add_htlc') return this.onOutgoingDiscarded(channel, event.update.id)
        this.d.settlements.retry(channel)
        return
      case 'state_changed':
        // the channel is usable again: send our settlements again
        if (event.to !== 'NORMAL' && event.to !== 'SHUTDOWN' && event.to !== 'CLOSING') return
        this.d.settlements.retry(channel)
        return
      default:
        return
    }
  }

  private peelAhead(add: UpdateAddHtlc): void {
    try {
      this.peeledAhead.set(add, peelPaymentOnion(add.onionRoutingPacket, this.d.nodeSecret, add.paymentHash))
    } catch {
      // peeled again once the HTLC is committed, and failed then as it must be
    }
    trace('peeled ahead')
  }

  private onIncoming(channel: string, add: UpdateAddHtlc): void {
    this.d.bus.emit({
      type: 'htlc_added',
      channelId: channel,
      direction: 'incoming',
      htlcId: add.id,
      amountMsat: add.amountMsat,
      paymentHash: toHex(add.paymentHash),
      cltvExpiry: add.cltvExpiry,
    })
    let peeled: ReturnType<typeof peelPaymentOnion>
    try {
      peeled = this.peeledAhead.get(add) ?? peelPaymentOnion(add.onionRoutingPacket, this.d.nodeSecret, add.paymentHash)
      this.peeledAhead.delete(add)
      checkReplay(peeled.sharedSecret, { log: this.d.replayLog, cltvExpiry: add.cltvExpiry })
    } catch (err) {
      if (!(err instanceof OnionError)) throw err
      this.d.log.info('cannot use the onion', { channel, id: add.id.toString(), code: err.code, reason: err.message })
      // an onion we could authenticate gets an encrypted failure; one we could not, a malformed report
      if (err.sharedSecret)
        this.d.settlements.fail(channel, add, err.sharedSecret, {
          code: err.failureCode,
          ...(err.failureCode === FAILURE.INVALID_ONION_PAYLOAD
            ? {
                tlvType: BigInt((err.details.tlvType as string | undefined) ?? 0),
                offset: Number(err.details.offset ?? 0),
              }
            : {}),
        })
      else
        this.d.settlements.settle(channel, {
          type: 'fail_malformed_htlc',
          id: add.id,
          sha256OfOnion: sha256(add.onionRoutingPacket),
          failureCode: err.failureCode,
        })
      return
    }
    const refused = this.refusedByChannelLimits(channel, add)
    if (refused) {
      this.d.log.info('refused an incoming HTLC', { channel, id: add.id.toString(), ...refused })
      // as LND and Core Lightning answer an HTLC their channel limits refuse: temporary, with the channel's update
      return this.d.settlements.fail(channel, add, peeled.sharedSecret, {
        code: FAILURE.TEMPORARY_CHANNEL_FAILURE,
        channelUpdate: this.d.gossip.channelUpdateBytes(channel),
      })
    }
    if (peeled.nextPacket === null) this.d.receive.accept(channel, add, peeled.payload, peeled.sharedSecret)
    else this.forward(channel, add, peeled.payload, peeled.nextPacket, peeled.sharedSecret)
  }

  private forward(
    channel: string,
    add: UpdateAddHtlc,
    payload: HopPayload,
    next: Uint8Array,
    sharedSecret: Uint8Array,
  ): void {
    const scid = payload.shortChannelId
    const out = scid === undefined ? undefined : this.d.channels.byShortChannelId(scid)
    const view = out === undefined ? undefined : this.channelView(out)
    if (scid === undefined)
      return this.d.settlements.fail(channel, add, sharedSecret, {
        code: FAILURE.INVALID_ONION_PAYLOAD,
        tlvType: 6n,
        offset: 0,
      })
    if (!out || !view) return this.d.settlements.fail(channel, add, sharedSecret, { code: FAILURE.UNKNOWN_NEXT_PEER })
    const channelUpdate = view.channelUpdate
    const p = view.policy
    const fee = forwardingFee(payload.amtToForward, p.feeBaseMsat, p.feeProportionalMillionths)
    if (view.state !== 'NORMAL')
      return this.d.settlements.fail(channel, add, sharedSecret, {
        code: FAILURE.CHANNEL_DISABLED,
        disabledFlags: 0,
        channelUpdate,
      })
    if (!view.connected)
      return this.d.settlements.fail(channel, add, sharedSecret, {
        code: FAILURE.TEMPORARY_CHANNEL_FAILURE,
        channelUpdate,
      })
    if (payload.amtToForward < p.htlcMinimumMsat)
      return this.d.settlements.fail(channel, add, sharedSecret, {
        code: FAILURE.AMOUNT_BELOW_MINIMUM,
        htlcMsat: add.amountMsat,
        channelUpdate,
      })
    // BOLT #4: more than the channel's htlc_maximum_msat is a temporary_channel_failure, with the update saying so
    if (p.htlcMaximumMsat !== undefined && payload.amtToForward > p.htlcMaximumMsat)
      return this.d.settlements.fail(channel, add, sharedSecret, {
        code: FAILURE.TEMPORARY_CHANNEL_FAILURE,
        channelUpdate,
      })
    if (add.amountMsat < payload.amtToForward || add.amountMsat - payload.amtToForward < fee)
      return this.d.settlements.fail(channel, add, sharedSecret, {
        code: FAILURE.FEE_INSUFFICIENT,
        htlcMsat: add.amountMsat,
        channelUpdate,
      })
    if (add.cltvExpiry < payload.outgoingCltvValue + p.cltvExpiryDelta)
      return this.d.settlements.fail(channel, add, sharedSecret, {
        code: FAILURE.INCORRECT_CLTV_EXPIRY,
        cltvExpiry: add.cltvExpiry,
        channelUpdate,
      })
    if (payload.outgoingCltvValue <= this.d.tip.height + EXPIRY_TOO_SOON_BLOCKS)
      return this.d.settlements.fail(channel, add, sharedSecret, { code: FAILURE.EXPIRY_TOO_SOON, channelUpdate })
    if (payload.outgoingCltvValue > this.d.tip.height + MAX_OUTGOING_CLTV_EXPIRY_DELTA)
      return this.d.settlements.fail(channel, add, sharedSecret, { code: FAILURE.EXPIRY_TOO_FAR })
    const r = this.d.channels.command(out, {
      type: 'add_htlc',
      commandId: `forward:${channel}:${add.id}`,
      amountMsat: payload.amtToForward,
      paymentHash: add.paymentHash,
      cltvExpiry: payload.outgoingCltvValue,
      onionRoutingPacket: next,
    })
    const reply = r.reply
    if (!reply?.ok || reply.htlcId === undefined) {
      this.d.log.info('cannot forward', { from: channel, to: out, code: reply && !reply.ok ? reply.code : 'unknown' })
      return this.d.settlements.fail(channel, add, sharedSecret, {
        code: FAILURE.TEMPORARY_CHANNEL_FAILURE,
        channelUpdate,
      })
    }
    const result = { htlcId: reply.htlcId }
    this.d.htlcs.set(outgoingKey(out, result.htlcId), {
      kind: 'forward',
      paymentHash: add.paymentHash,
      sharedSecret,
      incoming: { channel, id: add.id, amountMsat: add.amountMsat },
      outgoing: { channel: out, id: result.htlcId, amountMsat: payload.amtToForward },
      startedAt: Date.now(),
    })
    this.d.bus.emit({
      type: 'htlc_added',
      channelId: out,
      direction: 'outgoing',
      htlcId: result.htlcId,
      amountMsat: payload.amtToForward,
      paymentHash: toHex(add.paymentHash),
      cltvExpiry: payload.outgoingCltvValue,
    })
  }

  /** An incoming HTLC that, now committed, breaks this node's dust exposure or the funder's fee-spike buffer. */
  private refusedByChannelLimits(channel: string, add: UpdateAddHtlc): IncomingHtlcRefusal | undefined {
    const r = this.d.channels.get(channel)
    const c = r && commitmentsOf(r.data)
    return c ? refuseIncomingHtlc(c, add.id, this.d.feeLimits ?? DEFAULT_FEE_LIMITS) : undefined
  }

  /** What forwarding needs to know of our channel `channel` now. */
  private channelView(channel: string): ChannelView | undefined {
    const r = this.d.channels.get(channel)
    if (!r) return undefined
    return {
      state: r.data.state,
      connected: this.d.peers.isConnected(r.peer),
      policy: this.d.policies.of(channel),
      channelUpdate: this.d.gossip.channelUpdateBytes(channel),
    }
  }

  private onOutgoingDiscarded(channel: string, id: bigint): void {
    const key = outgoingKey(channel, id)
    const record = this.d.htlcs.get(key)
    if (!record) return
    this.d.htlcs.delete(key)
    if (record.kind === 'local') return this.d.outbound.onHtlcResolved(record, { onChain: false }, channel, id)
    if (record.kind !== 'forward') return
    this.d.settlements.settle(record.incoming.channel, {
      type: 'fail_htlc',
      id: record.incoming.id,
      reason: createFailure(record.sharedSecret, { code: FAILURE.TEMPORARY_CHANNEL_FAILURE }),
    })
  }

  private onOutgoingFulfilled(channel: string, htlc: HtlcInSpec, preimage: Uint8Array): void {
    this.d.preimages.set(toHex(htlc.paymentHash), preimage)
    this.d.bus.emit({
      type: 'htlc_settled',
      channelId: channel,
      direction: 'outgoing',
      htlcId: htlc.id,
      amountMsat: htlc.amountMsat,
      paymentHash: toHex(htlc.paymentHash),
    })
    const key = outgoingKey(channel, htlc.id)
    const record = this.d.htlcs.get(key)
    if (!record) return
    this.d.htlcs.delete(key)
    if (record.kind === 'local') return this.d.outbound.onHtlcResolved(record, { preimage }, channel, htlc.id)
    if (record.kind !== 'forward') return
    this.d.settlements.settle(record.incoming.channel, { type: 'fulfill_htlc', id: record.incoming.id, preimage })
    this.d.bus.emit({
      type: 'htlc_forwarded',
      paymentHash: toHex(record.paymentHash),
      incomingChannel: record.incoming.channel,
      outgoingChannel: channel,
      incomingMsat: record.incoming.amountMsat,
      outgoingMsat: record.outgoing.amountMsat,
      feeMsat: record.incoming.amountMsat - record.outgoing.amountMsat,
      status: 'settled',
      durationMs: Date.now() - record.startedAt,
    })
  }

  private onOutgoingFailed(
    channel: string,
    htlc: HtlcInSpec,
    failed: { reason?: Uint8Array; malformedCode?: number; sha256OfOnion?: Uint8Array; onChain: boolean },
  ): void {
    const { reason, malformedCode, onChain } = failed
    this.d.bus.emit({
      type: 'htlc_failed',
      channelId: channel,
      direction: 'outgoing',
      htlcId: htlc.id,
      amountMsat: htlc.amountMsat,
      paymentHash: toHex(htlc.paymentHash),
      reason: onChain
        ? 'timed out on chain'
        : malformedCode !== undefined
          ? failureName(malformedCode)
          : 'failed downstream',
    })
    const key = outgoingKey(channel, htlc.id)
    const record = this.d.htlcs.get(key)
    if (!record) return
    this.d.htlcs.delete(key)
    if (record.kind === 'local')
      return this.d.outbound.onHtlcResolved(
        record,
        { ...(reason ? { reason } : {}), ...(malformedCode !== undefined ? { malformedCode } : {}), onChain },
        channel,
        htlc.id,
      )
    if (record.kind !== 'forward') return
    // a downstream failure is wrapped in our layer; one we saw ourselves (malformed, on chain) starts here. BOLT #4: a
    // malformed report becomes our invalid_onion_* failure with the sha256_of_onion the next node reported
    const back = reason
      ? obfuscateFailure(record.sharedSecret, reason)
      : createFailure(
          record.sharedSecret,
          malformedCode !== undefined
            ? { code: malformedCode, sha256OfOnion: failed.sha256OfOnion ?? new Uint8Array(32) }
            : { code: FAILURE.PERMANENT_CHANNEL_FAILURE },
        )
    this.d.settlements.settle(record.incoming.channel, { type: 'fail_htlc', id: record.incoming.id, reason: back })
    this.d.bus.emit({
      type: 'htlc_forwarded',
      paymentHash: toHex(record.paymentHash),
      incomingChannel: record.incoming.channel,
      outgoingChannel: channel,
      incomingMsat: record.incoming.amountMsat,
      outgoingMsat: record.outgoing.amountMsat,
      feeMsat: 0n,
      status: 'failed',
      durationMs: Date.now() - record.startedAt,
    })
  }
}
