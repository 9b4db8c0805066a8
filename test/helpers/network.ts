/**
 * A small network of real processes for integration tests, in the style of
 * LDK's functional test helpers: a chain, named nodes, and verbs that read like
 * the story being tested (fund, connect, openChannel, mine, pay).
 */
import { join } from 'node:path'
import { fromHex } from '../../src/core/bytes.js'
import { NodeClient } from '../../src/api/node/client.js'
import type { ChannelInfo } from '../../src/api/node/types.js'
import { spawnReady, stop, tempDir, waitFor, type Child } from './processes.js'

export interface TestNode {
  name: string
  dataDir: string
  child: Child
  client: NodeClient
  nodeId: string
  address: string
  /** the extra flags it was started with */
  extra: string[]
}

export class TestNetwork {
  chainUrl = ''
  chainChild: Child | undefined
  readonly nodes = new Map<string, TestNode>()
  private root = ''

  async startChain(extra: string[] = []): Promise<void> {
    this.root = await tempDir()
    this.chainChild = await spawnReady([
      'chain',
      'start',
      '--data-dir',
      join(this.root, 'chain'),
      '--port',
      '0',
      ...extra,
    ])
    this.chainUrl = String(this.chainChild.ready.url)
  }

  async startNode(name: string, extra: string[] = []): Promise<TestNode> {
    const dataDir = join(this.root, name)
    const child = await spawnReady([
      'node',
      'start',
      '--name',
      name,
      '--data-dir',
      dataDir,
      '--chain',
      this.chainUrl,
      ...extra,
    ])
    const token = (await import('node:fs/promises')).readFile(join(dataDir, 'api.token'), 'utf8')
    const client = new NodeClient({ url: String(child.ready.apiUrl), token: (await token).trim() })
    const listen = (child.ready.listen as string[])[0]!.replace(/\/p2p\/.*$/, '')
    const node: TestNode = {
      name,
      dataDir,
      child,
      client,
      nodeId: String(child.ready.nodeId),
      address: `${child.ready.nodeId}@${listen}`,
      extra,
    }
    this.nodes.set(name, node)
    return node
  }

  /** Stops a node gently (SIGTERM); it can be restarted later. */
  async stopNode(name: string): Promise<void> {
    await stop(this.node(name).child)
  }

  /** Restarts a node on the same data directory (after stop or kill). */
  async restartNode(name: string): Promise<TestNode> {
    const old = this.node(name)
    await stop(old.child)
    this.nodes.delete(name)
    return this.startNode(name, old.extra)
  }

  node(name: string): TestNode {
    const n = this.nodes.get(name)
    if (!n) throw new Error(`no node ${name}`)
    return n
  }

  async chain<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.chainUrl}/v1${path}`, {
      method,
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    })
    const json = (await res.json()) as T
    if (!res.ok) throw new Error(`chain ${method} ${path}: ${JSON.stringify(json)}`)
    return json
  }

  async mine(blocks = 1): Promise<void> {
    await this.chain('POST', '/mine', { blocks })
  }

  async fund(name: string, sat: bigint): Promise<void> {
    const before = (await this.node(name).client.balance()).confirmedSat
    const { address } = await this.node(name).client.newAddress()
    await this.chain('POST', '/faucet', { address, amountSat: sat.toString(), confirm: true })
    await waitFor(
      `${name} to see its funds`,
      async () => (await this.node(name).client.balance()).confirmedSat >= before + sat,
    )
  }

  async connect(a: string, b: string): Promise<void> {
    await this.node(a).client.connect(this.node(b).address)
  }

  /** Opens a channel a→b, mines it to depth and waits until both ends call it active. */
  async openChannel(a: string, b: string, sat: bigint, pushMsat = 0n, depth = 3): Promise<string> {
    const { channelId } = await this.node(a).client.openChannel({
      nodeId: this.node(b).nodeId,
      amountSat: sat,
      pushMsat,
    })
    await this.mine(depth)
    await waitFor(
      `channel ${a}→${b} to be active`,
      async () => (await this.channel(a, channelId))?.active && (await this.channel(b, channelId))?.active,
    )
    return channelId
  }

  async channel(name: string, channelId: string): Promise<ChannelInfo | undefined> {
    return (await this.node(name).client.channels()).find((c) => c.channelId === channelId)
  }

  /** b makes an invoice, a pays it; returns the payment as a reports it. */
  async pay(a: string, b: string, amountMsat: bigint) {
    const inv = await this.node(b).client.createInvoice({ amountMsat, memo: `${a} pays ${b}` })
    return this.node(a).client.pay({ invoice: inv.invoice, timeoutSeconds: 30 })
  }

  /**
   * The stage of a hostile-peer test: a chain, alice funded with `aliceFundsSat`, and
   * bob with a channel from alice (the channel an attack on alice must not break).
   * Returns the chain hash a test peer needs.
   */
  async startAliceAndBob(aliceFundsSat: bigint): Promise<Uint8Array> {
    await this.startChain()
    await Promise.all([this.startNode('alice'), this.startNode('bob')])
    await this.fund('alice', aliceFundsSat)
    await this.connect('alice', 'bob')
    await this.openChannel('alice', 'bob', 1_000_000n)
    return fromHex((await this.chain<{ chainHash: string }>('GET', '/info')).chainHash)
  }

  async stopAll(): Promise<void> {
    for (const n of this.nodes.values()) await stop(n.child)
    if (this.chainChild) await stop(this.chainChild)
  }
}
