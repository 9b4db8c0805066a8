/**
 * The scenario files named on a command line: files as given, every scenario in a folder, and a pattern such as
 * `scenarios/*.yaml` when the shell left it unexpanded (quoted, or on Windows). Folders are not searched below their
 * own level, and their files come in name order, so a CI run is the same every time.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { CliError } from './command.js'

/** What counts as a scenario in a folder: YAML files and scripts. */
export const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.ts', '.mts', '.js', '.mjs']

const isScenario = (name: string): boolean =>
  SCENARIO_EXTENSIONS.some((e) => name.endsWith(e)) && !name.endsWith('.d.ts')

function patternRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
  return new RegExp(`^${body}$`)
}

export function scenarioFiles(args: readonly string[]): string[] {
  const files: string[] = []
  for (const arg of args) {
    const path = resolve(arg)
    if (existsSync(path) && statSync(path).isDirectory()) {
      const found = readdirSync(path)
        .filter((f) => isScenario(f) && statSync(join(path, f)).isFile())
        .sort()
      if (found.length === 0)
        throw new CliError(`${arg} holds no scenario (${SCENARIO_EXTENSIONS.join(', ')})`, {
          exitCode: 2,
          code: 'USAGE',
        })
      files.push(...found.map((f) => join(path, f)))
    } else if (!existsSync(path) && /[*?]/.test(basename(arg)) && !/[*?]/.test(dirname(arg))) {
      const dir = dirname(path)
      const re = patternRegex(basename(arg))
      const found = existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => re.test(f))
            .sort()
        : []
      if (found.length === 0) throw new CliError(`no file matches ${arg}`, { exitCode: 2, code: 'USAGE' })
      files.push(...found.map((f) => join(dir, f)))
    } else files.push(path)
  }
  return [...new Set(files)]
}
