/**
 * A CLI command is a declarative object: what it is called, what it takes, an
 * example or two, and a handler. The same object generates `--help`, so help
 * and behaviour cannot drift apart. Every command also gets `--json` and `--help`.
 */
import { InvalidAmountError, parseAmountText, type AmountUnit } from '../core/amountText.js'

export interface OptionSpec {
  name: string
  type: 'string' | 'boolean'
  description: string
  /** Shown in help as `--name VALUE`. */
  valueName?: string
  short?: string
  default?: string
}

export interface PositionalSpec {
  name: string
  description: string
  optional?: boolean
  /** the only values it takes, offered by shell completion */
  choices?: string[]
  /** the last positional only: takes one or more values (`FILE...`) */
  variadic?: boolean
}

export type OptionValues = Record<string, string | boolean | undefined>

export interface CommandInput {
  args: string[]
  options: OptionValues
  json: boolean
  out: Output
  /** Aborted on SIGINT/SIGTERM, so long work can stop cleanly. */
  signal: AbortSignal
}

export interface CommandSpec {
  /** The words that select the command, e.g. ['chain', 'start']. */
  path: string[]
  summary: string
  description?: string
  positionals?: PositionalSpec[]
  options?: OptionSpec[]
  examples?: string[]
  /** Returns the exit code (0 when omitted). */
  run(input: CommandInput): Promise<number | void>
}

/** Where a command writes: results to stdout (as JSON with --json), progress and errors to stderr. */
export interface Output {
  /** Prints a result: the value as JSON with --json, otherwise the human text. */
  result(value: unknown, human: string | (() => string)): void
  /** A progress or status line for people; silent with --json. */
  info(line: string): void
}

/** A failure the user can act on: printed without a stack trace, with the exit code given. */
export class CliError extends Error {
  readonly exitCode: number
  readonly code: string
  constructor(message: string, options: { exitCode?: number; code?: string } = {}) {
    super(message)
    this.name = 'CliError'
    this.exitCode = options.exitCode ?? 1
    this.code = options.code ?? 'CLI_ERROR'
  }
}

export function requireString(options: OptionValues, name: string): string {
  const v = options[name]
  if (typeof v !== 'string' || v === '')
    throw new CliError(`--${name} is required (see --help)`, { exitCode: 2, code: 'USAGE' })
  return v
}

export function parseIntegerOption(
  value: string | boolean | undefined,
  name: string,
  range: { min?: number; max?: number } = {},
): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !/^-?[0-9]+$/.test(value))
    throw new CliError(`--${name} must be an integer, got ${JSON.stringify(value)}`, { exitCode: 2, code: 'USAGE' })
  const n = Number(value)
  if (
    !Number.isSafeInteger(n) ||
    (range.min !== undefined && n < range.min) ||
    (range.max !== undefined && n > range.max)
  ) {
    throw new CliError(`--${name} must be between ${range.min ?? '-∞'} and ${range.max ?? '∞'}, got ${value}`, {
      exitCode: 2,
      code: 'USAGE',
    })
  }
  return n
}

/**
 * An amount as typed (`100sat`, `0.001btc`, `5000msat`, or a bare number in `unit`), in `unit`; a usage error
 * otherwise.
 */
export function parseAmountArg(value: string | boolean | undefined, unit: AmountUnit, name: string): bigint {
  if (typeof value !== 'string')
    throw new CliError(`${name} needs an amount (see --help)`, { exitCode: 2, code: 'USAGE' })
  try {
    return parseAmountText(value, unit, name)
  } catch (err) {
    if (err instanceof InvalidAmountError) throw new CliError(err.message, { exitCode: 2, code: 'USAGE' })
    throw err
  }
}
