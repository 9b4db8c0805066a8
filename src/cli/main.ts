import '../polyfill.js'
import { runCli } from './run.js'
import { isDaemonCommand } from './commands/daemons.js'

const argv = process.argv.slice(2)
const commands = isDaemonCommand(argv)
  ? (await import('./commands/daemons.js')).daemonCommands
  : (await import('./commands/index.js')).allCommands
process.exitCode = await runCli(commands, argv)
