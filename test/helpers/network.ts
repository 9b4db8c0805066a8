/**
 * A small network of real processes for integration tests, in the style of
 * LDK's functional test helpers: named nodes on a chain, and verbs that read
 * like the story being tested (fund, connect, openChannel, mine, pay).
 *
 * It is launch() underneath, the network the runner and scenario scripts use,
 * started with nodes and no channels so that each test opens its own: one way
 * to start, stop, restart and clean up processes for tests and users alike.
 */
import { fromHex } from '../../src/core/bytes.js'
import type { ChannelInfo } from '../../src/api/node/types.js'
import { launch, type Network } from '../../src/scenario/network/network.js'
import type { NetworkNode } from '../../src/scenario/network/networkNode.js'
import { LocalProcessRunner, type ProcessRunner } from '../../src/scenario/network/processRunner.js'
import { waitFor } from './processes.js'

export type TestNode = NetworkNode

/** A node to start: its name, or its name with extra `lnsim node start` flags. */
export type TestNodeSpec = string | { name: string; args: string[] }

/**
 * LNSIM_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" gives every process these Node options, to profile them.
 */
function profilingRunner(): ProcessRunner | undefined {
  const extra = process.env.LNSIM_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  if (extra.length === 0) return undefined
  const local = new LocalProcessRunner()
  return {
    start: (spec, options) => local.start({ ...spec, nodeFlags: [...extra, ...(spec.nodeFlags ?? [])] }, options),
    stopAll: () => local.stopAll(),
  }
}

export class TestNetwork {
  private launched: Network | undefined

  /** Starts the chain and the nodes (in parallel), none funded, no channels. */
  async start(...nodes: TestNodeSpec[]): Promise<void> {
    const specs = nodes.map((n) => (typeof n === 'string' ? { name: n, args: [] } : n))
    const runner = profilingRunner()
    this.launched = await launch(
      { nodes: specs.map((n) => ({ name: n.name, fundsSat: 0 })), channels: [] },
      {
        nodeArgs: Object.fromEntries(specs.map((n) => [n.name, n.args])),
        ...(runner ? { runner } : {}),
      },
    )
  }

  /** Starts one more node after start(), as a peer joining later would. */
  async startNode(name: string, args: string[] = []): Promise<TestNode> {
    return this.net.addNode({ name }, { args })
  }

  get net(): Network {
    if (!this.launched) throw new Error('start() the test network first')
    return this.launched
  }

  get chainUrl(): string {
    return this.net.chainUrl
  }

  get nodes(): TestNode[] {
    return this.net.nodes
  }

  node(name: string): TestNode {
    return this.net.node(name)
  }

  /** Stops a node gently (SIGTERM); it can be restarted later. */
  stopNode(name: string): Promise<void> {
    return this.net.stopNode(name)
  }

  /** Kills a node (SIGKILL), as a crash would. */
  killNode(name: string): Promise<void> {
    return this.net.killNode(name)
  }

  /** Restarts a node on the same data directory and flags (after stop or kill). */
  async restartNode(name: string): Promise<TestNode> {
    await this.net.restartNode(name)
    return this.node(name)
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
    await this.net.mine(blocks)
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
   * The stage of a hostile-peer test: alice funded with `aliceFundsSat`, and bob with a
   * channel from alice (the channel an attack on alice must not break). Returns the
   * chain hash a test peer needs.
   */
  async startAliceAndBob(aliceFundsSat: bigint): Promise<Uint8Array> {
    await this.start('alice', 'bob')
    await this.fund('alice', aliceFundsSat)
    await this.connect('alice', 'bob')
    await this.openChannel('alice', 'bob', 1_000_000n)
    return fromHex((await this.chain<{ chainHash: string }>('GET', '/info')).chainHash)
  }

  /** Stops every process and removes the network's folder; safe when start() failed or never ran. */
  async stopAll(): Promise<void> {
    await this.launched?.stop()
  }
}
