/**
 * Sending a payment: decode the invoice, find a route, wrap it in an onion,
 * add the HTLC on the first channel, and wait for the preimage or a failure. A
 * failure is attributed to the hop that produced it, taught to the route finder,
 * and another route is tried, until the payment succeeds, fails for good, runs
 * out of attempts, or times out (like LND's and LDK's payment loops).
 */
import { randomBytes } from 'node:crypto'
import { fromHex, toHex } from '../../../core/bytes.js'
import { formatScid } from '../../../core/shortChannelId.js'
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
import type { PaymentHop, PaymentRecord } from './paymentRecord.js'
import type { MissionControl } from '../../../routing/missionControl.js'
import { outgoingKey, type HtlcRecord } from '../switch/htlcRecord.js'
import type { LocalOutcome, LocalPayments } from '../switch/htlcSwitch.js'
import type { ChannelCommands } from '../switch/settlements.js'
import { NodeError } from '../../errors.js'

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
  /** the invoice's private routes to the payee */
  routeHints?: readonly RouteHint[]
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
  missionControl: MissionControl
  channels: ChannelCommands
}

export interface PayOptions {
  amountMsat?: bigint
  timeoutMs: number
  maxFeeMsat?: bigint
  maxAttempts?: number
}

type Outcome = LocalOutcome

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
    const hashHex = toHex(inv.paymentHash)
    const previous = this.d.payments.get(hashHex)
    if (previous?.status === 'succeeded') throw new NodeError('ALREADY_PAID', 'this invoice was already paid')
    if (previous?.status === 'pending')
      throw new NodeError('PAYMENT_IN_PROGRESS', 'a payment for this invoice is already in progress')
    const started = Date.now()
    let record: PaymentRecord = {
      paymentHash: hashHex,
      destination: toHex(inv.payee),
      amountMsat,
      status: 'pending',
      feeMsat: 0n,
      route: [],
      attempts: 0,
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
    const fail = (code: string, message: string, failingNode: string | null): PaymentRecord => {
      const r = save({ ...record, status: 'failed', failure: { code, message, failingNode }, settledAt: Date.now() })
      this.d.bus.emit({
        type: 'payment_failed',
        paymentHash: hashHex,
        amountMsat,
        code,
        message,
        attempts: r.attempts,
        latencyMs: Date.now() - started,
      })
      return r
    }
    const maxAttempts = options.maxAttempts ?? 10
    const maxFeeMsat = options.maxFeeMsat ?? amountMsat / 20n + 10_000n
    let lastError: { code: string; message: string; node: string | null } | undefined
    const avoidChannels = new Set<string>()
    while (record.attempts < maxAttempts) {
      if (Date.now() - started > options.timeoutMs)
        return fail(
          'TIMEOUT',
          `no success within ${options.timeoutMs} ms${lastError ? ` (last error: ${lastError.message})` : ''}`,
          lastError?.node ?? null,
        )
      const finalCltvExpiry = this.d.tip.height + inv.minFinalCltvExpiryDelta + 3
      const route = this.d.routes.find({
        destination: inv.payee,
        amountMsat,
        finalCltvExpiry,
        maxFeeMsat,
        avoidChannels,
        ...(inv.routeHints ? { routeHints: inv.routeHints } : {}),
      })
      if (!route) {
        return fail(
          lastError?.code ?? 'NO_ROUTE',
          lastError
            ? `no other route after: ${lastError.message}`
            : `no route to ${toHex(inv.payee).slice(0, 16)}… for ${amountMsat} msat (not enough capacity or channels)`,
          lastError?.node ?? null,
        )
      }
      save({ ...record, attempts: record.attempts + 1, route: route.hops, feeMsat: route.totalFeeMsat })
      this.d.bus.emit({
        type: 'payment_attempt',
        paymentHash: hashHex,
        route: route.hops.map(apiHop),
        attempt: record.attempts,
      })
      const outcome = await this.attempt(route, inv, amountMsat, record.attempts, finalCltvExpiry)
      if ('preimage' in outcome) {
        if (route.route) this.d.missionControl.recordSuccess(route.route, Date.now())
        const r = save({ ...record, status: 'succeeded', preimage: toHex(outcome.preimage), settledAt: Date.now() })
        this.d.bus.emit({
          type: 'payment_sent',
          paymentHash: hashHex,
          amountMsat,
          feeMsat: route.totalFeeMsat,
          route: route.hops.map(apiHop),
          attempts: r.attempts,
          latencyMs: Date.now() - started,
        })
        return r
      }
      if ('error' in outcome) {
        // our own channel refused it (offline, not enough balance): a local matter, not a lesson about the network
        lastError = { code: outcome.error.code, message: outcome.error.message, node: this.d.ourNodeId }
        avoidChannels.add(route.firstChannel)
        continue
      }
      // which hop failed, and how; a malformed report comes from the node after the one that sent it
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
      const atDestination = hopIndex === route.hops.length - 1
      lastError = {
        code: failureName(code).toUpperCase(),
        message: `${failureName(code)} at ${failingNode ? failingNode.slice(0, 16) + '…' : 'an unknown hop'}${outcome.onChain ? ' (on chain)' : ''}`,
        node: failingNode,
      }
      if (route.route) this.d.missionControl.recordFailure(route.route, hopIndex, failure, Date.now())
      // the payee said no, or a permanent failure at the payee: another route cannot help
      if (
        atDestination &&
        (code === FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS ||
          isPermanent(code) ||
          code === FAILURE.FINAL_INCORRECT_CLTV_EXPIRY ||
          code === FAILURE.FINAL_INCORRECT_HTLC_AMOUNT)
      ) {
        return fail(lastError.code, lastError.message, failingNode)
      }
    }
    return fail(
      lastError?.code ?? 'ATTEMPTS_EXHAUSTED',
      `gave up after ${record.attempts} attempts${lastError ? `: ${lastError.message}` : ''}`,
      lastError?.node ?? null,
    )
  }

  private async attempt(
    route: PlannedRoute,
    inv: InvoiceToPay,
    amountMsat: bigint,
    attempt: number,
    finalCltvExpiry: number,
  ): Promise<
    | { preimage: Uint8Array }
    | { reason?: Uint8Array; malformedCode?: number; onChain: boolean; sharedSecrets: Uint8Array[] }
    | { error: { code: string; message: string } }
  > {
    // the onion: each hop is told what to forward to the next one; the last one gets the payment secret
    const hops = route.hops.map((h, i) => {
      const next = route.hops[i + 1]
      const payload: HopPayload = next
        ? { amtToForward: next.amountMsat, outgoingCltvValue: next.cltvExpiry, shortChannelId: next.shortChannelId }
        : {
            amtToForward: amountMsat,
            outgoingCltvValue: finalCltvExpiry,
            paymentData: { paymentSecret: inv.paymentSecret!, totalMsat: amountMsat },
          }
      return { pubkey: fromHex(h.nodeId), payload }
    })
    const { packet, sharedSecrets } = createPaymentOnion(new Uint8Array(randomBytes(32)), hops, inv.paymentHash)
    const first = route.hops[0]!
    const r = this.d.channels.command(route.firstChannel, {
      type: 'add_htlc',
      commandId: `pay:${toHex(inv.paymentHash)}:${attempt}`,
      amountMsat: first.amountMsat,
      paymentHash: inv.paymentHash,
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
    this.d.htlcs.set(outgoingKey(route.firstChannel, htlcId), { kind: 'local', paymentHash: inv.paymentHash, attempt })
    const key = `${route.firstChannel}:${htlcId}`
    // once the HTLC is out only the network can resolve it, however long that takes: no timeout here
    return new Promise((resolve) => {
      this.waiters.set(key, (o) => resolve('preimage' in o ? o : { ...o, sharedSecrets }))
    })
  }
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
