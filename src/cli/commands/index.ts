import type { CommandSpec } from '../command.js'
import { versionCommand } from './version.js'
import { nodeCommands } from './nodeCommands.js'
import { nodeStartCommand } from './nodeStart.js'
import { chainCommands } from './chain.js'
import { invoiceDecodeCommand } from './invoiceDecode.js'
import { dashboardCommand } from './dashboard.js'
import { runCommand } from './run.js'
import { plotCommand } from './plot.js'
import { reportCommand } from './report.js'
import { validateCommand } from './validate.js'
import { k8sCommands } from './k8s.js'
import { watchCommand } from './watch.js'
import { stopCommand } from './stop.js'
import { invoiceCommands } from './invoiceCommands.js'
import { walletCommands } from './walletCommands.js'
import { setChannelPolicyCommand } from './setChannelPolicy.js'
import { completionCommand } from './completion.js'
import { reputationCommand } from './reputation.js'

export const allCommands: CommandSpec[] = [
  versionCommand,
  nodeStartCommand,
  stopCommand,
  ...nodeCommands,
  ...invoiceCommands,
  setChannelPolicyCommand,
  reputationCommand,
  ...walletCommands,
  ...chainCommands,
  invoiceDecodeCommand,
  dashboardCommand,
  runCommand,
  plotCommand,
  reportCommand,
  validateCommand,
  ...k8sCommands,
  watchCommand,
  completionCommand(() => allCommands),
]
