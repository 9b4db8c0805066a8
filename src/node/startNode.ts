/** The entry point the CLI uses to run a node in this process. */
import { LightningNode } from './lightningNode.js'
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

export async function startNode(options: Partial<Omit<NodeOptions, 'limits'>> & Pick<NodeOptions, 'name' | 'dataDir' | 'chainUrl'> & { limits?: Partial<NodeOptions['limits']> }): Promise<RunningNode> {
  const node = await LightningNode.start({ ...DEFAULT_NODE_OPTIONS, ...options, limits: { ...DEFAULT_NODE_OPTIONS.limits, ...options.limits } })
  return {
    nodeId: node.identity.nodeIdHex,
    alias: node.options.name,
    apiUrl: node.api.url,
    listen: node.listenAddresses(),
    dataDir: node.options.dataDir,
    stop: () => node.stop(),
  }
}

export function parseLogLevel(value: string): LogLevel | undefined {
  return isLogLevel(value) ? value : undefined
}
