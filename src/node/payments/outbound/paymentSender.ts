/**
 * Sending a payment: decode the invoice (or, for keysend, choose the preimage),
 * find routes, wrap each in an onion, add the HTLCs on our channels, and wait for
 * the preimage or failures. A payment no single route can carry travels in parts
 * (BOLT #4 basic_mpp). A failure is attributed to the hop that produced it, taught
 * to the route finder, and its amount sent again, until the payment succeeds,
 * fails for good, runs out of attempts, or times out (like LND's and LDK's loops).
 */
import { randomBytes } from 'node:crypto'
import { fromHex, toHex } from '../../../core/bytes.js'
import { formatScid, type ShortChannelId } from '../../../core/shortChannelId.js'
import type { EventBus } from '../../eventBus.js'
import type { Logger } from '../../logger.js'
import type { KvLog } from '../../store/durableStore.js'
import { FAILURE, failureName, isPermanent } from '../../../routing/onion/failureCodes.js'
import type { FailureMessage } from '../../../routing/onion/failureMessage.js'
import type { HopPayload } from '../../../routing/onion/hopPayload.js'
import { createPaymentOnion } from '../../../routing/onion/paymentOnion.js'
import { attributeFailure } from '../../../routing/onion/returningErrors.js'
import type { Route } from '../../../routing/route.js'
import type { RouteHint } from '../../../routing/routeHint.js'
import type { PaymentHop, PaymentPart, PaymentRecord } from './paymentRecord.js'
import type { MissionControl } from '../../../routing/missionControl.js'
import { outgoingKey, type HtlcRecord } from '../switch/htlcRecord.js'
import type { LocalOutcome, LocalPayments } from '../switch/htlcSwitch.js'
import type { ChannelCommands } from '../switch/settlements.js'
import { NodeError } from '../../errors.js'
import { sha256 } from '../../../crypto/hash.js'
import { FEATURE_BITS, hasFeatureBit } from '../../../wire/features.js'

export interface InvoiceToPay {
  network: string
  paymentHash: Uint8Array
  paymentSecret: Uint8Array | null
  amountMsat: bigint | null
  payee: Uint8Array
  minFinalCltvExpiryDelta: number
  /** the invoice's `r` fields: private channels that lead to the payee */
  routeHints?: RouteHint[]
  expiresAt: number
  /** the invoice offers basic_mpp: the payment may arrive in parts */
  multiPart: boolean
}

export interface PlannedRoute {
  /** our channel carrying the first hop */
  firstChannel: string
  hops: PaymentHop[]
  totalAmountMsat: bigint
  totalFeeMsat: bigint
  /** the route as pathfinding returned it, for mission control */
  route?: Route
}

export interface RouteRequest {
  destination: Uint8Array
  amountMsat: bigint
  finalCltvExpiry: number
  maxFeeMsat: bigint
  /** our channels that refused this payment's HTLC already */
  avoidChannels: ReadonlySet<string>
  /** what other parts of the payment, planned but not sent yet, take from our channels' balance, by channel */
  localSpentMsat?: ReadonlyMap<string, bigint>
  /** the invoice's private routes to the payee */
  routeHints?: readonly RouteHint[]
  /** route only over these channels */
  onlyChannels?: ReadonlySet<ShortChannelId>
}

export interface SenderComponents {
  log: Logger
  bus: EventBus
  /** the invoice network this node pays on */
  network: string
  ourNodeId: string
  payments: KvLog<PaymentRecord>
  htlcs: KvLog<HtlcRecord>
  tip: { readonly height: number }
  decodeInvoice(text: string): InvoiceToPay
  routes: { find(req: RouteRequest): PlannedRoute | undefined }
  /** the features a node announced, when its announcement has reached us */
  nodeFeatures(nodeId: string): Uint8Array | undefined
  missionControl: MissionControl
  channels: ChannelCommands
  /**
   * puts the onion's `upgrade_accountability` (lightning/bolts#1280) in every forwarding hop's payload: each may then
   * forward our HTLC as accountable, which its policy needs to give it congestion or protected resources
   */
  upgradeAccountability: boolean
}

