/**
 * The control-plane contract of a node: request bodies and responses, as zod
 * schemas (what the server accepts and the client checks) and their types.
 * Every client of a node — the CLI, the scenario runner, the dashboard — speaks
 * these types, and none of them reaches into a node's memory.
 */
import { z } from 'zod'
import { amount, hex32, nodeIdHex } from './schemas.js'

/** More parts than this cost more in fees and HTLC slots than any payment gains (LND caps its own at 16 by default). */
export const MAX_PARTS_LIMIT = 128
/** A BOLT #4 onion holds 20 hops of lnsim's payloads: a path of more channels could not be sent. */
export const MAX_ROUTE_CHANNELS = 20

// ---- requests ----

export const ConnectPeerRequest = z.strictObject({
  /** NODEID@MULTIADDR, e.g. 02ab…@/ip4/127.0.0.1/tcp/9735 */
  address: z.string().min(1).max(1000),
})
export type ConnectPeerRequest = z.infer<typeof ConnectPeerRequest>

export const OpenChannelRequest = z.strictObject({
  nodeId: nodeIdHex,
  amountSat: amount,
  pushMsat: amount.optional(),
  announce: z.boolean().optional(),
})
export type OpenChannelRequest = z.infer<typeof OpenChannelRequest>

export const CloseChannelRequest = z.strictObject({
  force: z.boolean().optional(),
})
export type CloseChannelRequest = z.infer<typeof CloseChannelRequest>

export const ChannelPolicyRequest = z.strictObject({
  feeBaseMsat: amount.optional(),
  feeProportionalMillionths: amount.optional(),
  cltvExpiryDelta: z.number().int().min(1).max(2016).optional(),
  htlcMinimumMsat: amount.optional(),
  /** the largest HTLC this end forwards over the channel (BOLT #7 htlc_maximum_msat); at most the capacity */
  htlcMaximumMsat: amount.optional(),
})
export type ChannelPolicyRequest = z.infer<typeof ChannelPolicyRequest>

export const ChannelPolicy = z.object({
  feeBaseMsat: amount,
  feeProportionalMillionths: amount,
  cltvExpiryDelta: z.number().int(),
  htlcMinimumMsat: amount,
  /** absent: the channel's capacity */
  htlcMaximumMsat: amount.optional(),
})
export type ChannelPolicy = z.infer<typeof ChannelPolicy>

export const CreateInvoiceRequest = z
  .strictObject({
    amountMsat: amount.optional(),
    memo: z.string().max(639).optional(),
    expirySeconds: z.number().int().positive().max(31_536_000).optional(),
    /** a hold invoice: its payment waits for settle or cancel */
    hold: z.boolean().optional(),
    /** a hold invoice for this payment hash, whose preimage only the caller knows (default: the node makes one) */
    paymentHash: hex32.optional(),
  })
  .refine((r) => r.paymentHash === undefined || r.hold === true, {
    message: 'paymentHash is for hold invoices: add hold: true',
    path: ['paymentHash'],
  })
export type CreateInvoiceRequest = z.input<typeof CreateInvoiceRequest>

export const SettleInvoiceRequest = z.strictObject({ preimage: hex32 })
export type SettleInvoiceRequest = z.infer<typeof SettleInvoiceRequest>

export const PayRequest = z.strictObject({
  invoice: z.string().min(1).max(7089),
  /** for invoices without an amount */
  amountMsat: amount.optional(),
  timeoutSeconds: z.number().int().positive().max(3600).optional(),
  maxFeeMsat: amount.optional(),
  /** the most parts the payment may be split into; 1 sends it whole or not at all. Default 16 */
  maxParts: z.number().int().min(1).max(MAX_PARTS_LIMIT).optional(),
  /**
   * the short channel ids (HEIGHTxINDEXxOUTPUT) the payment must travel over, and no others, in any order: it goes
   * whole, in one attempt, as LND's sendtoroute (to cross a given channel, e.g. in a jamming study)
   */
  channels: z
    .array(z.string().regex(/^[0-9]{1,8}x[0-9]{1,8}x[0-9]{1,5}$/, 'a short channel id is HEIGHTxINDEXxOUTPUT'))
    .min(1)
    .max(MAX_ROUTE_CHANNELS)
    .optional(),
})
export type PayRequest = z.infer<typeof PayRequest>

