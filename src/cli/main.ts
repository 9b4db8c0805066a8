import '../polyfill.js'
import { runCli } from './run.js'
import { allCommands } from './commands/index.js'

const code = await runCli(allCommands, process.argv.slice(2))
process.exitCode = code
