/**
 * One node of a launched network: its name, identity, data directory, the
 * process running it (while one does) and a control-API client. A restart
 * gives the node a new process and API port, so callers ask for `client` each
 * time rather than keeping one.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { NodeClient, type InterceptorHandle, type InterceptReply } from '../../api/node/client.js'
import type { InterceptedHtlc } from '../../api/node/interception.js'
import { API_TOKEN_FILE } from '../../api/node/locate.js'
import type { ChannelInfo, NodeInfo, WalletBalance } from '../../api/node/types.js'
import { NetworkStartError } from '../errors.js'
import type { ManagedProcess } from './processRunner.js'

const NodeReadyLine = z.object({
  nodeId: z.string().regex(/^0[23][0-9a-f]{64}$/),
  apiUrl: z.string().url(),
  listen: z.array(z.string()).min(1),
})

export class NetworkNode {
  nodeId = ''
  /** NODEID@MULTIADDR, what NodeClient.connect takes */
  address = ''
  apiUrl = ''
  process: ManagedProcess | undefined
  /** set while the runner itself stops or kills the node, so its exit is not reported as a crash */
  stopping = false
  private current: NodeClient | undefined

  constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly logFile: string,
    /** the lnsim CLI arguments that start it; the same on every restart */
    readonly args: string[],
  ) {}

  get client(): NodeClient {
    if (!this.current) throw new NetworkStartError(`node ${this.name} has not started`, 'NODE_NOT_STARTED')
    return this.current
  }

  get online(): boolean {
    return this.process?.running === true
  }

  /** Takes in a freshly started process: its identity, addresses and API token. */
  async attach(process: ManagedProcess): Promise<void> {
    const r = NodeReadyLine.safeParse(process.ready)
    if (!r.success)
      throw new NetworkStartError(
        `node ${this.name} printed a ready line without ${r.error.issues[0]!.path.join('.')}: ` +
          `${JSON.stringify(process.ready)}`,
      )
    const token = (await readFile(join(this.dataDir, API_TOKEN_FILE), 'utf8')).trim()
    this.process = process
    this.nodeId = r.data.nodeId
    this.apiUrl = r.data.apiUrl
    // the node id travels beside the address, so the libp2p peer id suffix is not needed
    this.address = `${r.data.nodeId}@${r.data.listen[0]!.replace(/\/p2p\/[^/]+$/, '')}`
    this.current = new NodeClient({ url: r.data.apiUrl, token })
  }

  info(): Promise<NodeInfo> {
    return this.client.info()
  }
  channels(): Promise<ChannelInfo[]> {
    return this.client.channels()
  }
  balance(): Promise<WalletBalance> {
    return this.client.balance()
  }

  /**
   * Decides the HTLCs this node is asked to forward or receive, through its control API's interception stream (so it
   * works the same on a node in another process or machine). Resolves once the node holds HTLCs for it; a reply of
   * undefined, or an error, leaves the HTLC to the node's default. A restarted node forgets its interceptors.
   */
  intercept(
    decide: (htlc: InterceptedHtlc) => InterceptReply | undefined | Promise<InterceptReply | undefined>,
    options: { onError?: (err: Error) => void } = {},
  ): Promise<InterceptorHandle> {
    return this.client.intercept(decide, options)
  }
}
