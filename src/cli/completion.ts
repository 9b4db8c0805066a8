/**
 * Shell completion scripts, generated from the same command objects as --help:
 * command words, each command's options, and the choices of an argument that
 * has them. The script works out which command the line names the way the CLI
 * does (options and their values may stand anywhere), so completion and
 * parsing cannot disagree.
 */
import type { CommandSpec } from './command.js'

export type Shell = 'bash' | 'zsh'
export const SHELLS: readonly Shell[] = ['bash', 'zsh']

interface Tables {
  /** every command path and group, as "chain mine" */
  prefixes: string[]
  /** prefix → the words that may follow it ("" → the top-level words) */
  next: Map<string, string[]>
  /** command path → its options, --json and --help included */
  options: Map<string, string[]>
  /** options that take a value */
  valueOptions: string[]
}

function tables(commands: readonly CommandSpec[]): Tables {
  const next = new Map<string, string[]>([['', ['help']]])
  const options = new Map<string, string[]>()
  const valueOptions = new Set<string>()
  const add = (key: string, word: string): void => {
    const list = next.get(key) ?? []
    if (!list.includes(word)) list.push(word)
    next.set(key, list)
  }
  for (const c of commands) {
    c.path.forEach((w, i) => add(c.path.slice(0, i).join(' '), w))
    const key = c.path.join(' ')
    for (const choice of c.positionals?.[0]?.choices ?? []) add(key, choice)
    options.set(key, [...(c.options ?? []).map((o) => `--${o.name}`), '--json', '--help'])
    for (const o of c.options ?? []) if (o.type === 'string') valueOptions.add(`--${o.name}`)
  }
  const prefixes = [...new Set(commands.flatMap((c) => c.path.map((_, i) => c.path.slice(0, i + 1).join(' '))))]
  return { prefixes, next, options, valueOptions: [...valueOptions].sort() }
}

const quote = (s: string): string => `"${s}"`

/** The shell code shared by both scripts: find `cmd` (the command words typed so far) and what to offer. */
function body(t: Tables, wordsVar: string, first: number, last: string): string[] {
  const children = [...t.next].map(([k, v]) => `    ${quote(k)}) children=${quote(v.join(' '))} ;;`)
  const opts = [...t.options].map(([k, v]) => `    ${quote(k)}) opts=${quote(v.join(' '))} ;;`)
  return [
    `  local cmd="" w next i skip=0 children="" opts="--json --help"`,
    `  for ((i = ${first}; i < ${last}; i++)); do`,
    `    w=\${${wordsVar}[i]}`,
    `    if ((skip)); then skip=0; continue; fi`,
    `    case "$w" in`,
    `      --*=*) ;;`,
    `      ${t.valueOptions.join('|')}) skip=1 ;;`,
    `      -*) ;;`,
    `      *)`,
    `        next="\${cmd:+$cmd }$w"`,
    `        case "$next" in`,
    `          ${t.prefixes.map(quote).join('|')}) cmd=$next ;;`,
    `          *) break ;;`,
    `        esac`,
    `        ;;`,
    `    esac`,
    `  done`,
    `  case "$cmd" in`,
    ...children,
    `  esac`,
    `  case "$cmd" in`,
    ...opts,
    `  esac`,
  ]
}

export function completionScript(shell: Shell, commands: readonly CommandSpec[]): string {
  const t = tables(commands)
  const valueCase = t.valueOptions.join('|')
  if (shell === 'bash')
    return [
      '# bash completion for lnsim: `source <(lnsim completion bash)` in ~/.bashrc,',
      '# or save it as /etc/bash_completion.d/lnsim',
      '_lnsim() {',
      '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}',
      '  COMPREPLY=()',
      `  case "$prev" in ${valueCase}) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac`,
      ...body(t, 'COMP_WORDS', 1, 'COMP_CWORD'),
      '  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
      '  elif [[ -n $children ]]; then COMPREPLY=($(compgen -W "$children" -- "$cur"))',
      '  else COMPREPLY=($(compgen -f -- "$cur"))',
      '  fi',
      '}',
      'complete -o filenames -F _lnsim lnsim',
      '',
    ].join('\n')
  return [
    '#compdef lnsim',
    '# zsh completion for lnsim: `source <(lnsim completion zsh)` in ~/.zshrc (after compinit),',
    '# or save it as _lnsim in a folder of your $fpath',
    '_lnsim() {',
    '  local cur=${words[CURRENT]} prev=${words[CURRENT-1]}',
    `  case "$prev" in ${valueCase}) _files; return ;; esac`,
    ...body(t, 'words', 2, 'CURRENT'),
    '  if [[ $cur == -* ]]; then compadd -- ${=opts}',
    '  elif [[ -n $children ]]; then compadd -- ${=children}',
    '  else _files',
    '  fi',
    '}',
    'if [[ $funcstack[1] == _lnsim ]]; then _lnsim "$@"; else compdef _lnsim lnsim; fi',
    '',
  ].join('\n')
}