export interface PayOptions {
  amountMsat?: bigint
  timeoutMs: number
  maxFeeMsat?: bigint
  /** HTLCs that may fail before the payment gives up. @default 10 */
  maxAttempts?: number
  /** the most HTLCs the payment may travel in at once; 1 never splits it. @default DEFAULT_MAX_PARTS */
  maxParts?: number
  /**
   * the channels the payment must take, no others: it travels whole, once (as LND's sendtoroute), and fails when they
   * do not make a path to the payee
   */
  onlyChannels?: ReadonlySet<ShortChannelId>
}

/** LND's and Core Lightning's default limit on the parts of one payment. */
export const DEFAULT_MAX_PARTS = 16
const DEFAULT_MAX_ATTEMPTS = 10
/** BOLT #11's default min_final_cltv_expiry_delta, which a keysend payment (no invoice) is sent with. */
const KEYSEND_FINAL_CLTV_DELTA = 18
/** Blocks added to the payee's final expiry, so a block found while the payment travels does not make it too soon. */
const FINAL_CLTV_MARGIN = 3

/** What a payment pays, whether an invoice or keysend asked for it. */
interface PaymentTarget {
  paymentHash: Uint8Array
  payee: Uint8Array
  amountMsat: bigint
  minFinalCltvExpiryDelta: number
  /** an invoice's; null for keysend */
  paymentSecret: Uint8Array | null
  /** keysend's; null for an invoice */
  keysendPreimage: Uint8Array | null
  /** the payee takes the payment in parts (basic_mpp) */
  multiPart: boolean
  /** the invoice's private routes to the payee */
  routeHints?: readonly RouteHint[] | undefined
}

type Outcome = LocalOutcome
type AttemptOutcome =
  | { preimage: Uint8Array }
  | { reason?: Uint8Array; malformedCode?: number; onChain: boolean; sharedSecrets: Uint8Array[] }
  | { error: { code: string; message: string } }

/** One HTLC of a payment, on its way. */
interface PartInFlight {
  amountMsat: bigint
  route: PlannedRoute
  outcome: Promise<AttemptOutcome>
}

export class PaymentSender implements LocalPayments {
  private readonly waiters = new Map<string, (o: Outcome) => void>()

  constructor(private readonly d: SenderComponents) {}

  /** Called by the switch when an HTLC of ours is resolved. */
  onHtlcResolved(
    record: Extract<HtlcRecord, { kind: 'local' }>,
    outcome: Outcome,
    channel: string,
    htlcId: bigint,
  ): void {
    const waiter = this.waiters.get(`${channel}:${htlcId}`)
    if (waiter) {
      this.waiters.delete(`${channel}:${htlcId}`)
      waiter(outcome)
      return
    }
    // nobody is waiting (the node restarted meanwhile): record the result anyway
    const p = this.d.payments.get(toHex(record.paymentHash))
    if (!p || p.status !== 'pending') return
    this.d.payments.set(
      p.paymentHash,
      'preimage' in outcome
        ? { ...p, status: 'succeeded', preimage: toHex(outcome.preimage), settledAt: Date.now() }
        : {
            ...p,
            status: 'failed',
            failure: {
              code: 'FAILED_AFTER_RESTART',
              message: 'the payment failed while nobody was waiting for it',
              failingNode: null,
            },
            settledAt: Date.now(),
          },
    )
  }

  async pay(invoiceText: string, options: PayOptions): Promise<PaymentRecord> {
    const inv = this.d.decodeInvoice(invoiceText)
    if (inv.network !== this.d.network)
      throw new NodeError(
        'WRONG_NETWORK',
        `the invoice is for network "${inv.network}", this node is on "${this.d.network}"`,
      )
    if (Date.now() > inv.expiresAt)
      throw new NodeError('INVOICE_EXPIRED', 'the invoice has expired: ask the payee for a new one')
    if (toHex(inv.payee) === this.d.ourNodeId) throw new NodeError('PAYING_SELF', 'this invoice is our own')
    const amountMsat = inv.amountMsat ?? options.amountMsat
    if (amountMsat === undefined || amountMsat <= 0n)
      throw new NodeError('AMOUNT_REQUIRED', 'the invoice names no amount: pass one (amountMsat)')
    if (inv.amountMsat !== null && options.amountMsat !== undefined && options.amountMsat !== inv.amountMsat)
      throw new NodeError('AMOUNT_MISMATCH', `the invoice asks for ${inv.amountMsat} msat`)
    if (!inv.paymentSecret)
      throw new NodeError('NO_PAYMENT_SECRET', 'the invoice has no payment secret, which lnsim requires')
    return this.send(
      {
        paymentHash: inv.paymentHash,
        payee: inv.payee,
        amountMsat,
        minFinalCltvExpiryDelta: inv.minFinalCltvExpiryDelta,
        paymentSecret: inv.paymentSecret,
        keysendPreimage: null,
        multiPart: inv.multiPart,
        routeHints: inv.routeHints,
      },
      options,
    )
  }

