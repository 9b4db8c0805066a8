/**
 * The `jam` step as a scenario file writes it: an attacker node sends HTLCs
 * through a target channel (or every channel of a target node) to a colluding
 * node, which holds them (slow jamming: the channel's HTLC slots and liquidity
 * stay locked) or fails them at once (fast jamming: the slots are taken again
 * and again), at a set rate, paying with the attacker's own channels.
 */
import { z } from 'zod'
import { amount, channelName, milliseconds, nodeName, stepId, strictObject, wholeNumber } from './values.js'

/** The most HTLCs one jam step sends: above the 483 slots BOLT #2 allows a channel, in each of a few channels. */
export const MAX_JAM_HTLCS = 10_000
/** At most this many HTLCs a second: a node adds an HTLC in a few ms, and a faster rate measures the runner. */
export const MAX_JAM_RATE_PER_SECOND = 200

export const JamTarget = strictObject({
  channel: channelName
    .optional()
    .describe('jam this channel; the HTLCs cross it from the end nearer the attacker (or the end `from` names)'),
  node: nodeName
    .optional()
    .describe("jam every channel of this node towards its peers (but the attacker's and the colluder's), round robin"),
}).refine((t) => (t.channel === undefined) !== (t.node === undefined), {
  message: 'give channel (one channel) or node (all its channels), one of them',
})
export type JamTarget = z.output<typeof JamTarget>

export const jamStep = strictObject({
  id: stepId.optional().describe('names the jam in the report'),
  attacker: nodeName.describe('sends the HTLCs and pays for them with its own channels'),
  target: JamTarget,
  from: nodeName
    .optional()
    .describe('with target.channel: the end the HTLCs leave the channel from (default: the end nearer the attacker)'),
  colluder: nodeName
    .optional()
    .describe(
      "receives the HTLCs (holds or fails them); default: the peer of the most target channels' far ends beyond " +
        'them (not the attacker, not the target), else the first far end itself',
    ),
  mode: z
    .enum(['slow', 'fast'])
    .describe('slow: the colluder holds each HTLC (hold invoices); fast: it fails each at once (unknown payment)'),
  amountMsat: amount.refine((a) => a > 0n, 'an HTLC carries at least 1 msat').describe('what each HTLC carries'),
  ratePerSecond: z.number().positive().max(MAX_JAM_RATE_PER_SECOND).describe('HTLCs sent a second'),
  durationMs: milliseconds.describe('how long HTLCs are sent; slow HTLCs are held until it ends, unless holdMs'),
  maxHtlcs: wholeNumber(1, MAX_JAM_HTLCS)
    .optional()
    .describe("the most HTLCs the step sends (e.g. a channel's 483 slots); default: as many as the rate makes"),
  holdMs: milliseconds
    .optional()
    .describe(
      'slow: how long the colluder holds each HTLC before it fails it back (default: until durationMs ends); ' +
        'a node fails a held HTLC back anyway 12 blocks before it expires',
    ),
  background: z
    .boolean()
    .default(false)
    .describe('run alongside the steps that follow; the final expectations wait for every HTLC to resolve'),
}).refine((j) => j.from === undefined || j.target.channel !== undefined, {
  message: 'from says which end of a target channel the HTLCs leave from: give target.channel',
  path: ['from'],
})
export type JamStep = z.output<typeof jamStep>
