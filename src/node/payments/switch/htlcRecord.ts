/**
 * What the node remembers of each HTLC it is responsible for resolving, in the
 * state log's `htlc` records: written in the same flush as the channel state that
 * caused it, so a crash never leaves an HTLC without an owner.
 */
import type { ChannelCommand } from '../../../channel/io.js'

export type HtlcRecord =
  /** an HTLC we forwarded: its outgoing side, and where its outcome goes back */
  | {
      kind: 'forward'
      paymentHash: Uint8Array
      sharedSecret: Uint8Array
      incoming: { channel: string; id: bigint; amountMsat: bigint }
      outgoing: { channel: string; id: bigint; amountMsat: bigint }
      startedAt: number
    }
  /** an HTLC of one of our own payments (outbound) */
  | { kind: 'local'; paymentHash: Uint8Array; attempt: number }
  /** a settlement of an incoming HTLC, re-issued until it is irrevocable */
  | { kind: 'settle'; channel: string; command: SettleCommand }
  /** a payment to us held unsettled on purpose (test hook), released later */
  | { kind: 'held'; channel: string; id: bigint; preimage: Uint8Array; paymentHash: Uint8Array; amountMsat: bigint }

export type SettleCommand = Extract<ChannelCommand, { type: 'fulfill_htlc' | 'fail_htlc' | 'fail_malformed_htlc' }>

/** An outgoing HTLC (forwarded or ours), by the channel it left on. */
export const outgoingKey = (channel: string, id: bigint): string => `out:${channel}:${id}`
export const settleKey = (channel: string, id: bigint): string => `settle:${channel}:${id}`
export const heldKey = (channel: string, id: bigint): string => `held:${channel}:${id}`
