import type { CommandSpec } from '../command.js'
import { versionCommand } from './version.js'
import { nodeCommands } from './nodeCommands.js'
import { nodeStartCommand } from './nodeStart.js'
import { chainCommands } from './chain.js'
import { invoiceDecodeCommand } from './invoiceDecode.js'
import { dashboardCommand } from './dashboard.js'
import { runCommand } from './run.js'
import { watchCommand } from './watch.js'

export const allCommands: CommandSpec[] = [
  versionCommand,
  nodeStartCommand,
  ...nodeCommands,
  ...chainCommands,
  invoiceDecodeCommand,
  dashboardCommand,
  runCommand,
  watchCommand,
]
