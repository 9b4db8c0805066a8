/**
 * The HTLCs that pay one payment hash to us (BOLT #4, basic_mpp): a set that is
 * complete once its parts add up to the `total_msat` every part names. Only the
 * bookkeeping lives here; the final hop decides what a complete, a timed-out or
 * an inconsistent set means.
 */
import type { UpdateAddHtlc } from '../../../wire/messages.js'

/** One incoming HTLC of a set: enough to settle it, or to fail it with an onion-encrypted failure. */
export interface HeldPart {
  channel: string
  add: Pick<UpdateAddHtlc, 'id' | 'amountMsat' | 'paymentHash' | 'cltvExpiry'>
  sharedSecret: Uint8Array
  totalMsat: bigint
  /** the preimage a keysend part carried; null for a payment to an invoice */
  keysendPreimage: Uint8Array | null
}

export type AddPartResult =
  | { status: 'added'; complete: boolean }
  /** BOLT #4: parts that disagree on total_msat fail the whole set */
  | { status: 'total_mismatch' }
  /** LND's rule: a part that would take the set past its total is refused (the set stays) */
  | { status: 'overpaid' }
  /** the set is complete already: a late part is refused */
  | { status: 'closed' }

export class HtlcSet {
  readonly parts: HeldPart[] = []
  /** complete and waiting to be settled (a hold invoice, or the test hook) */
  accepted = false
  timer: NodeJS.Timeout | undefined

  constructor(readonly totalMsat: bigint) {}

  get receivedMsat(): bigint {
    return this.parts.reduce((sum, p) => sum + p.add.amountMsat, 0n)
  }

  get complete(): boolean {
    return this.receivedMsat >= this.totalMsat
  }

  /** The earliest expiry among the parts: the set must be resolved before it. */
  get earliestExpiry(): number {
    return Math.min(...this.parts.map((p) => p.add.cltvExpiry))
  }

  add(part: HeldPart): AddPartResult {
    if (part.totalMsat !== this.totalMsat) return { status: 'total_mismatch' }
    if (this.complete) return { status: 'closed' }
    if (this.receivedMsat + part.add.amountMsat > this.totalMsat && this.parts.length > 0) return { status: 'overpaid' }
    this.parts.push(part)
    return { status: 'added', complete: this.complete }
  }
}