  /**
   * A spontaneous payment (bLIP-3 keysend): we choose the preimage and send it to the payee inside the onion, so no
   * invoice is needed. One HTLC, as LND sends it: a keysend payment is not split.
   */
  async keysend(destination: string, amountMsat: bigint, options: PayOptions): Promise<PaymentRecord> {
    if (destination === this.d.ourNodeId) throw new NodeError('PAYING_SELF', 'a keysend to ourselves')
    if (amountMsat <= 0n) throw new NodeError('AMOUNT_REQUIRED', 'a keysend payment needs an amount above 0')
    const features = this.d.nodeFeatures(destination)
    if (features && !FEATURE_BITS.keysend.some((bit) => hasFeatureBit(features, bit)))
      throw new NodeError(
        'KEYSEND_NOT_SUPPORTED',
        `${destination.slice(0, 16)}… does not announce keysend (feature bit 55): pay it an invoice instead`,
      )
    const preimage = new Uint8Array(randomBytes(32))
    const record = await this.send(
      {
        paymentHash: sha256(preimage),
        payee: fromHex(destination),
        amountMsat,
        minFinalCltvExpiryDelta: KEYSEND_FINAL_CLTV_DELTA,
        paymentSecret: null,
        keysendPreimage: preimage,
        multiPart: false,
      },
      options,
    )
    return record
  }

