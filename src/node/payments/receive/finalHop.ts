/**
 * Payments to us (BOLT #4, the final node). Each HTLC is checked against the
 * invoice it pays (or, for keysend, against the preimage it carries) and joins
 * the set of its payment hash; a set is settled once its parts add up to the
 * total they name, or failed with `mpp_timeout` if they do not within the
 * timeout. A hold invoice's complete set waits for `settle` or `cancel`.
 *
 * Every refusal is `incorrect_or_unknown_payment_details`, which says nothing
 * about why, so a prober learns nothing. Parts are recorded in the state log, so
 * a restarted node picks its sets up again instead of stranding their HTLCs.
 */
import { toHex } from '../../../core/bytes.js'
import { sha256 } from '../../../crypto/hash.js'
import type { UpdateAddHtlc } from '../../../wire/messages.js'
import { FAILURE } from '../../../routing/onion/failureCodes.js'
import type { FailureMessage } from '../../../routing/onion/failureMessage.js'
import type { HopPayload } from '../../../routing/onion/hopPayload.js'
import type { EventBus } from '../../eventBus.js'
import type { Logger } from '../../logger.js'
import type { KvLog } from '../../store/durableStore.js'
import { NodeError } from '../../errors.js'
import { partKey, type HtlcRecord } from '../switch/htlcRecord.js'
import type { Settlements } from '../switch/settlements.js'
import { HtlcSet, type HeldPart } from './htlcSet.js'
import type { InvoiceRegistry } from './invoiceRegistry.js'

/** BOLT #4 leaves the wait for the rest of a set to the node; LND, Core Lightning and Eclair all wait 60 s. */
export const DEFAULT_MPP_TIMEOUT_MS = 60_000
/**
 * A held payment is failed back this many blocks before its first HTLC expires, so the channel carrying it need not
 * go on chain (LND's invoices.holdexpirydelta).
 */
export const HOLD_EXPIRY_MARGIN_BLOCKS = 12

export interface FinalHopComponents {
  log: Logger
  bus: EventBus
  invoices: InvoiceRegistry
  htlcs: KvLog<HtlcRecord>
  preimages: KvLog<Uint8Array>
  settlements: Settlements
  tip: { readonly height: number }
  minFinalCltvExpiryDelta: number
  /** how long the parts of an incomplete set are held before all fail with mpp_timeout */
  mppTimeoutMs: number
}

export class FinalHop {
  /** test hook: every complete payment to us is held (as if its invoice were a hold invoice) until released */
  holding = false
  private readonly sets = new Map<string, HtlcSet>()

  constructor(private readonly c: FinalHopComponents) {}

  /** Picks up the sets recorded before a restart: an incomplete one gets a whole timeout again. */
  start(): void {
    for (const key of this.c.htlcs.keys()) {
      const r = this.c.htlcs.get(key)
      if (r?.kind !== 'part') continue
      const part: HeldPart = {
        channel: r.channel,
        add: r.add,
        sharedSecret: r.sharedSecret,
        totalMsat: r.totalMsat,
        keysendPreimage: r.keysendPreimage,
      }
      const hash = toHex(r.add.paymentHash)
      const set = this.sets.get(hash) ?? new HtlcSet(r.totalMsat)
      this.sets.set(hash, set)
      set.parts.push(part)
    }
    for (const [hash, set] of this.sets) {
      if (set.complete) this.completed(hash, set)
      else this.startTimer(hash, set)
    }
  }

  stop(): void {
    for (const set of this.sets.values()) clearTimeout(set.timer)
  }

