/**
 * The JSON Schema of scenario files, generated from the zod schema so the two
 * cannot drift apart. It is checked in as scenarios/scenario.schema.json, where
 * editors find it through a first line such as
 * `# yaml-language-server: $schema=./scenario.schema.json`.
 */
import { z } from 'zod'
import { toJson } from '../../core/json.js'
import { ScenarioSchema } from './scenarioSchema.js'

export const SCHEMA_FILE_NAME = 'scenario.schema.json'

export function scenarioJsonSchema(): Record<string, unknown> {
  // the input side: what a person writes, before amounts become bigints
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >
  return {
    ...schema,
    title: 'lnsim scenario',
    description:
      'A network of Lightning nodes, the steps to run on it and what to expect; run it with `lnsim run FILE`. ' +
      'Reference: docs/scenarios.md.',
  }
}

/** The file's text, as checked in (stable key order, two-space indent, final newline). */
export function scenarioJsonSchemaText(): string {
  return toJson(scenarioJsonSchema(), 2) + '\n'
}
