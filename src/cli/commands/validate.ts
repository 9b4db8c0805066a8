/**
 * `lnsim validate FILE...`: every check `lnsim run` makes before it starts anything (the schema, that names refer to
 * nodes and channels that exist, that each node's funds cover the channels it opens, an imported topology or
 * activity file), on many files at once and without starting a process: for CI, and for editors.
 */
import { relative } from 'node:path'
import { isScriptFile, loadScenarioFile, loadScenarioScript, ScenarioFileError } from '../../scenario/index.js'
import type { CommandSpec } from '../command.js'
import { scenarioFiles } from '../scenarioFiles.js'

/** The exit code when a file is invalid: what `lnsim run` exits with for an invalid scenario. */
export const EXIT_SOME_INVALID = 2

export interface ValidatedFile {
  file: string
  valid: boolean
  scenario: string | null
  nodes: number | null
  channels: number | null
  /** null for a script, whose steps are its code */
  steps: number | null
  code: string | null
  issues: { line: number; col: number; path: string; message: string }[]
}

async function validateFile(file: string): Promise<ValidatedFile> {
  try {
    if (isScriptFile(file)) {
      const s = await loadScenarioScript(file)
      return ok(file, s.spec.name, s.spec.nodes.length, s.spec.channels.length, null)
    }
    const s = await loadScenarioFile(file)
    return ok(file, s.name, s.nodes.length, s.channels.length, s.steps.length)
  } catch (err) {
    if (!(err instanceof ScenarioFileError)) throw err
    return {
      file,
      valid: false,
      scenario: null,
      nodes: null,
      channels: null,
      steps: null,
      code: err.code,
      issues: err.issues.map(({ line, col, path, message }) => ({ line, col, path, message })),
    }
  }
}

function ok(file: string, scenario: string, nodes: number, channels: number, steps: number | null): ValidatedFile {
  return { file, valid: true, scenario, nodes, channels, steps, code: null, issues: [] }
}

function shown(file: string): string {
  const r = relative(process.cwd(), file)
  return r.startsWith('..') ? file : r
}

function describe(v: ValidatedFile): string {
  if (v.valid)
    return (
      `✓ ${shown(v.file)}: ${v.scenario}, ${v.nodes} node(s), ${v.channels} channel(s)` +
      `${v.steps === null ? ' (script)' : `, ${v.steps} step(s)`}`
    )
  const where = (i: ValidatedFile['issues'][number]): string =>
    `${shown(v.file)}${i.line ? `:${i.line}:${i.col}` : ''}${i.path ? ` ${i.path}` : ''}`
  return [`✗ ${shown(v.file)}: ${v.code}`, ...v.issues.map((i) => `    ${where(i)}: ${i.message}`)].join('\n')
}

export const validateCommand: CommandSpec = {
  path: ['validate'],
  summary: 'Check scenario files without starting anything: schema, references, funds',
  description:
    'Makes every check `lnsim run` makes before it starts a process, on each FILE (a folder: its scenarios; a ' +
    'pattern such as "scenarios/*.yaml"). A TypeScript scenario is bundled and its network checked. ' +
    `Exit code: 0 every file is valid, ${EXIT_SOME_INVALID} one is not (each problem printed as FILE:LINE:COL).`,
  positionals: [{ name: 'FILE', description: 'scenario files, folders or patterns', variadic: true }],
  examples: ['lnsim validate scenarios/', 'lnsim validate a.yaml b.yaml --json'],
  async run({ args, out }) {
    const files: ValidatedFile[] = []
    for (const file of scenarioFiles(args)) files.push(await validateFile(file))
    const invalid = files.filter((f) => !f.valid).length
    out.result(
      { valid: files.length - invalid, invalid, files },
      [...files.map(describe), `${files.length - invalid} of ${files.length} file(s) valid`].join('\n'),
    )
    return invalid ? EXIT_SOME_INVALID : 0
  },
}
