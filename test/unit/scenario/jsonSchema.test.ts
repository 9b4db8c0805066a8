import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SCHEMA_FILE_NAME, scenarioJsonSchema, scenarioJsonSchemaText } from '../../../src/scenario/index.js'

const FILE = resolve(__dirname, '../../../scenarios', SCHEMA_FILE_NAME)

describe('the JSON Schema of scenario files', () => {
  // regenerate it with LNSIM_UPDATE_SCHEMA=1 npx vitest run test/unit/scenario/jsonSchema.test.ts
  it('is checked in as generated from the zod schema', () => {
    const text = scenarioJsonSchemaText()
    if (process.env.LNSIM_UPDATE_SCHEMA === '1') writeFileSync(FILE, text)
    expect(readFileSync(FILE, 'utf8')).toBe(text)
  })

  it('offers every step kind and rejects unknown keys, so editors complete and check files', () => {
    const schema = scenarioJsonSchema() as {
      additionalProperties: boolean
      properties: { steps: { items: { properties: Record<string, unknown>; maxProperties: number } } }
    }
    expect(schema.additionalProperties).toBe(false)
    expect(Object.keys(schema.properties.steps.items.properties)).toEqual([
      'pay',
      'keysend',
      'settle',
      'cancel',
      'open',
      'close',
      'mine',
      'feerate',
      'wait',
      'stop',
      'restart',
      'kill',
      'sleep',
      'traffic',
      'jam',
      'fault',
      'latency',
      'partition',
      'heal',
      'hold',
      'mutate',
      'replay',
      'send',
      'chainStall',
      'broadcastFails',
      'reorg',
      'cheat',
    ])
    expect(schema.properties.steps.items.maxProperties).toBe(1)
  })
})
