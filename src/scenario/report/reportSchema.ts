/**
 * The shape of a run's report (`lnsim run --report FILE`, and the `run_summary` line of `--events`) as JSON:
 * amounts are decimal strings (bigint msat and sat, see core/json.ts), times ISO 8601 or ms. The zod schema is
 * the reference; docs/report.schema.json is generated from it, so the two cannot drift apart, and a test holds a
 * real run's report to both.
 */
import { z } from 'zod'
import { toJson } from '../../core/json.js'

export const REPORT_SCHEMA_FILE = 'docs/report.schema.json'

const amount = z.string().regex(/^[0-9]+$/, 'a whole number of msat or sat, as a decimal string')
const latency = z.object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() }).strict()

export const RunMetadataSchema = z
  .object({
    runId: z.string(),
    lnsimVersion: z.string(),
    gitCommit: z.string().nullable(),
    scenario: z.string(),
    scenarioHash: z.string().nullable(),
    seed: z.string(),
    nodes: z.number().int().nonnegative(),
    channels: z.number().int().nonnegative(),
    lean: z.boolean(),
    cores: z.number().int().positive(),
    startedAt: z.string(),
  })
  .strict()

export const VerdictSchema = z
  .object({ name: z.string(), ok: z.boolean(), detail: z.string(), source: z.string() })
  .strict()

const ExpectationTotalsSchema = z
  .object({
    total: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int(),
    verdicts: z.array(VerdictSchema),
  })
  .strict()

export const RunSummarySchema = z
  .object({
    run: RunMetadataSchema.optional(),
    scenario: z.string(),
    seed: z.string(),
    status: z.enum(['passed', 'failed', 'invalid', 'not-started', 'interrupted', 'timed-out']),
    exitCode: z.number().int(),
    error: z.object({ code: z.string(), message: z.string() }).strict().nullable(),
    startedAt: z.string(),
    durationMs: z.number(),
    bringUpMs: z.number().nullable(),
    payments: z
      .object({
        sent: z.number().int(),
        succeeded: z.number().int(),
        failed: z.number().int(),
        latencyMs: latency.nullable(),
        feesMsat: amount,
        failures: z.record(z.string(), z.number().int()),
        split: z.number().int(),
        keysend: z.number().int(),
      })
      .strict(),
    nodes: z.array(
      z
        .object({
          name: z.string(),
          feesPaidMsat: amount,
          feesEarnedMsat: amount,
          forwards: z.number().int(),
          paymentsSent: z.number().int(),
          paymentsReceived: z.number().int(),
        })
        .strict(),
    ),
    channels: z.array(
      z
        .object({
          name: z.string(),
          from: z.string(),
          to: z.string(),
          capacitySat: amount,
          channelId: z.string(),
          shortChannelId: z.string().nullable(),
          state: z.string(),
          fromMsat: amount.nullable(),
          toMsat: amount.nullable(),
        })
        .strict(),
    ),
    chain: z
      .object({
        height: z.number().int().nullable(),
        blocksMined: z.number().int(),
        transactionsMined: z.number().int(),
      })
      .strict(),
    traffic: z.array(
      z
        .object({
          id: z.string().nullable(),
          kind: z.enum(['traffic', 'activity']),
          sent: z.number().int(),
          succeeded: z.number().int(),
          failed: z.number().int(),
          /** percent, 0..100 */
          successRate: z.number(),
          latencyMs: latency.nullable(),
        })
        .strict(),
    ),
    jams: z
      .array(
        z
          .object({
            id: z.string().nullable(),
            attacker: z.string(),
            colluder: z.string(),
            mode: z.enum(['slow', 'fast']),
            targets: z.array(z.string()),
            sent: z.number().int(),
            held: z.number().int(),
            failures: z.record(z.string(), z.number().int()),
            durationMs: z.number(),
          })
          .strict(),
      )
      .optional(),
    ledger: z
      .array(
        z
          .object({
            name: z.string(),
            feesPaidMsat: amount,
            feesEarnedMsat: amount,
            onchainFeesSat: amount,
            htlcsOffered: z.number().int(),
            htlcsSettled: z.number().int(),
            htlcsFailed: z.number().int(),
            htlcsHeld: z.number().int(),
            peakHtlcsInFlight: z.number().int(),
            /** msat × s */
            lockedMsatSeconds: amount,
            /** msat × blocks */
            lockedMsatBlocks: amount,
          })
          .strict(),
      )
      .optional(),
    variant: z.string().optional(),
    expectations: ExpectationTotalsSchema,
    dir: z.string().nullable(),
  })
  .strict()

/** A scenario with `variants`: each variant's summary, a row per variant side by side, and the comparisons. */
export const PairedSummarySchema = z
  .object({
    scenario: z.string(),
    seed: z.string(),
    status: z.enum(['passed', 'failed', 'invalid', 'not-started', 'interrupted', 'timed-out']),
    exitCode: z.number().int(),
    variants: z.array(RunSummarySchema),
    table: z.array(
      z
        .object({
          variant: z.string(),
          status: z.enum(['passed', 'failed', 'invalid', 'not-started', 'interrupted', 'timed-out']),
          honestPayments: z.number().int(),
          honestSucceeded: z.number().int(),
          honestSuccessRate: z.number().nullable(),
          honestLatencyP50Ms: z.number().nullable(),
          revenueMsat: z.record(z.string(), amount),
          attackers: z.array(z.string()),
          attackerCostMsat: amount,
          attackerLockedMsatSeconds: amount,
          jamHtlcsSent: z.number().int(),
          jamHtlcsHeld: z.number().int(),
        })
        .strict(),
    ),
    comparisons: ExpectationTotalsSchema,
  })
  .strict()

/**
 * `--report` holds one summary (a paired one for a scenario with variants), or a list of them when the run had several
 * scenarios.
 */
export const ReportFileSchema = z.union([
  RunSummarySchema,
  PairedSummarySchema,
  z.array(z.union([RunSummarySchema, PairedSummarySchema])),
])

export function reportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ReportFileSchema, { target: 'draft-7' }) as Record<string, unknown>
  return {
    ...schema,
    title: 'lnsim run report',
    description:
      'What `lnsim run --report FILE` writes: the summary of a run (or a list, one per scenario) with the ' +
      "run's metadata, payments, nodes, channels, chain, traffic, jams, each node's cost ledger and every " +
      "expectation's verdict; a scenario with variants, each variant's summary side by side. Amounts are " +
      'decimal strings.',
  }
}

/** The file's text, as checked in (two-space indent, final newline). */
export function reportJsonSchemaText(): string {
  return toJson(reportJsonSchema(), 2) + '\n'
}