export const KeysendRequest = z.strictObject({
  nodeId: nodeIdHex,
  amountMsat: amount.refine((a) => a > 0n, 'a keysend payment needs an amount above 0'),
  timeoutSeconds: z.number().int().positive().max(3600).optional(),
  maxFeeMsat: amount.optional(),
})
export type KeysendRequest = z.infer<typeof KeysendRequest>

// ---- responses ----

export const NodeInfo = z.object({
  nodeId: nodeIdHex,
  alias: z.string(),
  peerId: z.string(),
  listenAddresses: z.array(z.string()),
  apiUrl: z.string(),
  chain: z.object({ url: z.string(), chainHash: hex32, blockHeight: z.number().int() }),
  channels: z.object({
    active: z.number().int(),
    pending: z.number().int(),
    closing: z.number().int(),
    inactive: z.number().int(),
  }),
  peers: z.number().int(),
  version: z.string(),
  testing: z.boolean(),
})
export type NodeInfo = z.infer<typeof NodeInfo>

export const PeerInfo = z.object({
  nodeId: nodeIdHex,
  address: z.string().nullable(),
  connected: z.boolean(),
  connectedAt: z.string().nullable(),
})
export type PeerInfo = z.infer<typeof PeerInfo>

export const ChannelInfo = z.object({
  channelId: hex32,
  shortChannelId: z.string().nullable(),
  remoteNodeId: nodeIdHex,
  state: z.string(),
  /** NORMAL and connected: it can carry payments now */
  active: z.boolean(),
  isFunder: z.boolean(),
  /** opened unannounced (BOLT #7): never in the gossip graph; our invoices name it in route hints */
  private: z.boolean().optional(),
  capacitySat: amount,
  localBalanceMsat: amount,
  remoteBalanceMsat: amount,
  /** what one new HTLC could carry now, after reserve and fees */
  availableToSendMsat: amount,
  availableToReceiveMsat: amount,
  pendingHtlcs: z.array(
    z.object({
      direction: z.enum(['incoming', 'outgoing']),
      id: amount,
      amountMsat: amount,
      paymentHash: hex32,
      cltvExpiry: z.number().int(),
    }),
  ),
  commitmentNumber: amount,
  /** the feerate (sat/kw) our current commitment pays; the funder moves it with update_fee */
  feeratePerKw: z.number().int().min(0).optional(),
  fundingTxid: hex32.nullable(),
  closingTxid: hex32.nullable(),
})
export type ChannelInfo = z.infer<typeof ChannelInfo>

export const OpenChannelResponse = z.object({ channelId: hex32, fundingTxid: hex32 })
export type OpenChannelResponse = z.infer<typeof OpenChannelResponse>

export const CloseChannelResponse = z.object({ channelId: hex32, closingTxid: hex32.nullable(), state: z.string() })
export type CloseChannelResponse = z.infer<typeof CloseChannelResponse>

export const InvoiceInfo = z.object({
  invoice: z.string(),
  paymentHash: hex32,
  amountMsat: amount.nullable(),
  memo: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  status: z.enum(['open', 'accepted', 'paid', 'canceled', 'expired']),
  hold: z.boolean(),
  /** known to the node for its own invoices; for a hold invoice made from a hash, once settled */
  preimage: hex32.nullable(),
  paidMsat: amount.nullable(),
  paidAt: z.string().nullable(),
})
export type InvoiceInfo = z.infer<typeof InvoiceInfo>

export const RouteHop = z.object({
  nodeId: nodeIdHex,
  shortChannelId: z.string(),
  amountMsat: amount,
  feeMsat: amount,
  cltvExpiry: z.number().int(),
})
export type RouteHop = z.infer<typeof RouteHop>

