/** What the node remembers of a payment it sent (persisted, shown by `lnsim payments`). */
export interface PaymentHop {
  nodeId: string
  shortChannelId: bigint
  /** what this hop receives in its incoming HTLC */
  amountMsat: bigint
  /** what this hop keeps for forwarding (0 for the destination) */
  feeMsat: bigint
  cltvExpiry: number
}

/** One HTLC of a payment that reached the payee (a multi-part payment has several). */
export interface PaymentPart {
  route: PaymentHop[]
  /** what the payee received through it */
  amountMsat: bigint
  feeMsat: bigint
}

export interface PaymentRecord {
  paymentHash: string
  destination: string
  amountMsat: bigint
  status: 'pending' | 'succeeded' | 'failed'
  /** the fees of every part that arrived */
  feeMsat: bigint
  /** the route of the first part that arrived (or, while pending, of the latest attempt) */
  route: PaymentHop[]
  /** the parts that arrived; empty until the payment succeeds. Absent in records written before parts existed. */
  parts?: PaymentPart[]
  /** HTLCs sent, parts and retries together */
  attempts: number
  /** paid without an invoice (keysend) */
  keysend?: boolean
  preimage: string | null
  failure: { code: string; message: string; failingNode: string | null } | null
  createdAt: number
  settledAt: number | null
}
