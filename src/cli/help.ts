import type { CommandSpec } from './command.js'

const GLOBAL_OPTIONS = ['  --json           print machine-readable JSON on stdout', '  -h, --help       show this help']

export function commandUsage(spec: CommandSpec): string {
  const pos = (spec.positionals ?? [])
    .map((p) => (p.optional ? `[${p.name}]` : p.name) + (p.variadic ? '...' : ''))
    .join(' ')
  const lines = [
    `Usage: lnsim ${spec.path.join(' ')}${pos ? ' ' + pos : ''}${spec.options?.length ? ' [options]' : ''}`,
    '',
    spec.summary,
  ]
  if (spec.description) lines.push('', spec.description)
  if (spec.positionals?.length) {
    lines.push('', 'Arguments:')
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(16)} ${p.description}`)
  }
  lines.push('', 'Options:')
  for (const o of spec.options ?? []) {
    const flag =
      `${o.short ? `-${o.short}, ` : ''}--` + `${o.name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`
    lines.push(`  ${flag.padEnd(16)} ${o.description}${o.default !== undefined ? ` (default: ${o.default})` : ''}`)
  }
  lines.push(...GLOBAL_OPTIONS)
  if (spec.examples?.length) {
    lines.push('', 'Examples:')
    for (const e of spec.examples) lines.push(`  ${e}`)
  }
  return lines.join('\n')
}

export function overview(commands: CommandSpec[], prefix: string[] = []): string {
  const shown = commands.filter((c) => prefix.every((w, i) => c.path[i] === w))
  const width = Math.max(...shown.map((c) => c.path.join(' ').length)) + 2
  const lines = [
    prefix.length ? `Usage: lnsim ${prefix.join(' ')} <command> [options]` : 'Usage: lnsim <command> [options]',
    '',
    prefix.length
      ? `Commands under "${prefix.join(' ')}":`
      : 'lnsim is a Lightning Network simulator: one process per node, real libp2p peers, a mock chain.',
  ]
  if (!prefix.length) lines.push('', 'Commands:')
  for (const c of shown) lines.push(`  ${c.path.join(' ').padEnd(width)} ${c.summary}`)
  lines.push('', 'Run `lnsim <command> --help` for the options of a command. Every command accepts --json.')
  return lines.join('\n')
}
