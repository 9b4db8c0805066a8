/**
 * What a node tells the world as it happens, on GET /v1/events (server-sent
 * events) and in its event log. Every event carries the node that emitted it
 * and a timestamp (ms since the epoch, from the node's clock), so events of
 * many nodes can be merged on one timeline.
 */
import { z } from 'zod'
import { amount, hex32, nodeIdHex } from './schemas.js'
import { RouteHop } from './types.js'

const base = { node: nodeIdHex, alias: z.string(), time: z.number() }

export const NodeEvent = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('node_started'), listenAddresses: z.array(z.string()) }),
  z.object({ ...base, type: z.literal('peer_connected'), peer: nodeIdHex }),
  z.object({ ...base, type: z.literal('peer_disconnected'), peer: nodeIdHex }),
  z.object({
    ...base,
    type: z.literal('channel_state'),
    channelId: hex32,
    peer: nodeIdHex,
    from: z.string(),
    to: z.string(),
    shortChannelId: z.string().nullable(),
  }),
  z.object({ ...base, type: z.literal('channel_balance'), channelId: hex32, localMsat: amount, remoteMsat: amount }),
  /** the channel's commitment now pays this feerate (sat/kw): an update_fee is committed */
  z.object({ ...base, type: z.literal('channel_feerate'), channelId: hex32, feeratePerKw: z.number().int().min(0) }),
  z.object({
    ...base,
    type: z.literal('htlc_added'),
    channelId: hex32,
    direction: z.enum(['incoming', 'outgoing']),
    htlcId: amount,
    amountMsat: amount,
    paymentHash: hex32,
    cltvExpiry: z.number().int(),
    /** update_add_htlc's `accountable` record (lightning/bolts#1280); absent on events of older nodes */
    accountable: z.boolean().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('htlc_settled'),
    channelId: hex32,
    direction: z.enum(['incoming', 'outgoing']),
    htlcId: amount,
    amountMsat: amount,
    paymentHash: hex32,
  }),
  z.object({
    ...base,
    type: z.literal('htlc_failed'),
    channelId: hex32,
    direction: z.enum(['incoming', 'outgoing']),
    htlcId: amount,
    amountMsat: amount,
    paymentHash: hex32,
    reason: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('htlc_forwarded'),
    paymentHash: hex32,
    incomingChannel: hex32,
    outgoingChannel: hex32,
    incomingMsat: amount,
    outgoingMsat: amount,
    feeMsat: amount,
    status: z.enum(['settled', 'failed']),
    durationMs: z.number(),
  }),
  z.object({
    ...base,
    type: z.literal('payment_sent'),
    paymentHash: hex32,
    amountMsat: amount,
    feeMsat: amount,
    /** the route of the first part */
    route: z.array(RouteHop),
    /** every part that arrived (one unless the payment was split); absent in events of older versions */
    parts: z.array(z.object({ route: z.array(RouteHop), amountMsat: amount, feeMsat: amount })).optional(),
    attempts: z.number().int(),
    latencyMs: z.number(),
  }),
  z.object({
    ...base,
    type: z.literal('payment_failed'),
    paymentHash: hex32,
    amountMsat: amount,
    code: z.string(),
    message: z.string(),
    attempts: z.number().int(),
    latencyMs: z.number(),
  }),
  z.object({
    ...base,
    type: z.literal('payment_attempt'),
    paymentHash: hex32,
    route: z.array(RouteHop),
    attempt: z.number().int(),
    /** what this attempt carries to the payee: less than the payment when it is one part of several */
    amountMsat: amount.optional(),
  }),
  z.object({
    ...base,
    type: z.literal('payment_received'),
    paymentHash: hex32,
    amountMsat: amount,
    /** how many HTLCs paid it (more than one: a multi-part payment) */
    parts: z.number().int().min(1).default(1),
    keysend: z.boolean().default(false),
  }),
  z.object({
    ...base,
    type: z.literal('onchain'),
    channelId: hex32.nullable(),
    txid: hex32,
    label: z.string(),
    amountSat: amount.nullable(),
    spendableFromHeight: z.number().int().nullable(),
  }),
  z.object({ ...base, type: z.literal('block'), height: z.number().int() }),
  z.object({
    ...base,
    /** a node started with --testing changed, replayed or crafted a message to a peer on purpose */
    type: z.literal('rogue_message'),
    action: z.enum(['mutate', 'replay', 'send']),
    peer: nodeIdHex,
    messageType: z.string(),
    fields: z.array(z.string()),
  }),
  z.object({ ...base, type: z.literal('warning'), code: z.string(), message: z.string(), peer: nodeIdHex.nullable() }),
  z.object({
    ...base,
    /** the node's forwarding policy refused to forward an HTLC, and why (failed back with `failure`) */
    type: z.literal('htlc_refused'),
    policy: z.string(),
    incomingChannel: hex32,
    htlcId: amount,
    outgoingChannel: hex32,
    outgoingPeer: nodeIdHex,
    amountMsat: amount,
    paymentHash: hex32,
    accountable: z.boolean(),
    reason: z.string(),
    failure: z.string(),
  }),
  z.object({
    ...base,
    /** a held (intercepted) HTLC was decided: by an interceptor's answer, or by the default */
    type: z.literal('htlc_intercepted'),
    id: z.string(),
    channelId: hex32,
    htlcId: amount,
    paymentHash: hex32,
    amountMsat: amount,
    action: z.enum(['resume', 'fail', 'settle']),
    decidedBy: z.enum(['interceptor', 'timeout', 'disconnect', 'expiry']),
    failure: z.string().nullable(),
  }),
])
export type NodeEvent = z.infer<typeof NodeEvent>
export type NodeEventType = NodeEvent['type']
