/**
 * What happens to HTLCs at this node (BOLT #4 "Accepting and Forwarding a
 * Payment"): an irrevocably committed incoming HTLC is peeled; if we are the
 * final hop it is checked against our invoice and fulfilled or failed; if not,
 * it is checked against our fee and CLTV policy and forwarded on the next
 * channel. Outcomes travel back: a fulfill at once (the preimage is ours as soon
 * as we see it), a failure once irrevocable, re-wrapped in our onion layer.
 *
 * Every decision is recorded in the same flush as the channel state that caused
 * it, so a crash never leaves an HTLC without an owner.
 */
import { toHex } from '../../core/bytes.js'
import { trace } from '../../core/trace.js'
import { sha256 } from '../../crypto/hash.js'
import type { ChannelCommand, ChannelEvent } from '../../channel/io.js'
import type { StepResult } from '../../channel/result.js'
import type { HtlcInSpec } from '../../channel/commitmentSpec.js'
import type { UpdateAddHtlc } from '../../wire/messages.js'
import type { EventBus } from '../eventBus.js'
import type { Logger } from '../logger.js'
import type { KvLog } from '../store/durableStore.js'
import type { InvoiceRegistry } from './invoiceRegistry.js'
import { OnionError } from '../../routing/onion/errors.js'
import { FAILURE, failureName } from '../../routing/onion/failureCodes.js'
import type { FailureMessage } from '../../routing/onion/failureMessage.js'
import type { HopPayload } from '../../routing/onion/hopPayload.js'
import { peelPaymentOnion, type PeeledPayment } from '../../routing/onion/paymentOnion.js'
import { checkReplay } from '../../routing/onion/sphinx.js'
import type { ReplayLog } from '../../routing/onion/replayLog.js'
import { createFailure, obfuscateFailure } from '../../routing/onion/returningErrors.js'

export interface ForwardingPolicy {
  feeBaseMsat: bigint
  feeProportionalMillionths: bigint
  cltvExpiryDelta: number
  htlcMinimumMsat: bigint
}

/** An HTLC this node is responsible for resolving. */
export type HtlcRecord =
  | {
      kind: 'forward'
      paymentHash: Uint8Array
      sharedSecret: Uint8Array
      incoming: { channel: string; id: bigint; amountMsat: bigint }
      outgoing: { channel: string; id: bigint; amountMsat: bigint }
      startedAt: number
    }
  | { kind: 'local'; paymentHash: Uint8Array; attempt: number }
  /** a settlement of an incoming HTLC, re-issued until it is irrevocable */
  | { kind: 'settle'; channel: string; command: Extract<ChannelCommand, { type: 'fulfill_htlc' | 'fail_htlc' | 'fail_malformed_htlc' }> }
  /** a payment to us held unsettled on purpose (test hook), released later */
  | { kind: 'held'; channel: string; id: bigint; preimage: Uint8Array; paymentHash: Uint8Array; amountMsat: bigint }

export interface ChannelView {
  state: string
  connected: boolean
  peer: string
  policy: ForwardingPolicy
  /** the channel_update we would send in a failure, encoded, or empty */
  channelUpdate: Uint8Array
}

export interface RelayDeps {
  log: Logger
  bus: EventBus
  nodeSecret: Uint8Array
  replayLog: ReplayLog
  invoices: InvoiceRegistry
  records: KvLog<HtlcRecord>
  preimages: KvLog<Uint8Array>
  blockHeight(): number
  command(channel: string, command: ChannelCommand): StepResult
  channelByScid(scid: bigint): string | undefined
  channelView(channel: string): ChannelView | undefined
  /** test hook: keep payments to us pending instead of settling them */
  holdIncoming(): boolean
  /** an outgoing HTLC of one of our own payments was resolved */
  onLocalOutcome(record: Extract<HtlcRecord, { kind: 'local' }>, outcome: { preimage: Uint8Array } | { reason?: Uint8Array; malformedCode?: number; onChain: boolean }, channel: string, htlcId: bigint): void
}

/** Don't forward an HTLC whose outgoing expiry is this close to the tip (BOLT #2 suggests a few blocks). */
const EXPIRY_TOO_SOON_BLOCKS = 3

const outKey = (channel: string, id: bigint): string => `out:${channel}:${id}`
const settleKey = (channel: string, id: bigint): string => `settle:${channel}:${id}`