  /**
   * The payment loop, as LND's and Core Lightning's: the whole amount is tried on
   * one route first; when no route carries what is left, it is halved (down to
   * 1/maxParts of the payment) and the halves go on their own routes, in flight
   * together. A failed part is attributed to its hop, taught to mission control and
   * its amount sent again; the payee settles every part once they add up.
   */
  private async send(t: PaymentTarget, options: PayOptions): Promise<PaymentRecord> {
    const hashHex = toHex(t.paymentHash)
    const previous = this.d.payments.get(hashHex)
    if (previous?.status === 'succeeded') throw new NodeError('ALREADY_PAID', 'this invoice was already paid')
    if (previous?.status === 'pending')
      throw new NodeError('PAYMENT_IN_PROGRESS', 'a payment for this invoice is already in progress')
    const started = Date.now()
    let record: PaymentRecord = {
      paymentHash: hashHex,
      destination: toHex(t.payee),
      amountMsat: t.amountMsat,
      status: 'pending',
      feeMsat: 0n,
      route: [],
      parts: [],
      attempts: 0,
      ...(t.keysendPreimage ? { keysend: true } : {}),
      preimage: null,
      failure: null,
      createdAt: started,
      settledAt: null,
    }
    const save = (r: PaymentRecord): PaymentRecord => {
      record = r
      this.d.payments.set(hashHex, r)
      return r
    }
    save(record)

    // a path given by the caller has nothing to retry or split over
    const fixedPath = options.onlyChannels !== undefined
    const maxParts = t.multiPart && !fixedPath ? Math.max(1, options.maxParts ?? DEFAULT_MAX_PARTS) : 1
    const maxFailures = fixedPath ? 1 : (options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)
    const maxFeeMsat = options.maxFeeMsat ?? t.amountMsat / 20n + 10_000n
    /** no part smaller than this: halving stops there */
    const minPartMsat = (t.amountMsat + BigInt(maxParts) - 1n) / BigInt(maxParts)
    /** our channels that refused a part, with the smallest amount each refused */
    const refused = new Map<string, bigint>()
    const inFlight = new Set<PartInFlight>()
    const arrived: PaymentPart[] = []
    let remaining = t.amountMsat
    let largestPart = t.amountMsat
    let failures = 0
    let preimage: Uint8Array | undefined
    let stop: { code: string; message: string; node: string | null } | undefined
    let lastError: { code: string; message: string; node: string | null } | undefined
    const feesInFlight = (): bigint => [...inFlight].reduce((sum, p) => sum + p.route.totalFeeMsat, 0n)

    for (;;) {
      // send what is left, in as few parts as routes allow; only once every part has a route, so a payment that
      // cannot arrive whole strands nothing at the payee
      if (!stop && !preimage && remaining > 0n) {
        const finalCltvExpiry = this.d.tip.height + t.minFinalCltvExpiryDelta + FINAL_CLTV_MARGIN
        const plan =
          Date.now() - started > options.timeoutMs
            ? undefined
            : this.planParts(remaining, {
                destination: t.payee,
                finalCltvExpiry,
                maxFeeMsat: maxFeeMsat - feesInFlight(),
                partsLeft: maxParts - inFlight.size,
                minPartMsat,
                largestPart,
                refused,
                routeHints: t.routeHints,
                onlyChannels: options.onlyChannels,
              })
        if (plan) {
          largestPart = plan.largestPart
          for (const { amountMsat, route } of plan.parts) {
            save({ ...record, attempts: record.attempts + 1, route: route.hops })
            this.d.bus.emit({
              type: 'payment_attempt',
              paymentHash: hashHex,
              route: route.hops.map(apiHop),
              attempt: record.attempts,
              amountMsat,
            })
            const outcome = this.attempt(route, t, amountMsat, record.attempts, finalCltvExpiry)
            inFlight.add({ amountMsat, route, outcome })
            remaining -= amountMsat
          }
        } else if (inFlight.size === 0) {
          // (with parts on their way, wait: their failures may free what this needs)
          stop =
            Date.now() - started > options.timeoutMs
              ? {
                  code: 'TIMEOUT',
                  message:
                    `no success within ${options.timeoutMs} ms` +
                    (lastError ? ` (last error: ${lastError.message})` : ''),
                  node: lastError?.node ?? null,
                }
              : {
                  code: lastError?.code ?? 'NO_ROUTE',
                  message: lastError
                    ? `no other route after: ${lastError.message}`
                    : `no route to ${toHex(t.payee).slice(0, 16)}… for ${remaining} msat` +
                      (maxParts > 1 ? ` in up to ${maxParts} parts` : '') +
                      ' (not enough capacity or channels)',
                  node: lastError?.node ?? null,
                }
        }
      }
      if (inFlight.size === 0) break

      const { part, outcome } = await Promise.race(
        [...inFlight].map((p) => p.outcome.then((o) => ({ part: p, outcome: o }))),
      )
      inFlight.delete(part)
      if ('preimage' in outcome) {
        preimage = outcome.preimage
        arrived.push({ route: part.route.hops, amountMsat: part.amountMsat, feeMsat: part.route.totalFeeMsat })
        if (part.route.route) this.d.missionControl.recordSuccess(part.route.route, Date.now())
        continue
      }
      remaining += part.amountMsat
      failures++
      if ('error' in outcome) {
        // our own channel refused it (offline, not enough balance): a local matter, not a lesson about the network
        lastError = { code: outcome.error.code, message: outcome.error.message, node: this.d.ourNodeId }
        const before = refused.get(part.route.firstChannel)
        if (before === undefined || part.amountMsat < before) refused.set(part.route.firstChannel, part.amountMsat)
      } else {
        const failed = this.interpretFailure(part.route, outcome)
        lastError = failed.error
        if (part.route.route)
          this.d.missionControl.recordFailure(part.route.route, failed.hopIndex, failed.failure, Date.now())
        if (failed.final) stop ??= failed.error
      }
      if (failures >= maxFailures && !stop)
        stop = {
          code: lastError.code,
          message: `gave up after ${record.attempts} attempts: ${lastError.message}`,
          node: lastError.node,
        }
    }

    if (preimage) {
      const feeMsat = sumFees(arrived)
      const r = save({
        ...record,
        status: 'succeeded',
        preimage: toHex(preimage),
        route: arrived[0]!.route,
        parts: arrived,
        feeMsat,
        settledAt: Date.now(),
      })
      this.d.bus.emit({
        type: 'payment_sent',
        paymentHash: hashHex,
        amountMsat: t.amountMsat,
        feeMsat,
        route: arrived[0]!.route.map(apiHop),
        parts: arrived.map((p) => ({ route: p.route.map(apiHop), amountMsat: p.amountMsat, feeMsat: p.feeMsat })),
        attempts: r.attempts,
        latencyMs: Date.now() - started,
      })
      return r
    }
    const failure = stop ?? {
      code: lastError?.code ?? 'ATTEMPTS_EXHAUSTED',
      message: `gave up after ${record.attempts} attempts${lastError ? `: ${lastError.message}` : ''}`,
      node: lastError?.node ?? null,
    }
    const r = save({
      ...record,
      status: 'failed',
      feeMsat: 0n,
      failure: { code: failure.code, message: failure.message, failingNode: failure.node },
      settledAt: Date.now(),
    })
    this.d.bus.emit({
      type: 'payment_failed',
      paymentHash: hashHex,
      amountMsat: t.amountMsat,
      code: failure.code,
      message: failure.message,
      attempts: r.attempts,
      latencyMs: Date.now() - started,
    })
    return r
  }

