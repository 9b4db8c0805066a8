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

export interface PaymentRecord {
  paymentHash: string
  destination: string
  amountMsat: bigint
  status: 'pending' | 'succeeded' | 'failed'
  feeMsat: bigint
  route: PaymentHop[]
  attempts: number
  preimage: string | null
  failure: { code: string; message: string; failingNode: string | null } | null
  createdAt: number
  settledAt: number | null
}
