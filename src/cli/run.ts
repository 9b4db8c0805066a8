/**
 * Finds the command named by argv, parses its options strictly (an unknown flag
 * is an error, not ignored), and turns failures into a message and an exit code.
 */
import { parseArgs } from 'node:util'
import { fstatSync } from 'node:fs'
import { toJson } from '../core/json.js'
import { LnsimError, errorMessage } from '../core/errors.js'
import { CliError, type CommandSpec, type Output } from './command.js'
import { commandUsage, overview } from './help.js'
import { commandWords, findCommand } from './argv.js'

function stdinIsPipe(): boolean {
  try {
    return fstatSync(0).isFIFO()
  } catch {
    return false
  }
}

function makeOutput(json: boolean): Output {
  return {
    result(value, human) {
      if (json) process.stdout.write(toJson(value, 2) + '\n')
      else {
        const text = typeof human === 'function' ? human() : human
        if (text !== '') process.stdout.write(text + '\n')
      }
    },
    info(line) {
      if (!json) process.stderr.write(line + '\n')
    },
  }
}

export async function runCli(commands: CommandSpec[], argv: string[]): Promise<number> {
  const json = argv.includes('--json')
  const words = commandWords(commands, argv)
  // `lnsim help pay`, `lnsim help chain`: the same as `lnsim pay --help`, `lnsim chain`
  if (words[0] === 'help') {
    const asked = findCommand(commands, words.slice(1))
    if (asked && asked.rest.length === 0) {
      process.stdout.write(commandUsage(asked.spec) + '\n')
      return 0
    }
  }
  // `lnsim --version` (and -V) is `lnsim version`, with whatever else was given (--json)
  const found =
    findCommand(commands, argv) ??
    (argv.includes('--version') || argv.includes('-V')
      ? findCommand(commands, ['version', ...argv.filter((a) => a !== '--version' && a !== '-V')])
      : undefined)
  if (!found) {
    const asked = words[0] === 'help' ? words.slice(1) : words
    const prefix = asked.slice(0, 1)
    const isGroup = prefix.length > 0 && commands.some((c) => c.path[0] === prefix[0])
    if (
      asked.length === 0 ||
      argv.includes('--help') ||
      argv.includes('-h') ||
      words[0] === 'help' ||
      (isGroup && asked.length === 1)
    ) {
      if (asked.length > 0 && !isGroup) {
        process.stderr.write(`lnsim: no command "${asked.join(' ')}". Run \`lnsim --help\` for the list of commands.\n`)
        return 2
      }
      process.stdout.write(overview(commands, isGroup ? prefix : []) + '\n')
      return 0
    }
    process.stderr.write(
      `lnsim: unknown command "${words.join(' ')}". Run \`lnsim --help\` for the list of commands.\n`,
    )
    return 2
  }
  const { spec, rest } = found
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandUsage(spec) + '\n')
    return 0
  }
  const optionConfig: Record<string, { type: 'string' | 'boolean'; short?: string }> = { json: { type: 'boolean' } }
  for (const o of spec.options ?? [])
    optionConfig[o.name] = o.short ? { type: o.type, short: o.short } : { type: o.type }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: rest, options: optionConfig, allowPositionals: true, strict: true })
  } catch (err) {
    process.stderr.write(
      `lnsim ${spec.path.join(' ')}: ${errorMessage(err).replace(/^TypeError \[[A-Z_]+\]: /, '')}\nRun ` +
        `\`lnsim ${spec.path.join(' ')} --help\` for usage.\n`,
    )
    return 2
  }
  const required = (spec.positionals ?? []).filter((p) => !p.optional).length
  const allowed = spec.positionals?.at(-1)?.variadic ? Infinity : (spec.positionals ?? []).length
  if (parsed.positionals.length < required || parsed.positionals.length > allowed) {
    const expected =
      required === allowed ? required : allowed === Infinity ? `${required} or more` : `${required} to ${allowed}`
    process.stderr.write(
      `lnsim ${spec.path.join(' ')}: expected ${expected} ` +
        `argument(s), got ${parsed.positionals.length}.\n${commandUsage(spec)}\n`,
    )
    return 2
  }
  const options = { ...parsed.values } as Record<string, string | boolean | undefined>
  for (const o of spec.options ?? [])
    if (options[o.name] === undefined && o.default !== undefined) options[o.name] = o.default
  const controller = new AbortController()
  const onSignal = (): void => controller.abort(new Error('interrupted'))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  // started by another program through a pipe (lnsim run, a test): when that program dies, so do we
  const parentPipe = stdinIsPipe()
  if (parentPipe) {
    process.stdin.on('end', onSignal)
    process.stdin.on('error', onSignal)
    process.stdin.resume()
  }
  try {
    const code = await spec.run({
      args: parsed.positionals,
      options,
      json,
      out: makeOutput(json),
      signal: controller.signal,
    })
    return code ?? 0
  } catch (err) {
    const exitCode = err instanceof CliError ? err.exitCode : 1
    const code = err instanceof CliError || err instanceof LnsimError ? err.code : 'UNEXPECTED'
    if (json) process.stderr.write(toJson({ error: { code, message: errorMessage(err) } }) + '\n')
    else process.stderr.write(`lnsim ${spec.path.join(' ')}: ${errorMessage(err)}\n`)
    if (!(err instanceof CliError) && !(err instanceof LnsimError) && process.env.LNSIM_DEBUG) console.error(err)
    return exitCode
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    if (parentPipe) {
      process.stdin.off('end', onSignal)
      process.stdin.off('error', onSignal)
      process.stdin.pause()
      process.stdin.unref?.()
    }
  }
}
