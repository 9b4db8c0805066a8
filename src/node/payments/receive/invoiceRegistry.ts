/**
 * Invoices this node issued: the preimage (derived from the node key and a
 * counter, so a seeded run is repeatable), the payment secret, the amount, and
 * whether it was paid. Persisted; a paid invoice stays paid across restarts.
 */
import { toHex, u64be, utf8 } from '../../../core/bytes.js'
import { hmacSha256, sha256 } from '../../../crypto/hash.js'
import type { KvLog } from '../../store/durableStore.js'
import { NodeError } from '../../errors.js'

export interface InvoiceRecord {
  bolt11: string
  paymentHash: Uint8Array
  preimage: Uint8Array
  paymentSecret: Uint8Array
  amountMsat: bigint | null
  memo: string
  createdAt: number
  expirySeconds: number
  minFinalCltvExpiryDelta: number
  status: 'open' | 'paid'
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

  create(amountMsat: bigint | null, memo: string, expirySeconds: number): InvoiceRecord {
    const n = (this.store.get(COUNTER_KEY) as number | undefined) ?? 0
    this.store.set(COUNTER_KEY, n + 1)
    const preimage = hmacSha256(this.root, utf8('preimage'), u64be(BigInt(n)))
    const paymentSecret = hmacSha256(this.root, utf8('payment-secret'), u64be(BigInt(n)))
    const paymentHash = sha256(preimage)
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
  markPaid(r: InvoiceRecord, amountMsat: bigint): void {
    if (r.status === 'paid') return
    this.store.set(toHex(r.paymentHash), { ...r, status: 'paid', paidMsat: amountMsat, paidAt: Date.now() })
  }

  isExpired(r: InvoiceRecord, now = Date.now()): boolean {
    return r.status === 'open' && now > r.createdAt + r.expirySeconds * 1000
  }
}
