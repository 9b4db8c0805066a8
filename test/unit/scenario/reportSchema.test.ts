import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPORT_SCHEMA_FILE, reportJsonSchema, reportJsonSchemaText } from '../../../src/scenario/index.js'
import { jsonSchemaErrors } from '../../helpers/jsonSchemaCheck.js'

const FILE = resolve(__dirname, '../../..', REPORT_SCHEMA_FILE)

describe("the JSON Schema of a run's report", () => {
  // regenerate it with LNSIM_UPDATE_SCHEMA=1 npx vitest run test/unit/scenario/reportSchema.test.ts
  it('is checked in as generated from the zod schema', () => {
    const text = reportJsonSchemaText()
    if (process.env.LNSIM_UPDATE_SCHEMA === '1') writeFileSync(FILE, text)
    expect(readFileSync(FILE, 'utf8')).toBe(text)
  })

  it('rejects a report with an amount as a number, an unknown status, or a field it does not know', () => {
    const schema = reportJsonSchema()
    const good = {
      scenario: 's',
      seed: 's',
      status: 'passed',
      exitCode: 0,
      error: null,
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 1,
      bringUpMs: null,
      payments: {
        sent: 0,
        succeeded: 0,
        failed: 0,
        latencyMs: null,
        feesMsat: '0',
        failures: {},
        split: 0,
        keysend: 0,
      },
      nodes: [],
      channels: [],
      chain: { height: null, blocksMined: 0, transactionsMined: 0 },
      traffic: [],
      expectations: { total: 0, passed: 0, failed: 0, verdicts: [] },
      dir: null,
    }
    expect(jsonSchemaErrors(schema, good)).toEqual([])
    expect(jsonSchemaErrors(schema, [good, good])).toEqual([])
    expect(jsonSchemaErrors(schema, { ...good, payments: { ...good.payments, feesMsat: 5 } })).not.toEqual([])
    expect(jsonSchemaErrors(schema, { ...good, status: 'fine' })).not.toEqual([])
    expect(jsonSchemaErrors(schema, { ...good, extra: 1 })).not.toEqual([])
  })
})