  /**
   * Routes for `amountMsat`, whole or in parts, each found as if the parts before it were already on their way
   * (they spend our channels' balance); undefined when no split into at most `partsLeft` parts has routes. A part
   * too large for any route is halved, down to `minPartMsat`.
   */
  private planParts(
    amountMsat: bigint,
    p: {
      destination: Uint8Array
      finalCltvExpiry: number
      maxFeeMsat: bigint
      partsLeft: number
      minPartMsat: bigint
      largestPart: bigint
      refused: ReadonlyMap<string, bigint>
      routeHints?: readonly RouteHint[] | undefined
      onlyChannels?: ReadonlySet<ShortChannelId> | undefined
    },
  ): { parts: Array<{ amountMsat: bigint; route: PlannedRoute }>; largestPart: bigint } | undefined {
    const parts: Array<{ amountMsat: bigint; route: PlannedRoute }> = []
    const spent = new Map<string, bigint>()
    let left = amountMsat
    let largest = p.largestPart
    let fees = 0n
    while (left > 0n) {
      if (parts.length >= p.partsLeft) return undefined
      const amount = left < largest ? left : largest
      const route = this.d.routes.find({
        destination: p.destination,
        amountMsat: amount,
        finalCltvExpiry: p.finalCltvExpiry,
        maxFeeMsat: p.maxFeeMsat - fees,
        avoidChannels: new Set([...p.refused].filter(([, at]) => at <= amount).map(([key]) => key)),
        localSpentMsat: spent,
        ...(p.routeHints ? { routeHints: p.routeHints } : {}),
        ...(p.onlyChannels ? { onlyChannels: p.onlyChannels } : {}),
      })
      if (!route) {
        // two smaller parts may each find a way where this one did not
        const half = amount / 2n
        if (half >= p.minPartMsat && parts.length + 2 <= p.partsLeft) {
          largest = half
          continue
        }
        return undefined
      }
      parts.push({ amountMsat: amount, route })
      spent.set(route.firstChannel, (spent.get(route.firstChannel) ?? 0n) + route.totalAmountMsat)
      fees += route.totalFeeMsat
      left -= amount
    }
    return { parts, largestPart: largest }
  }

  /** Which hop failed a part, and how; `final` when another route cannot help (the payee said no). */
  private interpretFailure(
    route: PlannedRoute,
    outcome: Extract<AttemptOutcome, { sharedSecrets: Uint8Array[] }>,
  ): {
    error: { code: string; message: string; node: string | null }
    hopIndex: number | undefined
    failure: FailureMessage | undefined
    final: boolean
  } {
    // a malformed report comes from the node after the one that sent it
    const attributed = outcome.reason ? attributeFailure(outcome.sharedSecrets, outcome.reason) : undefined
    let failure: FailureMessage | undefined
    let hopIndex: number | undefined
    if (attributed?.type === 'attributed') {
      failure = attributed.failure
      hopIndex = attributed.failingHopIndex
    } else if (attributed?.type === 'malformed') {
      hopIndex = attributed.failingHopIndex
    } else if (outcome.malformedCode !== undefined) {
      failure = { code: outcome.malformedCode }
      hopIndex = 0
    }
    const code = failure?.code ?? FAILURE.TEMPORARY_CHANNEL_FAILURE
    const failingNode = hopIndex === undefined ? null : (route.hops[hopIndex]?.nodeId ?? null)
    const where = failingNode ? failingNode.slice(0, 16) + '…' : 'an unknown hop'
    const atDestination = hopIndex === route.hops.length - 1
    return {
      error: {
        code: failureName(code).toUpperCase(),
        message: `${failureName(code)} at ${where}${outcome.onChain ? ' (on chain)' : ''}`,
        node: failingNode,
      },
      hopIndex,
      failure,
      // the payee's mpp_timeout only says the other parts were late: sending them again can succeed
      final:
        atDestination &&
        code !== FAILURE.MPP_TIMEOUT &&
        (code === FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS ||
          isPermanent(code) ||
          code === FAILURE.FINAL_INCORRECT_CLTV_EXPIRY ||
          code === FAILURE.FINAL_INCORRECT_HTLC_AMOUNT),
    }
  }

