/**
 * The commands a simulated network runs many times over: one node daemon per
 * node, one chain daemon. `main` loads only these for them, not the scenario
 * runner, the dashboard or the YAML parser, so each process parses less at
 * start and keeps less in memory.
 */
import type { CommandSpec } from '../command.js'
import { nodeStartCommand } from './nodeStart.js'
import { chainCommands } from './chain.js'

export const daemonCommands: CommandSpec[] = [nodeStartCommand, ...chainCommands]

/** `lnsim node start …` or `lnsim chain start …` (help included: it is the same command's). */
export function isDaemonCommand(argv: readonly string[]): boolean {
  return (argv[0] === 'node' || argv[0] === 'chain') && argv[1] === 'start'
}
