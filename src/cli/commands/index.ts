import type { CommandSpec } from '../command.js'
import { versionCommand } from './version.js'
import { nodeCommands } from './nodeCommands.js'

export const allCommands: CommandSpec[] = [versionCommand, ...nodeCommands]
