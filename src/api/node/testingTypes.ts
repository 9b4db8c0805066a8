/**
 * The contract of a node's test-only hooks (routes under /v1/dev, answered
 * only by a node started with --testing): per-message faults, link latency
 * and loss, partitions, holding incoming payments, and broadcasting a revoked
 * commitment. The node checks requests against these schemas; the scenario
 * runner and tests speak the same types.
 */
import { z } from 'zod'
import { MESSAGE_TYPES } from '../../wire/constants.js'
import type { MessageType } from '../../wire/messages.js'
import { amount, hex32, nodeIdHex } from './schemas.js'

/** Every peer message type by its BOLT name (`revoke_and_ack`, `update_add_htlc`, …). */
export const MESSAGE_TYPE_NAMES = Object.keys(MESSAGE_TYPES) as [MessageType, ...MessageType[]]
export type MessageTypeName = MessageType

/**
 * What happens to the Nth matching message the node sends: drop never sends it;
 * disconnect_before closes the connection instead of sending it; disconnect_after
 * sends it, then closes; blackhole sends it, then nothing more to that peer.
 */
export const FAULT_ACTIONS = ['drop', 'disconnect_before', 'disconnect_after', 'blackhole'] as const
export type FaultAction = (typeof FAULT_ACTIONS)[number]

export const MessageFault = z.strictObject({
  /** the peer (node id); any peer when absent */
  peer: nodeIdHex.optional(),
  messageType: z.enum(MESSAGE_TYPE_NAMES),
  /** the Nth matching message from now on (1 = the next one) */
  nth: z.number().int().min(1).default(1),
  action: z.enum(FAULT_ACTIONS),
})
export type MessageFault = z.output<typeof MessageFault>

export const FaultsRequest = z.strictObject({ faults: z.array(MessageFault).max(100) })
export type FaultsRequest = z.input<typeof FaultsRequest>

/** The longest delay a link may add to one message. */
export const MAX_LINK_DELAY_MS = 60_000

export const LinkDelay = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), ms: z.number().min(0).max(MAX_LINK_DELAY_MS) }),
  z.strictObject({
    kind: z.literal('uniform'),
    minMs: z.number().min(0).max(MAX_LINK_DELAY_MS),
    maxMs: z.number().min(0).max(MAX_LINK_DELAY_MS),
  }),
  z.strictObject({ kind: z.literal('exponential'), meanMs: z.number().positive().max(MAX_LINK_DELAY_MS) }),
])
export type LinkDelay = z.output<typeof LinkDelay>

export const LinkRule = z.strictObject({
  /** the peer (node id); every peer without a rule of its own when absent */
  peer: nodeIdHex.optional(),
  delay: LinkDelay.optional(),
  /** probability (0..1) that a message is lost */
  dropRate: z.number().min(0).max(1).optional(),
})
export type LinkRule = z.output<typeof LinkRule>

/** Replaces every link rule of the node; the seed restarts its random draws (same seed, same delays). */
export const LinksRequest = z.strictObject({ links: z.array(LinkRule).max(100), seed: z.string().max(200).optional() })
export type LinksRequest = z.input<typeof LinksRequest>

/** Cuts the node off from these peers (added to any earlier partition) until healed. */
export const PartitionRequest = z.strictObject({ peers: z.array(nodeIdHex).max(1000) })
export type PartitionRequest = z.input<typeof PartitionRequest>

export const HoldRequest = z.strictObject({ hold: z.boolean() })
export type HoldRequest = z.input<typeof HoldRequest>

/** A field value as JSON gives it: hex for bytes, keys and signatures; a number (or decimal string) for integers. */
const fieldValue = z.union([z.string().max(4000), z.number()])
const fieldValues = z.record(z.string().max(100), fieldValue)

/** The Nth `messageType` the node sends `peer` from now on leaves with the fields in `set` (BOLT names) changed. */
export const MutateRequest = z.strictObject({
  peer: nodeIdHex,
  messageType: z.enum(MESSAGE_TYPE_NAMES),
  nth: z.number().int().min(1).max(100_000).default(1),
  set: fieldValues.refine((s) => Object.keys(s).length > 0, 'set at least one field'),
})
export type MutateRequest = z.input<typeof MutateRequest>

/** The node sends `peer` again the Nth last `messageType` it sent it (1 = the last one). */
export const ReplayRequest = z.strictObject({
  peer: nodeIdHex,
  messageType: z.enum(MESSAGE_TYPE_NAMES),
  nth: z.number().int().min(1).max(100_000).default(1),
})
export type ReplayRequest = z.input<typeof ReplayRequest>

/** The node crafts a message from every one of its fields (BOLT names) and sends it to `peer`. */
export const SendMessageRequest = z.strictObject({
  peer: nodeIdHex,
  messageType: z.enum(MESSAGE_TYPE_NAMES),
  fields: fieldValues,
})
export type SendMessageRequest = z.input<typeof SendMessageRequest>

/** The longest a chain stall or a run of refused broadcasts may last. */
export const MAX_CHAIN_TROUBLE_MS = 600_000

/** For this long: blocks stop reaching the node (then arrive together), or the chain refuses its transactions. */
export const ChainTroubleRequest = z.strictObject({ durationMs: z.number().int().min(1).max(MAX_CHAIN_TROUBLE_MS) })
export type ChainTroubleRequest = z.input<typeof ChainTroubleRequest>

// ---- responses ----

/** When the trouble ends (ms since the epoch, the node's clock). */
export const ChainTroubleState = z.object({ until: z.number() })
export type ChainTroubleState = z.output<typeof ChainTroubleState>

/** Mutations armed and not yet fired. */
export const MutationsState = z.object({
  mutations: z.array(
    z.object({ peer: nodeIdHex, messageType: z.string(), nth: z.number().int(), fields: z.array(z.string()) }),
  ),
})
export type MutationsState = z.output<typeof MutationsState>

/** What the node sent since it started: per peer (node id), per message type, how many. */
export const SentCounts = z.object({ sent: z.record(nodeIdHex, z.record(z.string(), z.number().int())) })
export type SentCounts = z.output<typeof SentCounts>

export const Done = z.object({ ok: z.literal(true) })
export type Done = z.output<typeof Done>

/** What trouble the node is set to make now: faults not yet fired, link rules, peers cut off. */
export const FaultsState = z.object({
  faults: z.array(
    z.object({
      peer: nodeIdHex.optional(),
      messageType: z.enum(MESSAGE_TYPE_NAMES),
      nth: z.number().int(),
      action: z.enum(FAULT_ACTIONS),
    }),
  ),
  links: z.array(LinkRule),
  partitioned: z.array(nodeIdHex),
  blackholed: z.array(nodeIdHex),
})
export type FaultsState = z.output<typeof FaultsState>

export const HoldResponse = z.object({ holding: z.boolean(), released: z.number().int() })
export type HoldResponse = z.output<typeof HoldResponse>

/** The revoked commitment now on its way to the chain, and its commitment number. */
export const CheatResponse = z.object({ txid: hex32, revokedIndex: amount })
export type CheatResponse = z.output<typeof CheatResponse>

/** Message fields by BOLT name, for clients that check a mutation or a crafted message before sending it. */
export {
  MessageFieldError,
  describeFieldKind,
  messageFieldsFromJson,
  settableFields,
} from '../../wire/messageFields.js'