export const PaymentInfo = z.object({
  paymentHash: hex32,
  direction: z.enum(['sent', 'received']),
  status: z.enum(['pending', 'succeeded', 'failed']),
  amountMsat: amount,
  feeMsat: amount,
  destination: nodeIdHex.nullable(),
  preimage: hex32.nullable(),
  route: z.array(RouteHop),
  /** the parts that arrived (one unless the payment was split) */
  parts: z.array(z.object({ route: z.array(RouteHop), amountMsat: amount, feeMsat: amount })),
  keysend: z.boolean(),
  attempts: z.number().int(),
  failure: z.object({ code: z.string(), message: z.string(), failingNode: nodeIdHex.nullable() }).nullable(),
  createdAt: z.string(),
  settledAt: z.string().nullable(),
  latencyMs: z.number().nullable(),
})
export type PaymentInfo = z.infer<typeof PaymentInfo>

export const NewAddressResponse = z.object({ address: z.string() })
export type NewAddressResponse = z.infer<typeof NewAddressResponse>

export const OnchainOutput = z.object({
  txid: hex32,
  vout: z.number().int(),
  valueSat: amount,
  /** why it exists: wallet deposit, a closing output, a claim */
  label: z.string(),
  confirmations: z.number().int(),
  /** for funds not yet spendable: the block height from which they are */
  spendableFromHeight: z.number().int().nullable(),
})
export type OnchainOutput = z.infer<typeof OnchainOutput>

export const WalletBalance = z.object({
  confirmedSat: amount,
  unconfirmedSat: amount,
  /** claims of closed channels still waiting for a timelock or a confirmation */
  pendingClaimsSat: amount,
  channelLocalMsat: amount,
  outputs: z.array(OnchainOutput),
  pendingClaims: z.array(
    z.object({
      channelId: hex32,
      kind: z.string(),
      txid: hex32,
      amountSat: amount,
      spendableFromHeight: z.number().int(),
    }),
  ),
})
export type WalletBalance = z.infer<typeof WalletBalance>

export const ApiErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
})
export type ApiErrorBody = z.infer<typeof ApiErrorBody>

export const GraphPolicy = z.object({
  feeBaseMsat: amount,
  feeProportionalMillionths: amount,
  cltvExpiryDelta: z.number().int(),
  htlcMinimumMsat: amount,
  htlcMaximumMsat: amount,
  disabled: z.boolean(),
})
export type GraphPolicy = z.infer<typeof GraphPolicy>

export const GraphInfo = z.object({
  nodes: z.array(z.object({ nodeId: nodeIdHex, alias: z.string().nullable(), addresses: z.array(z.string()) })),
  channels: z.array(
    z.object({
      shortChannelId: z.string(),
      node1: nodeIdHex,
      node2: nodeIdHex,
      capacitySat: amount,
      /** [from node1, from node2]; null until that side's channel_update arrived */
      policies: z.tuple([GraphPolicy.nullable(), GraphPolicy.nullable()]),
    }),
  ),
})
export type GraphInfo = z.infer<typeof GraphInfo>

/**
 * What GET /v1/graph/summary says of a node's graph: its size, and which channels it knows with both ends' policies
 * (those it can route over either way). A few kilobytes where the whole graph of a 500-node network is hundreds.
 */
export const GraphSummary = z.object({
  nodes: z.number().int().nonnegative(),
  channels: z.number().int().nonnegative(),
  complete: z.array(z.string()),
})
export type GraphSummary = z.infer<typeof GraphSummary>

export const RouteInfo = z.object({
  destination: nodeIdHex,
  amountMsat: amount,
  totalAmountMsat: amount,
  totalFeeMsat: amount,
  totalCltvExpiry: z.number().int(),
  hops: z.array(RouteHop),
})
export type RouteInfo = z.infer<typeof RouteInfo>
