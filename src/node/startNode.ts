/** The entry point the CLI uses to run a node in this process. */
import { startComposedNode } from './compose.js'
import { DEFAULT_NODE_OPTIONS, type NodeOptions } from './options.js'
import { isLogLevel, type LogLevel } from './logger.js'

export type { NodeOptions } from './options.js'

export interface RunningNode {
  nodeId: string
  alias: string
  apiUrl: string
  listen: string[]
  dataDir: string
  stop(): Promise<void>
}

export async function startNode(options: Partial<NodeOptions> & Pick<NodeOptions, 'name' | 'dataDir' | 'chainUrl'>): Promise<RunningNode> {
  const node = await startComposedNode({ ...DEFAULT_NODE_OPTIONS, ...options })
  return {
    nodeId: node.c.identity.nodeIdHex,
    alias: node.c.options.name,
    apiUrl: node.api.url,
    listen: node.c.peers.listenAddresses(),
    dataDir: node.c.options.dataDir,
    stop: () => node.stop(),
  }
}

export function parseLogLevel(value: string): LogLevel | undefined {
  return isLogLevel(value) ? value : undefined
}
