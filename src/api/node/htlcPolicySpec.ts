/**
 * How a node's forwarding policy is chosen: `lnsim node start --htlc-policy` and a scenario's `nodes[].policy` take
 * the same object. `{ kind: default }` forwards whatever the channel accepts (lnsim's behaviour before policies);
 * `{ kind: reputation, ... }` is lightning/bolts#1280's local resource conservation, each field optional with the
 * proposal's recommended default (node/payments/policy/reputationPolicy.ts).
 */
import { z } from 'zod'

const seconds = (max: number) => z.number().int().min(1).max(max)
const percent = z.number().int().min(0).max(100)

export const DefaultPolicySpec = z.strictObject({ kind: z.literal('default') })

export const ReputationPolicySpec = z
  .strictObject({
    kind: z.literal('reputation'),
    revenueWindowSeconds: seconds(365 * 24 * 3600)
      .optional()
      .describe('revenue_window: how far back incoming revenue counts (default 1209600, two weeks)'),
    reputationMultiplier: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe('reputation_window = revenue window times this (default 12)'),
    resolutionPeriodSeconds: seconds(86_400)
      .optional()
      .describe('how long an HTLC may take to resolve and still count as good (default 90)'),
    blockTimeSeconds: seconds(86_400)
      .optional()
      .describe('the expected time between blocks, to weigh an HTLC by its expiry (default 600)'),
    generalPercent: percent.optional().describe("the general bucket's share of slots and liquidity (default 40)"),
    congestionPercent: percent.optional().describe("the congestion bucket's share (default 20); protected: the rest"),
    generalSlotsPerPair: z
      .number()
      .int()
      .min(1)
      .max(483)
      .optional()
      .describe(
        'general_bucket_slot_allocation: general slots each (incoming, outgoing) channel pair may take ' +
          '(default 20 of 483, 5 of 114, in proportion otherwise)',
      ),
  })
  .refine((p) => (p.generalPercent ?? 40) + (p.congestionPercent ?? 20) <= 100, {
    message: 'generalPercent and congestionPercent add up to more than 100',
    path: ['congestionPercent'],
  })

export const HtlcPolicySpec = z.union([DefaultPolicySpec, ReputationPolicySpec])
export type HtlcPolicySpec = z.infer<typeof HtlcPolicySpec>
