/**
 * The steps that make trouble on purpose — message faults, link latency and
 * loss, partitions, a payee that holds payments, a node that cheats — as a
 * scenario file writes them. They use the nodes' test-only hooks, so a
 * scenario with any of them starts its nodes with --testing; one without
 * starts normal nodes, which refuse those hooks.
 */
import { z } from 'zod'
import {
  FAULT_ACTIONS,
  MAX_CHAIN_TROUBLE_MS,
  MAX_LINK_DELAY_MS,
  MESSAGE_TYPE_NAMES,
  MessageFieldError,
  messageFieldsFromJson,
  type MessageTypeName,
} from '../../api/node/testingTypes.js'
import { errorMessage } from '../../core/errors.js'
import { oneOf } from './oneOf.js'
import { channelName, comparison, milliseconds, noKeys, nodeName, strictObject, wholeNumber } from './values.js'

const delayMs = wholeNumber(0, MAX_LINK_DELAY_MS)

/**
 * How long each message waits before it leaves: always the same, drawn evenly from a range, or exponentially around a
 * mean.
 */
export const LinkDelaySpec = oneOf('delay', {
  fixed: strictObject({ ms: delayMs }),
  uniform: strictObject({ minMs: delayMs, maxMs: delayMs }).refine((d) => d.minMs <= d.maxMs, {
    message: 'minMs must not be above maxMs',
    path: ['maxMs'],
  }),
  exponential: strictObject({ meanMs: wholeNumber(1, MAX_LINK_DELAY_MS) }),
})
export type LinkDelaySpec = z.output<typeof LinkDelaySpec>

const messageType = z.enum(MESSAGE_TYPE_NAMES, {
  error: (issue) =>
    `no peer message named ${JSON.stringify(issue.input)}; the messages are: ${MESSAGE_TYPE_NAMES.join(', ')}`,
})

/** Message fields that name a channel: a scenario may give the channel's name in place of its 32-byte id. */
export const CHANNEL_ID_FIELDS: readonly string[] = ['channel_id', 'temporary_channel_id']

const fieldValues = z
  .record(z.string().max(100), z.union([z.string().max(4000), z.number()]))
  .describe(
    'field: value, by BOLT name (snake_case); hex for bytes, keys and signatures, numbers for integers; ' +
      'channel_id may name a channel of the scenario',
  )

/** Checks the fields against the message's wire types now, so a typo fails the file before any node starts. */
function checkFields(
  message: MessageTypeName,
  values: Record<string, string | number>,
  complete: boolean,
): { message: string; path: string[] } | undefined {
  const probe = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      // a channel name stands for an id the run learns; any 32 bytes check the rest
      CHANNEL_ID_FIELDS.includes(k) && typeof v === 'string' && !/^[0-9a-f]{64}$/i.test(v) ? '00'.repeat(32) : v,
    ]),
  )
  try {
    messageFieldsFromJson(message, probe, complete)
    return undefined
  } catch (err) {
    const field = err instanceof MessageFieldError ? err.details.field : undefined
    return { message: errorMessage(err), path: typeof field === 'string' ? [field] : [] }
  }
}

const troubleMs = wholeNumber(1, MAX_CHAIN_TROUBLE_MS)

/** As the chain's reorganizations allow (MAX_REORG_DEPTH in the chain). */
export const MAX_REORG_DEPTH = 20

const hex32Txid = z.string().regex(/^[0-9a-f]{64}$/, 'a txid is 64 lowercase hex characters')

const rogueTarget = {
  node: nodeName.describe('the rogue: the node that sends the message'),
  peer: nodeName.describe('the node it is sent to'),
  message: messageType.describe('the BOLT message name, e.g. revoke_and_ack or update_add_htlc'),
}