  private async attempt(
    route: PlannedRoute,
    t: PaymentTarget,
    amountMsat: bigint,
    attempt: number,
    finalCltvExpiry: number,
  ): Promise<AttemptOutcome> {
    // the onion: each hop is told what to forward to the next one; the last one gets the payment secret and the
    // total of all parts, or the keysend preimage
    const hops = route.hops.map((h, i) => {
      const next = route.hops[i + 1]
      const payload: HopPayload = next
        ? {
            amtToForward: next.amountMsat,
            outgoingCltvValue: next.cltvExpiry,
            shortChannelId: next.shortChannelId,
            ...(this.d.upgradeAccountability ? { upgradeAccountability: true } : {}),
          }
        : {
            amtToForward: amountMsat,
            outgoingCltvValue: finalCltvExpiry,
            ...(t.paymentSecret ? { paymentData: { paymentSecret: t.paymentSecret, totalMsat: t.amountMsat } } : {}),
            ...(t.keysendPreimage ? { keysendPreimage: t.keysendPreimage } : {}),
          }
      return { pubkey: fromHex(h.nodeId), payload }
    })
    const { packet, sharedSecrets } = createPaymentOnion(new Uint8Array(randomBytes(32)), hops, t.paymentHash)
    const first = route.hops[0]!
    const r = this.d.channels.command(route.firstChannel, {
      type: 'add_htlc',
      commandId: `pay:${toHex(t.paymentHash)}:${attempt}`,
      amountMsat: first.amountMsat,
      paymentHash: t.paymentHash,
      cltvExpiry: first.cltvExpiry,
      onionRoutingPacket: packet,
    })
    if (!r.reply?.ok || r.reply.htlcId === undefined)
      return {
        error:
          r.reply && !r.reply.ok
            ? { code: r.reply.code, message: r.reply.message }
            : { code: 'CHANNEL_UNAVAILABLE', message: 'the first channel did not take the HTLC' },
      }
    const htlcId = r.reply.htlcId
    this.d.htlcs.set(outgoingKey(route.firstChannel, htlcId), { kind: 'local', paymentHash: t.paymentHash, attempt })
    // as the switch tells of the HTLCs it forwards: what our own payment locks of our balance, until it resolves
    this.d.bus.emit({
      type: 'htlc_added',
      channelId: route.firstChannel,
      direction: 'outgoing',
      htlcId,
      amountMsat: first.amountMsat,
      paymentHash: toHex(t.paymentHash),
      cltvExpiry: first.cltvExpiry,
    })
    const key = `${route.firstChannel}:${htlcId}`
    // once the HTLC is out only the network can resolve it, however long that takes: no timeout here
    return new Promise((resolve) => {
      this.waiters.set(key, (o) => resolve('preimage' in o ? o : { ...o, sharedSecrets }))
    })
  }
}

function sumFees(parts: readonly PaymentPart[]): bigint {
  return parts.reduce((sum, p) => sum + p.feeMsat, 0n)
}

export function apiHop(h: PaymentHop): {
  nodeId: string
  shortChannelId: string
  amountMsat: bigint
  feeMsat: bigint
  cltvExpiry: number
} {
  return {
    nodeId: h.nodeId,
    shortChannelId: formatScid(h.shortChannelId),
    amountMsat: h.amountMsat,
    feeMsat: h.feeMsat,
    cltvExpiry: h.cltvExpiry,
  }
}
