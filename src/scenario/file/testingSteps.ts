/**
 * The steps that make trouble on purpose — message faults, link latency and
 * loss, partitions, a payee that holds payments, a node that cheats — as a
 * scenario file writes them. They use the nodes' test-only hooks, so a
 * scenario with any of them starts its nodes with --testing; one without
 * starts normal nodes, which refuse those hooks.
 */
import { z } from 'zod'
import { FAULT_ACTIONS, MAX_LINK_DELAY_MS, MESSAGE_TYPE_NAMES } from '../../api/node/testingTypes.js'
import { oneOf } from './oneOf.js'
import { channelName, milliseconds, noKeys, nodeName, strictObject, wholeNumber } from './values.js'

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
  cheat: strictObject({
    node: nodeName.describe('the cheater'),
    channel: channelName.describe(
      'a channel of the cheater with at least one revoked commitment (a payment made on it)',
    ),
  }),
}

export type TestingStepKind = keyof typeof testingStepVariants
export const TESTING_STEP_KINDS = Object.keys(testingStepVariants) as TestingStepKind[]

/** Whether a scenario's steps need nodes started with --testing. */
export function usesTestingHooks(steps: readonly { kind: string }[]): boolean {
  return steps.some((s) => (TESTING_STEP_KINDS as string[]).includes(s.kind))
}
