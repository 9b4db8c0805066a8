/**
 * `lnsim dashboard`: the web dashboard, attached to a running network (from a
 * run directory, or node data directories and the chain's URL) or serving a
 * finished run's events file with a timeline. Runs until Ctrl-C.
 */
import { spawn } from 'node:child_process'
import { locateNode } from '../../api/node/locate.js'
import { readEventsFile, readRunDir, startDashboard, type DashboardOptions } from '../../observe/dashboard/index.js'
import { hostFrom, hostOptionSpec } from '../hostOption.js'
import { CliError, parseIntegerOption, type CommandSpec } from '../command.js'

function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open'
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true })
  child.once('error', () => process.stderr.write(`could not open a browser (${opener}); open ${url} yourself\n`))
  child.unref()
}

export const dashboardCommand: CommandSpec = {
  path: ['dashboard'],
  summary: 'Watch a network and its payments in a browser, live or replayed from an events file',
  description:
    'Serves a page on 127.0.0.1: the graph of nodes and channels with their balances, payments moving hop by hop, ' +
    'the payments table, fees per node, and the chain. ' +
    "It reads only the nodes' control APIs and event streams. With --replay it serves a finished run " +
    '(`lnsim run FILE --events EVENTS`) with play, pause, speed and a slider.',
  options: [
    {
      name: 'run-dir',
      type: 'string',
      valueName: 'DIR',
      description: 'a running network, from the run.json that `lnsim run --keep` leaves in DIR',
    },
    {
      name: 'nodes',
      type: 'string',
      valueName: 'DIR,…',
      description: "nodes' data directories (or API URLs with $LNSIM_TOKEN), comma-separated",
    },
    { name: 'chain', type: 'string', valueName: 'URL', description: "the chain's API URL, for its height and blocks" },
    {
      name: 'replay',
      type: 'string',
      valueName: 'FILE',
      description: 'serve a finished run from its NDJSON events file, with a timeline',
    },
    {
      name: 'port',
      type: 'string',
      valueName: 'N',
      description: 'port to listen on (default: a free one)',
      default: '0',
    },
    hostOptionSpec('the dashboard', 'The dashboard has no token: beyond loopback, anyone who reaches it sees the run.'),
    { name: 'open', type: 'boolean', description: 'open the page in the default browser' },
  ],
  examples: [
    'lnsim dashboard --run-dir .lnsim/run-demo --open',
    'lnsim dashboard --nodes .lnsim/alice,.lnsim/bob --chain http://127.0.0.1:18800',
    'lnsim dashboard --replay events.ndjson --port 8080',
  ],
  async run({ options, json, out, signal }) {
    const sources = ['run-dir', 'nodes', 'replay'].filter((o) => typeof options[o] === 'string')
    if (sources.length !== 1)
      throw new CliError('give one of --run-dir DIR, --nodes DIR,… or --replay FILE (see --help)', {
        exitCode: 2,
        code: 'USAGE',
      })
    if (typeof options.chain === 'string' && typeof options.nodes !== 'string')
      throw new CliError('--chain goes with --nodes (a run directory names its chain)', { exitCode: 2, code: 'USAGE' })
    const port = parseIntegerOption(options.port, 'port', { min: 0, max: 65535 }) ?? 0
    const config: DashboardOptions = { port, host: hostFrom(options) }
    let what: string
    if (typeof options.replay === 'string') {
      const file = await readEventsFile(options.replay)
      config.replay = file.inputs
      what =
        `replay of ${options.replay} ` +
        `(${file.inputs.length} events${file.skipped ? `, ${file.skipped} lines skipped` : ''})`
    } else if (typeof options['run-dir'] === 'string') {
      const run = await readRunDir(options['run-dir'])
      config.nodes = run.nodes
      if (run.chainUrl) config.chainUrl = run.chainUrl
      what = `${run.nodes.length} nodes of ${options['run-dir']}`
    } else {
      const targets = String(options.nodes)
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
      if (targets.length === 0)
        throw new CliError('--nodes needs at least one data directory', { exitCode: 2, code: 'USAGE' })
      config.nodes = await Promise.all(targets.map((t) => locateNode(t)))
      if (typeof options.chain === 'string') config.chainUrl = options.chain
      what = `${targets.length} nodes`
    }
    if (signal.aborted) return 130
    const dashboard = await startDashboard(config)
    if (json) process.stdout.write(JSON.stringify({ event: 'ready', url: dashboard.url }) + '\n')
    else out.info(`dashboard of ${what} at ${dashboard.url} (Ctrl-C stops it)`)
    if (options.open === true) openBrowser(dashboard.url)
    await new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }))
    await dashboard.stop()
    return 0
  },
}
