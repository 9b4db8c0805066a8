/**
 * A payment to us (BOLT #4, the final node): the HTLC is checked against the
 * invoice it pays, then fulfilled with the invoice's preimage or failed with
 * `incorrect_or_unknown_payment_details` (which says nothing about why, so a
 * prober learns nothing).
 */
import { toHex } from '../../../core/bytes.js'
import type { UpdateAddHtlc } from '../../../wire/messages.js'
import { FAILURE } from '../../../routing/onion/failureCodes.js'
import type { HopPayload } from '../../../routing/onion/hopPayload.js'
import type { EventBus } from '../../eventBus.js'
import type { Logger } from '../../logger.js'
import type { KvLog } from '../../store/durableStore.js'
import { heldKey, type HtlcRecord } from '../switch/htlcRecord.js'
import type { Settlements } from '../switch/settlements.js'
import type { InvoiceRegistry } from './invoiceRegistry.js'

export interface FinalHopComponents {
  log: Logger
  bus: EventBus
  invoices: InvoiceRegistry
  htlcs: KvLog<HtlcRecord>
  preimages: KvLog<Uint8Array>
  settlements: Settlements
  tip: { readonly height: number }
}

export class FinalHop {
  /** test hook: payments to us stay pending until released (like a hold invoice) */
  holding = false

  constructor(private readonly c: FinalHopComponents) {}

  accept(channel: string, add: UpdateAddHtlc, payload: HopPayload, sharedSecret: Uint8Array): void {
    const invoice = this.c.invoices.get(add.paymentHash)
    const height = this.c.tip.height
    const fail = (failure: Parameters<Settlements['fail']>[3]): void =>
      this.c.settlements.fail(channel, add, sharedSecret, failure)
    const unknown = (): void =>
      fail({ code: FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS, htlcMsat: add.amountMsat, height })
    if (payload.amtToForward > add.amountMsat)
      return fail({ code: FAILURE.FINAL_INCORRECT_HTLC_AMOUNT, incomingHtlcAmt: add.amountMsat })
    if (payload.outgoingCltvValue > add.cltvExpiry)
      return fail({ code: FAILURE.FINAL_INCORRECT_CLTV_EXPIRY, cltvExpiry: add.cltvExpiry })
    if (!invoice || this.c.invoices.isExpired(invoice)) return unknown()
    const secret = payload.paymentData?.paymentSecret
    if (!secret || toHex(secret) !== toHex(invoice.paymentSecret)) return unknown()
    // no multi-part payments: the HTLC must carry the whole amount
    if (payload.paymentData!.totalMsat !== add.amountMsat) return unknown()
    if (
      invoice.amountMsat !== null &&
      (add.amountMsat < invoice.amountMsat || add.amountMsat > invoice.amountMsat * 2n)
    )
      return unknown()
    if (add.cltvExpiry < height + invoice.minFinalCltvExpiryDelta) return unknown()
    if (this.holding) {
      this.c.htlcs.set(heldKey(channel, add.id), {
        kind: 'held',
        channel,
        id: add.id,
        preimage: invoice.preimage,
        paymentHash: add.paymentHash,
        amountMsat: add.amountMsat,
      })
      this.c.log.info('holding a payment to us (test hook)', { channel, id: add.id.toString() })
      return
    }
    this.claim(channel, add.id, add.paymentHash, invoice.preimage, add.amountMsat)
  }

  /** Settles every held payment (test hook); returns how many. */
  releaseHeld(): number {
    let n = 0
    for (const key of this.c.htlcs.keys()) {
      const r = this.c.htlcs.get(key)
      if (r?.kind !== 'held') continue
      this.c.htlcs.delete(key)
      this.claim(r.channel, r.id, r.paymentHash, r.preimage, r.amountMsat)
      n++
    }
    return n
  }

  private claim(channel: string, id: bigint, paymentHash: Uint8Array, preimage: Uint8Array, amountMsat: bigint): void {
    this.c.preimages.set(toHex(paymentHash), preimage)
    const invoice = this.c.invoices.get(paymentHash)
    if (invoice) this.c.invoices.markPaid(invoice, amountMsat)
    this.c.settlements.settle(channel, { type: 'fulfill_htlc', id, preimage })
    this.c.bus.emit({ type: 'payment_received', paymentHash: toHex(paymentHash), amountMsat })
  }
}
