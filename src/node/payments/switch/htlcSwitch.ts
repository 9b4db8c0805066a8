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
import { formatScid } from '../../../core/shortChannelId.js'
import type { InterceptedHtlc } from '../../../api/node/interception.js'
import { NodeError } from '../../errors.js'
import { relayAccountable } from '../policy/accountability.js'
import type { ForwardProposal, HtlcPolicy } from '../policy/htlcPolicy.js'
import type { ForwardingPolicy } from './forwardingPolicy.js'
import type { DecidedBy, HtlcInterceptors, InterceptAnswer, InterceptDecision } from './htlcInterceptors.js'
import { heldKey, outgoingKey, type HtlcRecord } from './htlcRecord.js'
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
  /** may this node take on a forward, and is it accountable downstream (policy/htlcPolicy.ts) */
  htlcPolicy: HtlcPolicy
  interceptors: HtlcInterceptors<InterceptedInfo>
  /** the dust exposure and fee-spike limits an incoming HTLC must keep (DEFAULT_FEE_LIMITS when absent) */
  feeLimits?: FeeLimits
}

/** What an interceptor is shown of a held HTLC (the deadline is added when it is sent). */
export type InterceptedInfo = Omit<InterceptedHtlc, 'deadline'>

/** A held HTLC is failed back this many blocks before its incoming expiry, whatever the interceptor said. */
export const INTERCEPT_EXPIRY_MARGIN_BLOCKS = 12

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
      accountable: add.accountable === true,
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
    if (!this.d.interceptors.active) return this.route(channel, add, peeled)
    // held in the same flush as the channel state that committed it: a restart offers it again
    const { type: _type, channelId: _channelId, ...kept } = add
    this.d.htlcs.set(heldKey(channel, add.id), { kind: 'held', channel, add: kept, heldAt: Date.now() })
    this.hold(channel, add, peeled, Date.now())
  }

  /** Offers the HTLCs held before a restart again, with a fresh timeout (their onions were checked then). */
  start(): void {
    for (const key of this.d.htlcs.keys()) {
      const r = this.d.htlcs.get(key)
      if (r?.kind !== 'held') continue
      const add: UpdateAddHtlc = { type: 'update_add_htlc', channelId: new Uint8Array(32), ...r.add }
      let peeled: PeeledPayment
      try {
        peeled = peelPaymentOnion(add.onionRoutingPacket, this.d.nodeSecret, add.paymentHash)
      } catch {
        // it peeled before the restart: the same key and bytes peel the same way
        continue
      }
      this.hold(r.channel, add, peeled, r.heldAt)
    }
  }

  stop(): void {
    this.d.interceptors.stop()
  }

  /** A new interceptor (the control API's stream): shown every held HTLC; the returned function disconnects it. */
  subscribeInterceptor(send: (htlc: InterceptedHtlc) => void): () => void {
    return this.d.interceptors.subscribe(send)
  }

  /** Held HTLCs must not outlive their incoming expiry: close to it they fail back, whatever was answered. */
  onBlock(height: number): void {
    this.d.interceptors.expire((h) => h.incomingExpiry <= height + INTERCEPT_EXPIRY_MARGIN_BLOCKS)
  }

  /** An interceptor's answer for held HTLC `id` (checked here: a settle's preimage must match the payment hash). */
  answerIntercepted(id: string, answer: InterceptAnswer): ReturnType<HtlcInterceptors<InterceptedInfo>['answer']> {
    if (answer.action === 'settle') {
      const held = this.heldInfo(id)
      if (held && toHex(sha256(answer.preimage)) !== held.paymentHash)
        throw new NodeError('INVALID_INTERCEPT_DECISION', `the preimage does not hash to ${held.paymentHash}`, { id })
    }
    return this.d.interceptors.answer(id, answer)
  }

  private readonly heldInfos = new Map<string, InterceptedInfo>()

  private heldInfo(id: string): InterceptedInfo | undefined {
    return this.heldInfos.get(id)
  }

  private hold(channel: string, add: UpdateAddHtlc, peeled: PeeledPayment, heldAt: number): void {
    const info = this.interceptedInfo(channel, add, peeled, heldAt)
    this.heldInfos.set(info.id, info)
    this.d.interceptors.offer(info, (d, by) => {
      this.heldInfos.delete(info.id)
      this.decided(channel, add, peeled, info, d, by)
    })
  }

  private decided(
    channel: string,
    add: UpdateAddHtlc,
    peeled: PeeledPayment,
    info: InterceptedInfo,
    d: InterceptDecision,
    by: DecidedBy,
  ): void {
    this.d.htlcs.delete(heldKey(channel, add.id))
    this.d.bus.emit({
      type: 'htlc_intercepted',
      id: info.id,
      channelId: channel,
      htlcId: add.id,
      paymentHash: info.paymentHash,
      amountMsat: add.amountMsat,
      action: d.action,
      decidedBy: by,
      failure: d.action === 'fail' ? failureName(d.failureCode) : null,
    })
    this.d.log.info('intercepted HTLC decided', { id: info.id, action: d.action, by })
    if (d.action === 'resume') return this.route(channel, add, peeled)
    if (d.action === 'settle') {
      this.d.preimages.set(info.paymentHash, d.preimage)
      return this.d.settlements.settle(channel, { type: 'fulfill_htlc', id: add.id, preimage: d.preimage })
    }
    if (d.failureCode & 0x8000)
      // a BADONION code travels unencrypted, as update_fail_malformed_htlc (BOLT #2)
      return this.d.settlements.settle(channel, {
        type: 'fail_malformed_htlc',
        id: add.id,
        sha256OfOnion: sha256(add.onionRoutingPacket),
        failureCode: d.failureCode,
      })
    const out = info.outgoing?.channelId ?? undefined
    this.d.settlements.fail(channel, add, peeled.sharedSecret, {
      code: d.failureCode,
      // every data field a code may carry, filled from the HTLC: encodeFailureMessage writes those its code has
      htlcMsat: add.amountMsat,
      incomingHtlcAmt: add.amountMsat,
      cltvExpiry: add.cltvExpiry,
      height: this.d.tip.height,
      disabledFlags: 0,
      channelUpdate: out ? this.d.gossip.channelUpdateBytes(out) : new Uint8Array(0),
      sha256OfOnion: sha256(add.onionRoutingPacket),
      tlvType: 0n,
      offset: 0,
    })
  }

  private interceptedInfo(channel: string, add: UpdateAddHtlc, peeled: PeeledPayment, heldAt: number): InterceptedInfo {
    const payload = peeled.payload
    const scid = payload.shortChannelId
    const out = scid === undefined ? undefined : this.d.channels.byShortChannelId(scid)
    return {
      id: `${channel}:${add.id}`,
      incomingChannelId: channel,
      incomingHtlcId: add.id,
      incomingPeer: this.d.channels.get(channel)?.peer ?? null,
      paymentHash: toHex(add.paymentHash),
      amountMsat: add.amountMsat,
      incomingExpiry: add.cltvExpiry,
      accountable: add.accountable === true,
      upgradeAccountability: payload.upgradeAccountability === true,
      final: peeled.nextPacket === null,
      outgoing:
        peeled.nextPacket === null || scid === undefined
          ? null
          : {
              shortChannelId: formatScid(scid),
              channelId: out ?? null,
              peer: out ? (this.d.channels.get(out)?.peer ?? null) : null,
              amountMsat: payload.amtToForward,
              expiry: payload.outgoingCltvValue,
            },
      heldAt: new Date(heldAt).toISOString(),
    }
  }

  /** Where a usable HTLC goes: to the receive room if we are its last hop, on to the next channel if not. */
  private route(channel: string, add: UpdateAddHtlc, peeled: PeeledPayment): void {
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
    const proposal = this.proposal(channel, add, payload, out)
    const verdict = this.d.htlcPolicy.decide(proposal)
    if (!verdict.forward) {
      const code = verdict.failureCode ?? FAILURE.TEMPORARY_CHANNEL_FAILURE
      this.d.log.info('the forwarding policy refused an HTLC', { from: channel, to: out, reason: verdict.reason })
      this.d.bus.emit({
        type: 'htlc_refused',
        policy: this.d.htlcPolicy.kind,
        incomingChannel: channel,
        htlcId: add.id,
        outgoingChannel: out,
        outgoingPeer: proposal.outgoingPeer,
        amountMsat: add.amountMsat,
        paymentHash: toHex(add.paymentHash),
        accountable: proposal.incomingAccountable,
        reason: verdict.reason,
        failure: failureName(code),
      })
      return this.d.settlements.fail(channel, add, sharedSecret, {
        code,
        htlcMsat: add.amountMsat,
        height: this.d.tip.height,
        cltvExpiry: add.cltvExpiry,
        incomingHtlcAmt: add.amountMsat,
        disabledFlags: 0,
        channelUpdate,
      })
    }
    // the relay rules bind whatever the policy wanted (MUST set when the incoming HTLC had it, MUST NOT add it unasked)
    const accountable = relayAccountable(
      proposal.incomingAccountable,
      proposal.upgradeAccountability,
      verdict.accountable,
    )
    const r = this.d.channels.command(out, {
      type: 'add_htlc',
      commandId: `forward:${channel}:${add.id}`,
      amountMsat: payload.amtToForward,
      paymentHash: add.paymentHash,
      cltvExpiry: payload.outgoingCltvValue,
      onionRoutingPacket: next,
      accountable,
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
    this.d.htlcPolicy.forwarded(proposal, { ...verdict, accountable })
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
      accountable,
    })
  }

  private proposal(channel: string, add: UpdateAddHtlc, payload: HopPayload, out: string): ForwardProposal {
    const incoming = this.d.channels.get(channel)
    const commitments = incoming ? commitmentsOf(incoming.data) : undefined
    const local = commitments?.localParams
    // lnsim grants max_htlc_value_in_flight_msat without limit by default: the channel's capacity is the real bound
    const capacityMsat = (commitments?.capacitySat ?? 0n) * 1000n
    const inFlightLimit = local
      ? local.maxHtlcValueInFlightMsat < capacityMsat
        ? local.maxHtlcValueInFlightMsat
        : capacityMsat
      : 0n
    return {
      incomingChannel: channel,
      incomingPeer: incoming?.peer ?? '',
      incomingHtlcId: add.id,
      outgoingChannel: out,
      outgoingPeer: this.d.channels.get(out)?.peer ?? '',
      incomingAmountMsat: add.amountMsat,
      outgoingAmountMsat: payload.amtToForward,
      incomingExpiry: add.cltvExpiry,
      outgoingExpiry: payload.outgoingCltvValue,
      height: this.d.tip.height,
      incomingAccountable: add.accountable === true,
      upgradeAccountability: payload.upgradeAccountability === true,
      incomingLimits: {
        maxAcceptedHtlcs: local?.maxAcceptedHtlcs ?? 0,
        maxHtlcValueInFlightMsat: inFlightLimit,
      },
      now: Date.now(),
    }
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
    this.resolvedForward(record, false)
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
    this.resolvedForward(record, true)
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
    this.resolvedForward(record, false)
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

  private resolvedForward(record: Extract<HtlcRecord, { kind: 'forward' }>, settled: boolean): void {
    this.d.htlcPolicy.resolved({
      incomingChannel: record.incoming.channel,
      incomingHtlcId: record.incoming.id,
      settled,
      now: Date.now(),
    })
  }
}
