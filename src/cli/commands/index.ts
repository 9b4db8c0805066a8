import type { CommandSpec } from '../command.js'
import { versionCommand } from './version.js'

export const allCommands: CommandSpec[] = [versionCommand]
