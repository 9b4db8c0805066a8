/**
 * `lnsim watch`: the live terminal view attached to a network that is already
 * running, found from the folder of an `lnsim run` (its run.json) or from
 * node data directories. Ctrl-C stops watching; the network is not touched.
 */
import { NodeClient } from '../../api/node/client.js'
import { locateNode } from '../../api/node/locate.js'
import { TerminalView } from '../../observe/terminalView.js'
import { ChainClient } from '../../api/chain/index.js'
import { readRunFile, runChainUrl, runNodeTargets } from '../../api/run/runFile.js'
import { followChainEvents, followNodeEvents } from '../../scenario/index.js'
import { toJson } from '../../core/json.js'
import type { NetworkEvent } from '../../scenario/index.js'
import { CliError, type CommandSpec } from '../command.js'

export const watchCommand: CommandSpec = {
  path: ['watch'],
  summary: 'Watch a running network: payments hop by hop, channel changes, blocks',
  description:
    'Attach to the network of a running `lnsim run` with --run-dir (the folder it prints), ' +
    'or to nodes by their data directories with --nodes. ' +
    'With --json, every node and chain event is printed as one JSON line (NDJSON) instead of the live view. ' +
    'Press Ctrl-C to stop watching.',
  options: [
    {
      name: 'run-dir',
      type: 'string',
      valueName: 'DIR',
      description: 'the run folder `lnsim run` printed (it holds run.json)',
    },
    { name: 'nodes', type: 'string', valueName: 'DIR,DIR', description: 'node data directories, comma-separated' },
    {
      name: 'chain',
      type: 'string',
      valueName: 'URL',
      description: "the chain's URL, to show blocks (taken from run.json with --run-dir)",
    },
    { name: 'plain', type: 'boolean', description: 'plain lines even on a terminal' },
  ],
  examples: [
    'lnsim watch --run-dir /tmp/lnsim-demo-Xq3v',
    'lnsim watch --run-dir /tmp/lnsim-demo-Xq3v --json | jq \'select(.type == "payment_sent")\'',
    'lnsim watch --nodes .lnsim/alice,.lnsim/bob --chain http://127.0.0.1:18800',
  ],
  async run({ options, json, out, signal }) {
    const runDir = typeof options['run-dir'] === 'string' ? options['run-dir'] : undefined
    const nodeDirs =
      typeof options.nodes === 'string'
        ? options.nodes
            .split(',')
            .map((d) => d.trim())
            .filter(Boolean)
        : []
    if ((runDir === undefined) === (nodeDirs.length === 0))
      throw new CliError('give either --run-dir DIR or --nodes DIR,DIR (see --help)', { exitCode: 2, code: 'USAGE' })
    let chainUrl = typeof options.chain === 'string' ? options.chain : undefined
    let dirs = nodeDirs
    if (runDir !== undefined) {
      const run = await readRunFile(runDir)
      dirs = runNodeTargets(run, runDir).map((t) => {
        if ('dataDir' in t) return t.dataDir
        throw new CliError(
          `${t.name} in ${runDir}'s run.json has no data directory, which lnsim watch follows: ` +
            'use lnsim dashboard --run-dir',
          { exitCode: 2, code: 'USAGE' },
        )
      })
      chainUrl ??= runChainUrl(run) ?? undefined
      out.info(`watching ${run.name ?? runDir}: ${run.nodes.length} node(s); Ctrl-C to stop`)
    }

    const view = json
      ? undefined
      : new TerminalView(process.stdout, { mode: 'watch', ...(options.plain === true ? { live: false } : {}) })
    // --json: one line per event, as `lnsim run --events` writes them, for jq and scripts
    const onEvent = (e: NetworkEvent): void => {
      if (view) view.onEvent(e)
      else process.stdout.write(toJson(e) + '\n')
    }
    // a node that restarts gets a new API port: look it up again from its data directory on every reconnect
    const clients = await Promise.all(dirs.map((d) => locateNode(d)))
    const infos = await Promise.all(clients.map((c) => c.info().catch(() => undefined)))
    view?.nodes(infos.flatMap((i) => (i ? [{ name: i.alias, nodeId: i.nodeId }] : [])))
    const following: Promise<void>[] = dirs.map((d, i) => {
      let first: NodeClient | undefined = clients[i]
      const client = async (): Promise<NodeClient> => {
        const c = first ?? (await locateNode(d))
        first = undefined
        return c
      }
      return followNodeEvents(client, onEvent, signal)
    })
    if (chainUrl) following.push(followChainEvents(new ChainClient({ url: chainUrl }), onEvent, signal))
    await Promise.all(following)
    view?.close()
  },
}
