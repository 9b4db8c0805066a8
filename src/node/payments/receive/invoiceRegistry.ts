/**
 * Invoices this node issued: the preimage (derived from the node key and a
 * counter, so a seeded run is repeatable), the payment secret, the amount, and
 * where it stands. Persisted; a paid invoice stays paid across restarts.
 *
 * A hold invoice (LND's, Core Lightning's `holdinvoice`) is not settled when
 * its payment arrives: it is `accepted` and waits for its preimage (`settle`)
 * or for `cancel`. Its payment hash may come from outside, in which case the
 * node does not know the preimage until it is settled.
 */
import { toHex, u64be, utf8 } from '../../../core/bytes.js'
import { hmacSha256, sha256 } from '../../../crypto/hash.js'
import type { KvLog } from '../../store/durableStore.js'
import { NodeError } from '../../errors.js'

export interface InvoiceRecord {
  bolt11: string
  paymentHash: Uint8Array
  /** null for a hold invoice made from a payment hash alone, until it is settled */
  preimage: Uint8Array | null
  paymentSecret: Uint8Array
  amountMsat: bigint | null
  memo: string
  createdAt: number
  expirySeconds: number
  minFinalCltvExpiryDelta: number
  /** held until settled or cancelled, whoever pays it */
  hold: boolean
  /** accepted: a hold invoice whose payment has arrived in full and waits */
  status: 'open' | 'accepted' | 'paid' | 'canceled'
  paidMsat: bigint | null
  paidAt: number | null
}

export interface InvoiceFields {
  paymentHash: Uint8Array
  paymentSecret: Uint8Array
  amountMsat: bigint | null
  memo: string
  timestamp: number
  expirySeconds: number
  minFinalCltvExpiryDelta: number
}

const COUNTER_KEY = '#counter'

export class InvoiceRegistry {
  constructor(
    private readonly store: KvLog<InvoiceRecord | number>,
    private readonly root: Uint8Array,
    private readonly encode: (fields: InvoiceFields) => string,
    readonly minFinalCltvExpiryDelta: number,
  ) {}

  create(
    amountMsat: bigint | null,
    memo: string,
    expirySeconds: number,
    hold: { paymentHash?: Uint8Array } | false = false,
  ): InvoiceRecord {
    const given = hold ? hold.paymentHash : undefined
    if (given && this.get(given))
      throw new NodeError('DUPLICATE_INVOICE', `an invoice with payment hash ${toHex(given)} exists already`)
    const n = (this.store.get(COUNTER_KEY) as number | undefined) ?? 0
    this.store.set(COUNTER_KEY, n + 1)
    const preimage = given ? null : hmacSha256(this.root, utf8('preimage'), u64be(BigInt(n)))
    const paymentSecret = hmacSha256(this.root, utf8('payment-secret'), u64be(BigInt(n)))
    const paymentHash = given ?? sha256(preimage!)
    const createdAt = Date.now()
    const bolt11 = this.encode({
      paymentHash,
      paymentSecret,
      amountMsat,
      memo,
      timestamp: Math.floor(createdAt / 1000),
      expirySeconds,
      minFinalCltvExpiryDelta: this.minFinalCltvExpiryDelta,
    })
    const record: InvoiceRecord = {
      bolt11,
      paymentHash,
      preimage,
      paymentSecret,
      amountMsat,
      memo,
      createdAt,
      expirySeconds,
      minFinalCltvExpiryDelta: this.minFinalCltvExpiryDelta,
      hold: hold !== false,
      status: 'open',
      paidMsat: null,
      paidAt: null,
    }
    this.store.set(toHex(paymentHash), record)
    return record
  }

  get(paymentHash: Uint8Array): InvoiceRecord | undefined {
    const r = this.store.get(toHex(paymentHash))
    return typeof r === 'object' ? r : undefined
  }

  require(paymentHashHex: string): InvoiceRecord {
    const r = this.store.get(paymentHashHex)
    if (typeof r !== 'object') throw new NodeError('UNKNOWN_INVOICE', `no invoice with payment hash ${paymentHashHex}`)
    return r
  }

  list(): InvoiceRecord[] {
    return [...this.store.entries()].flatMap(([, r]) => (typeof r === 'object' ? [r] : []))
  }

  /**
   * `r` as get() gave it: the caller has just read it to check the payment, and reading it again would parse it again.
   */
  markPaid(r: InvoiceRecord, amountMsat: bigint, preimage: Uint8Array): void {
    if (r.status === 'paid') return
    this.store.set(toHex(r.paymentHash), { ...r, preimage, status: 'paid', paidMsat: amountMsat, paidAt: Date.now() })
  }

  /** A hold invoice's payment arrived in full and waits for settle or cancel. */
  markAccepted(r: InvoiceRecord, amountMsat: bigint): void {
    this.store.set(toHex(r.paymentHash), { ...r, status: 'accepted', paidMsat: amountMsat })
  }

  /** A held payment was failed back (its HTLCs were about to expire): the invoice can be paid again. */
  reopen(r: InvoiceRecord): void {
    this.store.set(toHex(r.paymentHash), { ...r, status: 'open', paidMsat: null })
  }

  /** No payment will be taken for it any more (LND's CancelInvoice). A paid invoice cannot be cancelled. */
  cancel(paymentHashHex: string): InvoiceRecord {
    const r = this.require(paymentHashHex)
    if (r.status === 'paid') throw new NodeError('INVOICE_PAID', `the invoice ${paymentHashHex} is paid already`)
    const canceled: InvoiceRecord = { ...r, status: 'canceled', paidMsat: null }
    this.store.set(paymentHashHex, canceled)
    return canceled
  }

  isExpired(r: InvoiceRecord, now = Date.now()): boolean {
    return r.status === 'open' && now > r.createdAt + r.expirySeconds * 1000
  }
}
