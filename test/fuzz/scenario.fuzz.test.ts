/**
 * Fuzzing the scenario loader: any text (YAML or JSON) gives a scenario or a
 * ScenarioFileError naming where it is wrong; never another exception, never a
 * slow load. Seeds are the shipped scenarios, mutated as text (YAML syntax and
 * the files' own words) and as values (a node of the parsed tree replaced,
 * dropped or repeated, then written back as YAML or JSON).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { parseScenarioText, ScenarioFileError } from '../../src/scenario/index.js'
import { check, outcome, timeoutFor } from './fuzz.js'
import { mutatedText, mutatedValue, tokensOf } from './mutate.js'

const SCENARIOS = resolve(import.meta.dirname, '../../scenarios')
const SHIPPED = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: join(SCENARIOS, f), text: readFileSync(join(SCENARIOS, f), 'utf8') }))
/** the imported-50 scenario reads a 100 kB graph each time: the others, most of the time */
const shipped = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...SHIPPED) },
  { weight: 4, arbitrary: fc.constantFrom(...SHIPPED.filter((s) => !s.text.includes('topology:'))) },
)

const YAML_SYNTAX = [
  ': ',
  '- ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '\n',
  '\n  ',
  '  ',
  '#',
  '---',
  '...',
  '? ',
  '|',
  '>',
  '~',
  '&a ',
  '*a',
  '<<: *a',
  '!!binary ',
  '!!str ',
  '!!int ',
  '!!float ',
  '!!map ',
  '!!set ',
  '%YAML 1.1\n---\n',
  'null',
  'true',
  'yes',
  'off',
  '0x1F',
  '0o17',
  '-1',
  '1e309',
  '.inf',
  '-.inf',
  '.nan',
  '99999999999999999999999',
  '1_000',
  '__proto__',
  'constructor',
  '\t',
  '\r',
  '\u0000',
  '\uFEFF',
  'é',
  '😀',
  '\\',
  '@',
  '`',
  // paths, for the describegraph key: a folder, devices that are empty or never end
  '/',
  '.',
  '..',
  '/dev/null',
  '/dev/zero',
]
const DICTIONARY = tokensOf(
  SHIPPED.map((s) => s.text),
  YAML_SYNTAX,
)

function loads(text: string, file: string): void {
  const r = outcome(() => parseScenarioText(text, file), ScenarioFileError)
  if (!r.ok) {
    // every problem names its place in the file
    expect(r.error.issues.length).toBeGreaterThan(0)
    for (const issue of r.error.issues) expect(issue.line).toBeGreaterThanOrEqual(0)
  }
}

describe('fuzzing the scenario loader', () => {
  it(
    'random text',
    () => {
      const soup = fc.array(fc.constantFrom(...DICTIONARY), { maxLength: 60 }).map((tokens) => tokens.join(''))
      check(
        fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), soup), (text) =>
          loads(text, join(SCENARIOS, 'fuzz.yaml')),
        ),
        1000,
      )
    },
    timeoutFor(1000),
  )

  it(
    'shipped scenarios, mutated as text',
    () => {
      check(
        fc.property(
          shipped.chain((s) => mutatedText(fc.constant(s.text), DICTIONARY).map((text) => ({ ...s, text }))),
          ({ text, file }) => loads(text, file),
        ),
        300,
      )
    },
    timeoutFor(300),
  )

  it(
    'shipped scenarios, mutated as values and written as YAML or JSON',
    () => {
      const mutated = shipped.chain((s) =>
        fc.tuple(mutatedValue(fc.constant(parse(s.text) as unknown)), fc.boolean()).map(([value, asJson]) => ({
          file: s.file,
          text: (asJson ? JSON.stringify(value) : stringify(value)) ?? '',
        })),
      )
      check(
        fc.property(mutated, ({ text, file }) => loads(text, file)),
        300,
      )
    },
    timeoutFor(300),
  )
})
