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
    expectations: z
      .object({
        total: z.number().int(),
        passed: z.number().int(),
        failed: z.number().int(),
        verdicts: z.array(VerdictSchema),
      })
      .strict(),
    dir: z.string().nullable(),
  })
  .strict()

/** `--report` holds one summary, or a list of them when the run had several scenarios. */
export const ReportFileSchema = z.union([RunSummarySchema, z.array(RunSummarySchema)])

export function reportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ReportFileSchema, { target: 'draft-7' }) as Record<string, unknown>
  return {
    ...schema,
    title: 'lnsim run report',
    description:
      'What `lnsim run --report FILE` writes: the summary of a run (or a list, one per scenario) with the ' +
      "run's metadata, payments, nodes, channels, chain, traffic and every expectation's verdict. Amounts are " +
      'decimal strings.',
  }
}

/** The file's text, as checked in (two-space indent, final newline). */
export function reportJsonSchemaText(): string {
  return toJson(reportJsonSchema(), 2) + '\n'
}
