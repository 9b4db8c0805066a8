/** How every node command finds its node: --node DIR|URL (or $LNSIM_NODE), --token for a bare URL. */
import { locateNode } from '../../api/node/locate.js'
import type { NodeClient } from '../../api/node/client.js'
import type { OptionSpec, OptionValues } from '../command.js'

export const NODE_OPTIONS: OptionSpec[] = [
  {
    name: 'node',
    type: 'string',
    valueName: 'DIR|URL',
    description: "the node's data directory or API URL (default: $LNSIM_NODE or .lnsim/node)",
  },
  {
    name: 'token',
    type: 'string',
    valueName: 'TOKEN',
    description: 'API token, when --node is a URL (default: $LNSIM_TOKEN)',
  },
]

export function nodeClient(options: OptionValues): Promise<NodeClient> {
  const target = typeof options.node === 'string' ? options.node : (process.env.LNSIM_NODE ?? '.lnsim/node')
  return locateNode(target, typeof options.token === 'string' ? options.token : undefined)
}

export { formatMsatInSat as formatMsat } from '../../core/amount.js'