  accept(channel: string, add: UpdateAddHtlc, payload: HopPayload, sharedSecret: Uint8Array): void {
    const height = this.c.tip.height
    const fail = (failure: FailureMessage): void => this.c.settlements.fail(channel, add, sharedSecret, failure)
    const unknown = (why: string): void => {
      this.c.log.info('refused a payment to us', { channel, id: add.id.toString(), why })
      fail({ code: FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS, htlcMsat: add.amountMsat, height })
    }
    if (payload.amtToForward > add.amountMsat)
      return fail({ code: FAILURE.FINAL_INCORRECT_HTLC_AMOUNT, incomingHtlcAmt: add.amountMsat })
    if (payload.outgoingCltvValue > add.cltvExpiry)
      return fail({ code: FAILURE.FINAL_INCORRECT_CLTV_EXPIRY, cltvExpiry: add.cltvExpiry })

    const keysendPreimage = payload.keysendPreimage ?? null
    const invoice = keysendPreimage ? undefined : this.c.invoices.get(add.paymentHash)
    let totalMsat: bigint
    if (keysendPreimage) {
      if (toHex(sha256(keysendPreimage)) !== toHex(add.paymentHash))
        return unknown('the keysend preimage does not match the payment hash')
      if (this.c.invoices.get(add.paymentHash)) return unknown('a keysend payment to the hash of an invoice')
      if (add.cltvExpiry < height + this.c.minFinalCltvExpiryDelta) return unknown('the expiry is too soon')
      totalMsat = payload.paymentData?.totalMsat ?? add.amountMsat
    } else {
      if (!invoice || this.c.invoices.isExpired(invoice)) return unknown('no open invoice has this payment hash')
      if (invoice.status !== 'open') return unknown(`the invoice is ${invoice.status}`)
      const secret = payload.paymentData?.paymentSecret
      if (!secret || toHex(secret) !== toHex(invoice.paymentSecret)) return unknown('the payment secret is wrong')
      totalMsat = payload.paymentData!.totalMsat
      // BOLT #4: at least the invoice's amount, and (against mistakes) no more than twice it
      if (invoice.amountMsat !== null && (totalMsat < invoice.amountMsat || totalMsat > invoice.amountMsat * 2n))
        return unknown('the total is not what the invoice asks')
      if (add.cltvExpiry < height + invoice.minFinalCltvExpiryDelta) return unknown('the expiry is too soon')
    }

    const hash = toHex(add.paymentHash)
    const set = this.sets.get(hash) ?? new HtlcSet(totalMsat)
    const part: HeldPart = { channel, add: pickAdd(add), sharedSecret, totalMsat, keysendPreimage }
    const added = set.add(part)
    if (added.status === 'total_mismatch') {
      unknown('its total_msat differs from the other parts of its set')
      return this.failSet(hash, set, { code: FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS, htlcMsat: 0n, height })
    }
    if (added.status !== 'added')
      return unknown(added.status === 'overpaid' ? 'it overpays its set' : 'the set is paid')
    this.sets.set(hash, set)
    this.c.htlcs.set(partKey(channel, add.id), {
      kind: 'part',
      channel,
      add: part.add,
      sharedSecret,
      totalMsat,
      keysendPreimage,
    })
    if (added.complete) this.completed(hash, set, invoice)
    else if (set.parts.length === 1) this.startTimer(hash, set)
  }

  /** Settles a held payment with its preimage (a hold invoice's `settle`); returns what it paid. */
  settle(preimage: Uint8Array): { paymentHash: string; amountMsat: bigint } {
    const hash = toHex(sha256(preimage))
    const set = this.sets.get(hash)
    if (!set?.accepted)
      throw new NodeError(
        'NOTHING_TO_SETTLE',
        `no payment of hash ${hash} is held: settle once the invoice is accepted (all its parts arrived)`,
      )
    const amountMsat = set.receivedMsat
    this.claim(hash, set, preimage)
    return { paymentHash: hash, amountMsat }
  }

  /** Fails back whatever pays `paymentHashHex` (a hold invoice's `cancel`); returns how many HTLCs. */
  cancel(paymentHashHex: string): number {
    const set = this.sets.get(paymentHashHex)
    if (!set) return 0
    this.failSet(paymentHashHex, set, {
      code: FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS,
      htlcMsat: set.receivedMsat,
      height: this.c.tip.height,
    })
    return set.parts.length
  }

