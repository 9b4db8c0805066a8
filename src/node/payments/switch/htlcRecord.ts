/**
 * What the node remembers of each HTLC it is responsible for resolving, in the
 * state log's `htlc` records: written in the same flush as the channel state that
 * caused it, so a crash never leaves an HTLC without an owner.
 */
import type { ChannelCommand } from '../../../channel/io.js'
import type { UpdateAddHtlc } from '../../../wire/messages.js'

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
  /** a part of a payment to us, held until its set is complete (and, for a hold invoice, settled) */
  | {
      kind: 'part'
      channel: string
      add: Pick<UpdateAddHtlc, 'id' | 'amountMsat' | 'paymentHash' | 'cltvExpiry'>
      sharedSecret: Uint8Array
      totalMsat: bigint
      keysendPreimage: Uint8Array | null
    }

  /** an incoming HTLC held for an interceptor's answer: the whole add, to peel its onion again after a restart */
  | { kind: 'held'; channel: string; add: Omit<UpdateAddHtlc, 'type' | 'channelId'>; heldAt: number }

export type SettleCommand = Extract<ChannelCommand, { type: 'fulfill_htlc' | 'fail_htlc' | 'fail_malformed_htlc' }>

/** An outgoing HTLC (forwarded or ours), by the channel it left on. */
export const outgoingKey = (channel: string, id: bigint): string => `out:${channel}:${id}`
export const settleKey = (channel: string, id: bigint): string => `settle:${channel}:${id}`
export const heldKey = (channel: string, id: bigint): string => `held:${channel}:${id}`
export const partKey = (channel: string, id: bigint): string => `part:${channel}:${id}`
