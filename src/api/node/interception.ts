/**
 * The control API's HTLC interception and reputation contract. `GET /v1/htlcs/intercept` is a server-sent-event
 * stream of `htlc` events, one per HTLC held for the subscriber (those held already come first); the answer for one is
 * `POST /v1/htlcs/intercept/answer`. While any subscriber is connected, every HTLC the node is asked to forward or
 * receive waits for an answer; see node/payments/switch/htlcInterceptors.ts for the timeout and the default.
 */
import { z } from 'zod'
import { amount, hex32, nodeIdHex } from './schemas.js'

export const InterceptedHtlc = z.object({
  /** names the HTLC in the answer: INCOMING_CHANNEL_ID:HTLC_ID */
  id: z.string(),
  incomingChannelId: hex32,
  incomingHtlcId: amount,
  incomingPeer: nodeIdHex.nullable(),
  paymentHash: hex32,
  /** what the incoming HTLC carries, and its expiry */
  amountMsat: amount,
  incomingExpiry: z.number().int(),
  /** update_add_htlc's `accountable` record on the incoming HTLC */
  accountable: z.boolean(),
  /** the onion's `upgrade_accountability` for this hop */
  upgradeAccountability: z.boolean(),
  /** true: a payment to this node (the onion's last hop); then `outgoing` is null */
  final: z.boolean(),
  outgoing: z
    .object({
      shortChannelId: z.string(),
      /** our channel with that short channel id, if we have one */
      channelId: hex32.nullable(),
      peer: nodeIdHex.nullable(),
      amountMsat: amount,
      expiry: z.number().int(),
    })
    .nullable(),
  heldAt: z.string(),
  /** when the default applies if no answer came */
  deadline: z.string(),
})
export type InterceptedHtlc = z.infer<typeof InterceptedHtlc>

/** A BOLT #4 failure code: a number (0x1007 = 4103) or its spec name (`temporary_channel_failure`). */
export const FailureCodeField = z.union([z.number().int().min(1).max(0xffff), z.string().regex(/^[a-z_0-9]+$/)])

export const InterceptAnswerRequest = z.discriminatedUnion('action', [
  z.strictObject({ id: z.string(), action: z.literal('resume') }),
  z.strictObject({ id: z.string(), action: z.literal('fail'), failureCode: FailureCodeField.optional() }),
  z.strictObject({ id: z.string(), action: z.literal('hold'), holdMs: z.number().int().min(1) }),
  z.strictObject({ id: z.string(), action: z.literal('settle'), preimage: hex32 }),
])
export type InterceptAnswerRequest = z.input<typeof InterceptAnswerRequest>

export const InterceptAnswerResult = z.object({
  id: z.string(),
  action: z.enum(['resume', 'fail', 'hold', 'settle']),
  deadline: z.string().optional(),
})
export type InterceptAnswerResult = z.infer<typeof InterceptAnswerResult>

export const PeerReputationInfo = z.object({
  peer: nodeIdHex,
  reputationMsat: amount,
  inFlightRiskMsat: amount,
  revenueMsat: amount,
  inFlight: z.record(z.string(), z.number().int()),
})
export const ReputationInfo = z.object({
  policy: z.string(),
  /** the policy's settings, as started */
  settings: z.record(z.string(), z.unknown()),
  peers: z.array(PeerReputationInfo),
})
export type ReputationInfo = z.infer<typeof ReputationInfo>