  /** Settles every held payment whose preimage we know (test hook); returns how many sets. */
  releaseHeld(): number {
    let n = 0
    for (const [hash, set] of [...this.sets]) {
      if (!set.accepted) continue
      const preimage = this.preimageOf(hash, set)
      if (!preimage) continue
      this.claim(hash, set, preimage)
      n++
    }
    return n
  }

  /** Held payments must not outlive their HTLCs: close to the first expiry they fail back. */
  onBlock(height: number): void {
    for (const [hash, set] of [...this.sets])
      if (set.earliestExpiry <= height + HOLD_EXPIRY_MARGIN_BLOCKS) {
        this.c.log.info('failing a held payment before its HTLCs expire', { paymentHash: hash })
        this.failSet(hash, set, { code: FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS, htlcMsat: 0n, height })
      }
  }

  private completed(hash: string, set: HtlcSet, invoice = this.c.invoices.get(set.parts[0]!.add.paymentHash)): void {
    clearTimeout(set.timer)
    const preimage = this.preimageOf(hash, set)
    if (invoice?.hold || this.holding || !preimage) {
      set.accepted = true
      if (invoice && invoice.status === 'open') this.c.invoices.markAccepted(invoice, set.receivedMsat)
      this.c.log.info('holding a payment to us', { paymentHash: hash, parts: set.parts.length })
      return
    }
    this.claim(hash, set, preimage)
  }

  private preimageOf(hash: string, set: HtlcSet): Uint8Array | null {
    const keysend = set.parts[0]?.keysendPreimage
    if (keysend) return keysend
    return this.c.invoices.get(set.parts[0]!.add.paymentHash)?.preimage ?? this.c.preimages.get(hash) ?? null
  }

  private startTimer(hash: string, set: HtlcSet): void {
    set.timer = setTimeout(() => {
      if (this.sets.get(hash) !== set || set.complete) return
      this.c.log.info('the parts of a payment did not add up in time', {
        paymentHash: hash,
        receivedMsat: set.receivedMsat.toString(),
        totalMsat: set.totalMsat.toString(),
      })
      this.failSet(hash, set, { code: FAILURE.MPP_TIMEOUT })
    }, this.c.mppTimeoutMs)
    set.timer.unref()
  }

  private claim(hash: string, set: HtlcSet, preimage: Uint8Array): void {
    this.forget(hash, set)
    this.c.preimages.set(hash, preimage)
    const invoice = this.c.invoices.get(set.parts[0]!.add.paymentHash)
    if (invoice) this.c.invoices.markPaid(invoice, set.receivedMsat, preimage)
    for (const p of set.parts) this.c.settlements.settle(p.channel, { type: 'fulfill_htlc', id: p.add.id, preimage })
    this.c.bus.emit({
      type: 'payment_received',
      paymentHash: hash,
      amountMsat: set.receivedMsat,
      parts: set.parts.length,
      keysend: set.parts[0]!.keysendPreimage !== null,
    })
  }

  private failSet(hash: string, set: HtlcSet, failure: FailureMessage): void {
    this.forget(hash, set)
    const invoice = this.c.invoices.get(set.parts[0]?.add.paymentHash ?? new Uint8Array(0))
    if (invoice?.status === 'accepted') this.c.invoices.reopen(invoice)
    for (const p of set.parts) this.c.settlements.fail(p.channel, p.add, p.sharedSecret, failure)
  }

  private forget(hash: string, set: HtlcSet): void {
    clearTimeout(set.timer)
    if (this.sets.get(hash) === set) this.sets.delete(hash)
    for (const p of set.parts) this.c.htlcs.delete(partKey(p.channel, p.add.id))
  }
}

function pickAdd(add: UpdateAddHtlc): HeldPart['add'] {
  return { id: add.id, amountMsat: add.amountMsat, paymentHash: add.paymentHash, cltvExpiry: add.cltvExpiry }
}