export class Relay {
  /**
   * Onions peeled while their HTLC waited to be committed, by the add object: the
   * curve work (an ECDH, a point multiplication) is done while the peer handles our
   * revoke_and_ack and commitment_signed, not after its revocation comes back.
   */
  private readonly peeledAhead = new WeakMap<UpdateAddHtlc, PeeledPayment>()

  constructor(private readonly d: RelayDeps) {}

  /** Every channel event the relay cares about. */
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
        return this.onOutgoingFailed(channel, event.htlc, event.reason, event.malformedCode, event.onChain)
      case 'htlc_settled':
        this.d.records.delete(settleKey(channel, event.htlc.id))
        return
      case 'update_discarded':
        // an HTLC we added never reached the peer's commitment: it failed before it started
        if (event.update.type === 'update_add_htlc') return this.onOutgoingDiscarded(channel, event.update.id)
        this.retrySettlements(channel)
        return
      case 'state_changed':
        // the channel is usable again: send our settlements again
        if (event.to !== 'NORMAL' && event.to !== 'SHUTDOWN' && event.to !== 'CLOSING') return
        this.retrySettlements(channel)
        return
      default:
        return
    }
  }

  /** Registers a payment attempt's HTLC, sent by the payment sender. */
  recordLocal(channel: string, id: bigint, paymentHash: Uint8Array, attempt: number): void {
    this.d.records.set(outKey(channel, id), { kind: 'local', paymentHash, attempt })
  }

  private settle(channel: string, command: Extract<HtlcRecord, { kind: 'settle' }>['command']): void {
    this.d.records.set(settleKey(channel, command.id), { kind: 'settle', channel, command })
    const r = this.d.command(channel, command)
    if (r.reply && !r.reply.ok && r.reply.code !== 'PEER_OFFLINE' && r.reply.code !== 'HTLC_ALREADY_SETTLED') {
      this.d.log.warn('could not settle an incoming HTLC yet', { channel, id: command.id.toString(), code: r.reply.code })
    }
  }

  private retrySettlements(channel: string): void {
    const prefix = `settle:${channel}:`
    for (const key of this.d.records.keys()) {
      if (!key.startsWith(prefix)) continue
      const r = this.d.records.get(key)
      if (r?.kind === 'settle') this.d.command(channel, r.command)
    }
  }

  private fail(channel: string, add: UpdateAddHtlc, sharedSecret: Uint8Array, failure: FailureMessage): void {
    this.d.bus.emit({ type: 'htlc_failed', channelId: channel, direction: 'incoming', htlcId: add.id, amountMsat: add.amountMsat, paymentHash: toHex(add.paymentHash), reason: failureName(failure.code) })
    this.settle(channel, { type: 'fail_htlc', id: add.id, reason: createFailure(sharedSecret, failure) })
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
    this.d.bus.emit({ type: 'htlc_added', channelId: channel, direction: 'incoming', htlcId: add.id, amountMsat: add.amountMsat, paymentHash: toHex(add.paymentHash), cltvExpiry: add.cltvExpiry })
    let peeled: ReturnType<typeof peelPaymentOnion>
    try {
      peeled = this.peeledAhead.get(add) ?? peelPaymentOnion(add.onionRoutingPacket, this.d.nodeSecret, add.paymentHash)
      this.peeledAhead.delete(add)
      checkReplay(peeled.sharedSecret, { log: this.d.replayLog, cltvExpiry: add.cltvExpiry })
    } catch (err) {
      if (!(err instanceof OnionError)) throw err
      this.d.log.info('cannot use the onion', { channel, id: add.id.toString(), code: err.code, reason: err.message })
      // an onion we could authenticate gets an encrypted failure; one we could not, a malformed report
      if (err.sharedSecret) this.fail(channel, add, err.sharedSecret, { code: err.failureCode, ...(err.failureCode === FAILURE.INVALID_ONION_PAYLOAD ? { tlvType: BigInt((err.details.tlvType as string | undefined) ?? 0), offset: Number(err.details.offset ?? 0) } : {}) })
      else this.settle(channel, { type: 'fail_malformed_htlc', id: add.id, sha256OfOnion: sha256(add.onionRoutingPacket), failureCode: err.failureCode })
      return
    }
    if (peeled.nextPacket === null) this.acceptFinal(channel, add, peeled.payload, peeled.sharedSecret)
    else this.forward(channel, add, peeled.payload, peeled.nextPacket, peeled.sharedSecret)
  }

  private acceptFinal(channel: string, add: UpdateAddHtlc, payload: HopPayload, sharedSecret: Uint8Array): void {
    const invoice = this.d.invoices.get(add.paymentHash)
    const height = this.d.blockHeight()
    const unknown = (): void => this.fail(channel, add, sharedSecret, { code: FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS, htlcMsat: add.amountMsat, height })
    if (payload.amtToForward > add.amountMsat) return this.fail(channel, add, sharedSecret, { code: FAILURE.FINAL_INCORRECT_HTLC_AMOUNT, incomingHtlcAmt: add.amountMsat })
    if (payload.outgoingCltvValue > add.cltvExpiry) return this.fail(channel, add, sharedSecret, { code: FAILURE.FINAL_INCORRECT_CLTV_EXPIRY, cltvExpiry: add.cltvExpiry })
    if (!invoice || this.d.invoices.isExpired(invoice)) return unknown()
    const secret = payload.paymentData?.paymentSecret
    if (!secret || toHex(secret) !== toHex(invoice.paymentSecret)) return unknown()
    // no multi-part payments: the HTLC must carry the whole amount
    if (payload.paymentData!.totalMsat !== add.amountMsat) return unknown()
    if (invoice.amountMsat !== null && (add.amountMsat < invoice.amountMsat || add.amountMsat > invoice.amountMsat * 2n)) return unknown()
    if (add.cltvExpiry < height + invoice.minFinalCltvExpiryDelta) return unknown()
    if (this.d.holdIncoming()) {
      this.d.records.set(`held:${channel}:${add.id}`, { kind: 'held', channel, id: add.id, preimage: invoice.preimage, paymentHash: add.paymentHash, amountMsat: add.amountMsat })
      this.d.log.info('holding a payment to us (test hook)', { channel, id: add.id.toString() })
      return
    }
    this.claim(channel, add.id, add.paymentHash, invoice.preimage, add.amountMsat, invoice)
  }

  private claim(channel: string, id: bigint, paymentHash: Uint8Array, preimage: Uint8Array, amountMsat: bigint, invoice = this.d.invoices.get(paymentHash)): void {
    this.d.preimages.set(toHex(paymentHash), preimage)
    if (invoice) this.d.invoices.markPaid(invoice, amountMsat)
    this.settle(channel, { type: 'fulfill_htlc', id, preimage })
    this.d.bus.emit({ type: 'payment_received', paymentHash: toHex(paymentHash), amountMsat })
  }

  /** Settles every held payment (test hook); returns how many. */
  releaseHeld(): number {
    let n = 0
    for (const key of this.d.records.keys()) {
      const r = this.d.records.get(key)
      if (r?.kind !== 'held') continue
      this.d.records.delete(key)
      this.claim(r.channel, r.id, r.paymentHash, r.preimage, r.amountMsat)
      n++
    }
    return n
  }

  private forward(channel: string, add: UpdateAddHtlc, payload: HopPayload, next: Uint8Array, sharedSecret: Uint8Array): void {
    const scid = payload.shortChannelId
    const out = scid === undefined ? undefined : this.d.channelByScid(scid)
    const view = out === undefined ? undefined : this.d.channelView(out)
    if (scid === undefined) return this.fail(channel, add, sharedSecret, { code: FAILURE.INVALID_ONION_PAYLOAD, tlvType: 6n, offset: 0 })
    if (!out || !view) return this.fail(channel, add, sharedSecret, { code: FAILURE.UNKNOWN_NEXT_PEER })
    const channelUpdate = view.channelUpdate
    const p = view.policy
    const fee = p.feeBaseMsat + (payload.amtToForward * p.feeProportionalMillionths) / 1_000_000n
    if (view.state !== 'NORMAL') return this.fail(channel, add, sharedSecret, { code: FAILURE.CHANNEL_DISABLED, disabledFlags: 0, channelUpdate })
    if (!view.connected) return this.fail(channel, add, sharedSecret, { code: FAILURE.TEMPORARY_CHANNEL_FAILURE, channelUpdate })
    if (payload.amtToForward < p.htlcMinimumMsat) return this.fail(channel, add, sharedSecret, { code: FAILURE.AMOUNT_BELOW_MINIMUM, htlcMsat: add.amountMsat, channelUpdate })
    if (add.amountMsat < payload.amtToForward || add.amountMsat - payload.amtToForward < fee) return this.fail(channel, add, sharedSecret, { code: FAILURE.FEE_INSUFFICIENT, htlcMsat: add.amountMsat, channelUpdate })
    if (add.cltvExpiry < payload.outgoingCltvValue + p.cltvExpiryDelta) return this.fail(channel, add, sharedSecret, { code: FAILURE.INCORRECT_CLTV_EXPIRY, cltvExpiry: add.cltvExpiry, channelUpdate })
    if (payload.outgoingCltvValue <= this.d.blockHeight() + EXPIRY_TOO_SOON_BLOCKS) return this.fail(channel, add, sharedSecret, { code: FAILURE.EXPIRY_TOO_SOON, channelUpdate })
    const r = this.d.command(out, { type: 'add_htlc', commandId: `forward:${channel}:${add.id}`, amountMsat: payload.amtToForward, paymentHash: add.paymentHash, cltvExpiry: payload.outgoingCltvValue, onionRoutingPacket: next })
    const reply = r.reply
    if (!reply?.ok || reply.htlcId === undefined) {
      this.d.log.info('cannot forward', { from: channel, to: out, code: reply && !reply.ok ? reply.code : 'unknown' })
      return this.fail(channel, add, sharedSecret, { code: FAILURE.TEMPORARY_CHANNEL_FAILURE, channelUpdate })
    }
    const result = { htlcId: reply.htlcId }
    this.d.records.set(outKey(out, result.htlcId), {
      kind: 'forward',
      paymentHash: add.paymentHash,
      sharedSecret,
      incoming: { channel, id: add.id, amountMsat: add.amountMsat },
      outgoing: { channel: out, id: result.htlcId, amountMsat: payload.amtToForward },
      startedAt: Date.now(),
    })
    this.d.bus.emit({ type: 'htlc_added', channelId: out, direction: 'outgoing', htlcId: result.htlcId, amountMsat: payload.amtToForward, paymentHash: toHex(add.paymentHash), cltvExpiry: payload.outgoingCltvValue })
  }

  private onOutgoingDiscarded(channel: string, id: bigint): void {
    const key = outKey(channel, id)
    const record = this.d.records.get(key)
    if (!record) return
    this.d.records.delete(key)
    if (record.kind === 'local') return this.d.onLocalOutcome(record, { onChain: false }, channel, id)
    if (record.kind !== 'forward') return
    this.settle(record.incoming.channel, { type: 'fail_htlc', id: record.incoming.id, reason: createFailure(record.sharedSecret, { code: FAILURE.TEMPORARY_CHANNEL_FAILURE }) })
  }

  private onOutgoingFulfilled(channel: string, htlc: HtlcInSpec, preimage: Uint8Array): void {
    this.d.preimages.set(toHex(htlc.paymentHash), preimage)
    this.d.bus.emit({ type: 'htlc_settled', channelId: channel, direction: 'outgoing', htlcId: htlc.id, amountMsat: htlc.amountMsat, paymentHash: toHex(htlc.paymentHash) })
    const key = outKey(channel, htlc.id)
    const record = this.d.records.get(key)
    if (!record) return
    this.d.records.delete(key)
    if (record.kind === 'local') return this.d.onLocalOutcome(record, { preimage }, channel, htlc.id)
    if (record.kind !== 'forward') return
    this.settle(record.incoming.channel, { type: 'fulfill_htlc', id: record.incoming.id, preimage })
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

  private onOutgoingFailed(channel: string, htlc: HtlcInSpec, reason: Uint8Array | undefined, malformedCode: number | undefined, onChain: boolean): void {
    this.d.bus.emit({ type: 'htlc_failed', channelId: channel, direction: 'outgoing', htlcId: htlc.id, amountMsat: htlc.amountMsat, paymentHash: toHex(htlc.paymentHash), reason: onChain ? 'timed out on chain' : malformedCode !== undefined ? failureName(malformedCode) : 'failed downstream' })
    const key = outKey(channel, htlc.id)
    const record = this.d.records.get(key)
    if (!record) return
    this.d.records.delete(key)
    if (record.kind === 'local') return this.d.onLocalOutcome(record, { ...(reason ? { reason } : {}), ...(malformedCode !== undefined ? { malformedCode } : {}), onChain }, channel, htlc.id)
    if (record.kind !== 'forward') return
    // a downstream failure is wrapped in our layer; one we saw ourselves (malformed, on chain) starts here
    const back = reason
      ? obfuscateFailure(record.sharedSecret, reason)
      : createFailure(record.sharedSecret, malformedCode !== undefined ? { code: malformedCode, sha256OfOnion: new Uint8Array(32) } : { code: FAILURE.PERMANENT_CHANNEL_FAILURE })
    this.settle(record.incoming.channel, { type: 'fail_htlc', id: record.incoming.id, reason: back })
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
