/**
 * How every node command finds its node: --node DIR|URL|NAME (or $LNSIM_NODE), --token for a bare URL; with neither,
 * the one node under .lnsim/, where `lnsim node start --name NAME` puts it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { API_URL_FILE, locateNode } from '../../api/node/locate.js'
import type { NodeClient } from '../../api/node/client.js'
import { CliError, type OptionSpec, type OptionValues } from '../command.js'

/** Where `lnsim node start` keeps a node named NAME by default: `.lnsim/NAME`. */
export const NODES_HOME = '.lnsim'

export const NODE_OPTIONS: OptionSpec[] = [
  {
    name: 'node',
    type: 'string',
    valueName: 'DIR|URL|NAME',
    description:
      `the node's data directory, API URL, or name under ${NODES_HOME}/ ` +
      `(default: $LNSIM_NODE, or the only node under ${NODES_HOME}/)`,
  },
  {
    name: 'token',
    type: 'string',
    valueName: 'TOKEN',
    description: 'API token, when --node is a URL (default: $LNSIM_TOKEN)',
  },
]

/** The data directories under `home` of nodes that have run (they hold the api.url a node writes at start). */
export function nodesUnder(home: string): string[] {
  let entries: string[]
  try {
    entries = readdirSync(home)
  } catch {
    return []
  }
  return entries
    .filter((name) => {
      try {
        return statSync(join(home, name)).isDirectory() && existsSync(join(home, name, API_URL_FILE))
      } catch {
        return false
      }
    })
    .sort()
}

/** The node a command means: what --node or $LNSIM_NODE names, or the only node under .lnsim/. */
export function nodeTarget(options: OptionValues, home = NODES_HOME): string {
  const given = typeof options.node === 'string' ? options.node : process.env.LNSIM_NODE || undefined
  if (given !== undefined) {
    // a bare name is the node of that name under .lnsim/, as `lnsim node start --name` placed it
    const named = join(home, given)
    if (!/^https?:\/\//.test(given) && !existsSync(given) && /^[A-Za-z0-9_-]+$/.test(given) && existsSync(named))
      return named
    return given
  }
  const found = nodesUnder(home)
  if (found.length === 1) return join(home, found[0]!)
  if (found.length === 0)
    throw new CliError(
      `no node found under ${home}/: start one with \`lnsim node start --name NAME\`, ` +
        'or say where it is with --node DIR|URL',
      { exitCode: 2, code: 'NODE_NOT_FOUND' },
    )
  throw new CliError(
    `${found.length} nodes under ${home}/ (${found.join(', ')}): say which with --node, ` +
      `e.g. --node ${join(home, found[0]!)} or --node ${found[0]}`,
    { exitCode: 2, code: 'WHICH_NODE' },
  )
}

export function nodeClient(options: OptionValues): Promise<NodeClient> {
  // a person is waiting: a node that does not answer is reported after one timeout, not retried for minutes
  return locateNode(nodeTarget(options), typeof options.token === 'string' ? options.token : undefined, {
    attempts: 1,
  })
}

export { formatMsatInSat as formatMsat } from '../../core/amount.js'
