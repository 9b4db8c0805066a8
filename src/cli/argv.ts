/**
 * Which command a command line names, wherever its options stand: `lnsim --node
 * .lnsim/bob info` and `lnsim info --node .lnsim/bob` are the same command, as
 * with lncli's and lightning-cli's global options. Telling an option's value
 * from a command word needs to know which options take a value: any command's
 * option of that name does (the names mean the same thing in every command).
 */
import type { CommandSpec } from './command.js'

export interface CommandLine {
  /** the words that are not options or option values, in order */
  words: string[]
  /** argv without the words that named the command */
  rest: string[]
}

/** Options that take a value, by every name (`--node`, `-n`) any command gives them. */
function valueOptions(commands: readonly CommandSpec[]): Set<string> {
  const names = new Set<string>()
  for (const c of commands)
    for (const o of c.options ?? []) {
      if (o.type !== 'string') continue
      names.add(`--${o.name}`)
      if (o.short) names.add(`-${o.short}`)
    }
  return names
}

/** Splits argv into its words and the positions they hold, skipping options and their values. */
function wordsOf(commands: readonly CommandSpec[], argv: readonly string[]): { word: string; index: number }[] {
  const takesValue = valueOptions(commands)
  const words: { word: string; index: number }[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--') {
      for (let j = i + 1; j < argv.length; j++) words.push({ word: argv[j]!, index: j })
      break
    }
    if (a.startsWith('-') && a !== '-') {
      if (!a.includes('=') && takesValue.has(a)) i++
      continue
    }
    words.push({ word: a, index: i })
  }
  return words
}

/** The longest command whose words begin the command line's words, and the arguments left for it. */
export function findCommand(
  commands: readonly CommandSpec[],
  argv: readonly string[],
): { spec: CommandSpec; rest: string[] } | undefined {
  const words = wordsOf(commands, argv)
  let best: CommandSpec | undefined
  for (const spec of commands)
    if (spec.path.every((w, i) => words[i]?.word === w) && (!best || spec.path.length > best.path.length)) best = spec
  if (!best) return undefined
  const taken = new Set(words.slice(0, best.path.length).map((w) => w.index))
  return { spec: best, rest: argv.filter((_, i) => !taken.has(i)) }
}

/** The command line's words (not options nor their values). */
export function commandWords(commands: readonly CommandSpec[], argv: readonly string[]): string[] {
  return wordsOf(commands, argv).map((w) => w.word)
}