export const testingStepVariants = {
  fault: strictObject({
    node: nodeName.describe('the node that sends the message'),
    peer: nodeName.describe('the node it is sent to'),
    message: messageType.describe('the BOLT message name, e.g. revoke_and_ack or update_add_htlc'),
    nth: wholeNumber(1, 10_000).default(1).describe('the Nth such message from this step on (1: the next one)'),
    action: z
      .enum(FAULT_ACTIONS)
      .describe(
        'drop: never sent; disconnect_before: the connection closes instead; disconnect_after: sent, ' +
          'then the connection closes; blackhole: sent, then nothing more reaches the peer until heal',
      ),
  }),
  latency: strictObject({
    node: nodeName.optional().describe('every message this node sends'),
    channel: channelName.optional().describe("both ends' messages to each other"),
    delay: LinkDelaySpec.optional().describe('added to each message; without delay and dropRate the rule is removed'),
    dropRate: z.number().min(0).max(1).optional().describe('probability (0 to 1) that a message is lost'),
  }).refine((l) => (l.node === undefined) !== (l.channel === undefined), {
    message: "give node (all its links) or channel (both ends' links to each other), one of them",
  }),
  partition: strictObject({
    groups: z
      .array(z.array(nodeName).min(1).max(500))
      .min(2)
      .max(500)
      .describe('nodes in different groups cannot reach each other; nodes in no group reach everyone'),
    durationMs: milliseconds.optional().describe('heal after this long, while the following steps run'),
  }),
  heal: noKeys.describe('ends every partition and blackhole; nodes redial their channel peers'),
  hold: strictObject({
    node: nodeName,
    hold: z
      .boolean()
      .describe('true: payments to the node stay in flight instead of settling; false: settle the held ones'),
  }),
  mutate: strictObject({
    ...rogueTarget,
    nth: wholeNumber(1, 10_000).default(1).describe('the Nth such message from this step on (1: the next one)'),
    set: fieldValues.refine((s) => Object.keys(s).length > 0, 'set at least one field'),
  }).superRefine((m, ctx) => {
    const problem = checkFields(m.message, m.set, false)
    if (problem) ctx.addIssue({ code: 'custom', path: ['set', ...problem.path], message: problem.message })
  }),
  replay: strictObject({
    ...rogueTarget,
    nth: wholeNumber(1, 16).default(1).describe('which earlier message, counting back (1: the last one sent)'),
  }),
  send: strictObject({
    ...rogueTarget,
    fields: fieldValues,
  }).superRefine((m, ctx) => {
    const problem = checkFields(m.message, m.fields, true)
    if (problem) ctx.addIssue({ code: 'custom', path: ['fields', ...problem.path], message: problem.message })
  }),
  chainStall: strictObject({
    durationMs: troubleMs.describe('how long blocks stop reaching the nodes; then they arrive together'),
    nodes: z.array(nodeName).min(1).max(500).optional().describe('the nodes the chain stalls for (default: all)'),
  }),
  broadcastFails: strictObject({
    node: nodeName,
    durationMs: troubleMs.describe('how long the chain refuses the transactions this node submits'),
  }),
  reorg: strictObject({
    depth: wholeNumber(1, MAX_REORG_DEPTH).describe('how many of the last blocks a longer branch replaces'),
    drop: z
      .array(z.union([hex32Txid, strictObject({ funding: channelName }), strictObject({ closing: channelName })]))
      .max(100)
      .default([])
      .describe(
        'transactions the new branch leaves out (they wait in the mempool): a txid, { funding: CHANNEL } or ' +
          '{ closing: CHANNEL } (the transaction that closed it); ' +
          'they must be in the blocks replaced',
      ),
  }),
  cheat: strictObject({
    node: nodeName.describe('the cheater'),
    channel: channelName.describe(
      'a channel of the cheater with at least one revoked commitment (a payment made on it)',
    ),
  }),
}

export type TestingStepKind = keyof typeof testingStepVariants
export const TESTING_STEP_KINDS = Object.keys(testingStepVariants) as TestingStepKind[]

const wireTarget = {
  node: nodeName.describe('the sender'),
  peer: nodeName.describe('the receiver'),
  message: messageType.describe('the BOLT message name'),
}

/** Conditions on what nodes sent each other: the nodes count it only when started with --testing. */
export const testingConditionVariants = {
  sent: strictObject({
    ...wireTarget,
    count: comparison.optional().describe('how many since the node started, e.g. 2 or ">= 1" (default: at least one)'),
  }),
  notSent: strictObject(wireTarget).describe('node never sent peer such a message since it started'),
}
export const TESTING_CONDITION_KINDS = Object.keys(testingConditionVariants)

/** Whether a scenario's steps (and conditions, waited for or expected) need nodes started with --testing. */
export function usesTestingHooks(
  steps: readonly { kind: string; until?: { kind: string } }[],
  expect: readonly { kind: string }[] = [],
): boolean {
  return (
    steps.some(
      (s) =>
        (TESTING_STEP_KINDS as string[]).includes(s.kind) ||
        (s.until !== undefined && TESTING_CONDITION_KINDS.includes(s.until.kind)),
    ) || expect.some((e) => TESTING_CONDITION_KINDS.includes(e.kind))
  )
}
