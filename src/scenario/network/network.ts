/**
 * A launched network: the mock chain and one process per node, driven through
 * their control APIs. The YAML runner and TypeScript scenario scripts both
 * work through this class, so a script can do everything a file can.
 *
 * @example
 * ```ts
 * const net = await launch({
 *   nodes: [{ name: 'alice', fundsSat: 2_000_000 }, { name: 'bob', fundsSat: 1_000_000 }, { name: 'carol', fundsSat:
 * 1_000_000 }],
 *   channels: [{ from: 'alice', to: 'bob', capacitySat: 1_000_000 }, { from: 'bob', to: 'carol', capacitySat: 500_000
 * }],
 * })
 * try {
 *   const p = await net.pay('alice', 'carol', 50_000_000n)
 *   console.log(p.status, p.route.join(' → '))
 *   await net.waitFor({ channelBalance: { channel: 'bob-carol', node: 'carol', localMsat: '>= 50_000_000' } })
 * } finally {
 *   await net.stop()
 * }
 * ```
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { CloseChannelResponse, InvoiceInfo } from '../../api/node/types.js'
import { toHex } from '../../core/bytes.js'
import { LnsimError, errorMessage } from '../../core/errors.js'
import { SeededRng } from '../../core/rng.js'
import {
  bringUp,
  connectPeers,
  minesOnDemand,
  setChannelPolicy,
  waitChannelsActive,
  waitGossip,
  type BringUpNetwork,
} from './bringUp.js'
import { ChainClient } from '../../api/chain/index.js'
import { followChainEvents, followNodeEvents } from './follow.js'
import { evaluateCondition, parseCondition, type ConditionInput } from './conditions.js'
import { NetworkStartError, ScenarioTimeoutError, StepError } from '../errors.js'
import type { ChannelRef } from './channelRef.js'
import { NetworkNode } from './networkNode.js'
import type { NetworkEvent, NetworkObserver, PaymentOutcome } from './observer.js'
import { payBetween, type PayOptions } from './payment.js'
import { sleep } from './pool.js'
import { LocalProcessRunner, type ManagedProcess, type ProcessExit, type ProcessRunner } from './processRunner.js'
import { writeRunFile } from '../../api/run/runFile.js'
import { leanByDefault, nodeRuntimeFlags } from './leanNodes.js'
import { NODE_NICENESS } from './priority.js'
import { pendingChannelFlags } from './pendingChannelLimits.js'
import { TestingHooks } from './testingHooks.js'
import { toNetworkSpec, type NetworkInput, type NetworkSpec } from './networkSpec.js'
import {
  defaultChannelName,
  NodeSpec as NodeSpecSchema,
  type ChainSpec,
  type FeePolicy,
  type NodeSpec,
} from '../file/schema.js'

/** A busy network of a hundred processes on two cores can keep the chain from answering for many seconds. */
const CHAIN_TIMEOUT_MS = 30_000

function chainClient(url: string): ChainClient {
  return new ChainClient({ url, timeoutMs: CHAIN_TIMEOUT_MS })
}

export interface LaunchOptions {
  /** starts the processes. @default a LocalProcessRunner on the bundled CLI */
  runner?: ProcessRunner
  /** folder for data directories, logs and run.json. @default a new temporary folder */
  dir?: string
  /** leave the folder in place after stop(). @default false */
  keep?: boolean
  observer?: NetworkObserver
  /** start nodes with --testing (test-only hooks) even if the spec does not ask. @default the spec's `testing` */
  testing?: boolean
  /**
   * start the nodes with LEAN_NODE_FLAGS (see leanNodes.ts). @default lean from LEAN_FROM_NODES_PER_CORE nodes per core
   */
  lean?: boolean
  /**
   * extra `lnsim node start` flags per node name, for knobs a scenario file does not have (limits, timeouts). They
   * come after the ones the network chooses, so they win, and stay on every restart.
   */
  nodeArgs?: Readonly<Record<string, readonly string[]>>
  /** ms allowed for the whole bring-up. @default 120000 plus 3000 per node */
  bringUpTimeoutMs?: number
  signal?: AbortSignal
}

export interface WaitOptions {
  timeoutMs?: number
  intervalMs?: number
  signal?: AbortSignal
  /**
   * meanwhile mine a block whenever a transaction waits in the mempool (claims and sweeps that follow a close).
   * @default false
   */
  mineMempool?: boolean
}

export async function launch(input: NetworkInput | NetworkSpec, options: LaunchOptions = {}): Promise<Network> {
  const spec = toNetworkSpec(input)
  for (const n of Object.keys(options.nodeArgs ?? {}))
    if (!spec.nodes.some((s) => s.name === n))
      throw new NetworkStartError(`nodeArgs names ${n}, which is not a node of the network`, 'UNKNOWN_NODE')
  const created = options.dir === undefined
  const dir =
    options.dir ?? (await mkdtemp(join(tmpdir(), `lnsim-${spec.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}-`)))
  await mkdir(join(dir, 'logs'), { recursive: true })
  const net = new Network(spec, dir, created && options.keep !== true, options)
  const timeoutMs = options.bringUpTimeoutMs ?? 120_000 + 3000 * spec.nodes.length
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = AbortSignal.any([...(options.signal ? [options.signal] : []), timeout, net.crashSignal])
  try {
    await bringUp(net, spec, signal)
  } catch (err) {
    // a call to a daemon that has just died can fail before its exit is noticed: give
    // the exit a moment to explain the failure (stopping the network would hide it)
    if (!options.signal?.aborted && !timeout.aborted) await abortedWithin(net.crashSignal, CRASH_NOTICE_MS)
    await net.stop()
    if (options.signal?.aborted) throw options.signal.reason
    if (net.crashSignal.aborted) throw net.crashSignal.reason
    if (timeout.aborted)
      throw new NetworkStartError(`the network was not up after ${timeoutMs} ms`, 'NETWORK_START_TIMEOUT')
    if (err instanceof NetworkStartError) throw err
    throw new NetworkStartError(
      `the network could not start: ${errorMessage(err)}`,
      err instanceof LnsimError ? err.code : 'NETWORK_START_FAILED',
    )
  }
  return net
}

/**
 * A path in the run folder, made of names from the scenario. The schema lets
 * only plain names through (src/core/nodeName.ts); this keeps any that got
 * past it (a scenario given in code, a later change) from reaching outside.
 */
function insideRunDir(dir: string, ...names: string[]): string {
  const path = join(dir, ...names)
  const rel = relative(resolve(dir), resolve(path))
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw new NetworkStartError(
      `${JSON.stringify(names.join('/'))} is not a path inside the run folder ${dir}`,
      'UNSAFE_NAME',
    )
  return path
}

/** How long a failed bring-up waits for a daemon's exit to be noticed. */
const CRASH_NOTICE_MS = 1000

function abortedWithin(signal: AbortSignal, ms: number): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

export class Network implements BringUpNetwork {
  readonly name: string
  readonly seed: string
  readonly chainSpec: ChainSpec
  /** `node start` flags for the scenario's gossip settings, the same for every node */
  private readonly gossipFlags: string[]
  readonly runner: ProcessRunner
  chain: ChainClient = chainClient('http://127.0.0.1:0')
  /** every payment made through pay() and traffic, in the order they finished */
  readonly payments: PaymentOutcome[] = []
  readonly observer: NetworkObserver
  /** test-only trouble: faults, latency, partitions, held payments, cheating (nodes started with --testing) */
  readonly testing: TestingHooks
  private readonly nodeMap = new Map<string, NetworkNode>()
  private readonly channelMap = new Map<string, ChannelRef>()
  /** the hold invoices of held payments, by the pay step's id */
  private readonly heldInvoices = new Map<string, { payee: string; invoice: InvoiceInfo }>()
  private readonly byNodeId = new Map<string, string>()
  private readonly listeners = new Set<(e: NetworkEvent) => void>()
  /** txid → label of every transaction a node told of, for `transactions` conditions */
  private readonly labels = new Map<string, string>()
  private readonly following = new AbortController()
  private chainProcess: ManagedProcess | undefined
  private stopped: Promise<void> | undefined
  private saving: Promise<void> = Promise.resolve()
  private stuckAfterPayments = -1
  /** payments dispatched so far: the next one's seq */
  private dispatched = 0
  private readonly crashed = new AbortController()
  /** whether its nodes run with LEAN_NODE_FLAGS, restarted ones included */
  readonly lean: boolean

  constructor(
    spec: NetworkSpec,
    readonly dir: string,
    private readonly removeOnStop: boolean,
    private readonly options: LaunchOptions,
  ) {
    this.name = spec.name
    this.seed = spec.seed
    this.chainSpec = spec.chain
    this.gossipFlags = gossipFlags(spec.gossip)
    this.runner = options.runner ?? new LocalProcessRunner()
    this.observer = options.observer ?? {}
    if (this.observer.event) this.listeners.add(this.observer.event.bind(this.observer))
    this.listeners.add((e) => {
      if (e.type === 'onchain' && !this.labels.has(e.txid)) this.labels.set(e.txid, e.label)
    })
    this.testing = new TestingHooks(this, options.testing === true || spec.testing === true)
    // a rogue message is news the moment it leaves, whichever step armed it
    if (this.testing.enabled)
      this.onEvent((e) => {
        if (e.type !== 'rogue_message') return
        const what = e.action === 'mutate' ? `a mutated ${e.messageType} (${e.fields.join(', ')})` : ''
        this.log(
          `${this.nameOf(e.node)} sent ${this.nameOf(e.peer)} ` +
            (what || `${e.action === 'replay' ? 'a replayed' : 'a crafted'} ${e.messageType}`),
        )
      })
    this.lean = options.lean ?? leanByDefault(spec.nodes.length)
    for (const n of spec.nodes) this.defineNode(n, spec.channels, options.nodeArgs?.[n.name] ?? [])
  }

  get chainUrl(): string {
    return this.chain.url
  }

  /** the chain daemon's process id while it runs (to measure its CPU and memory) */
  get chainPid(): number | undefined {
    return this.chainProcess?.running ? this.chainProcess.pid : undefined
  }
  get nodes(): NetworkNode[] {
    return [...this.nodeMap.values()]
  }
  get channels(): ChannelRef[] {
    return [...this.channelMap.values()]
  }

  node(name: string): NetworkNode {
    const n = this.nodeMap.get(name)
    if (!n)
      throw new StepError(
        `no node named "${name}" (the nodes are: ${[...this.nodeMap.keys()].join(', ')})`,
        'UNKNOWN_NODE',
      )
    return n
  }

  channel(name: string): ChannelRef {
    const c = this.channelMap.get(name)
    if (!c)
      throw new StepError(
        `no channel named "${name}" (the channels are: ${[...this.channelMap.keys()].join(', ') || 'none'})`,
        'UNKNOWN_CHANNEL',
      )
    return c
  }

  /** The scenario name of a node id, or a short form of the id for nodes outside the network. */
  nameOf(nodeId: string): string {
    return this.byNodeId.get(nodeId) ?? `${nodeId.slice(0, 10)}…`
  }

  /**
   * The scenario name of a channel by its short channel id, or the id itself for a channel the network did not open.
   */
  channelNameOf(shortChannelId: string): string {
    for (const c of this.channelMap.values()) if (c.shortChannelId === shortChannelId) return c.name
    return shortChannelId
  }

  transactionLabels(): ReadonlyMap<string, string> {
    return this.labels
  }

  /** Every node's events and the chain's, as they happen; returns the unsubscribe function. */
  onEvent(listener: (e: NetworkEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  log(line: string): void {
    this.observer.log?.(line)
  }

  // ---- operations ----

  /** The payee makes an invoice, the payer pays it; resolves with the outcome, failed or not. */
  async pay(from: string, to: string, amountMsat: bigint, options: PayOptions = {}): Promise<PaymentOutcome> {
    const seq = this.dispatched++
    const id = options.id
    if (options.hold && id === undefined) throw new StepError('a held payment needs an id, to settle or cancel it by')
    const withHold: PayOptions = options.hold
      ? {
          ...options,
          onHoldInvoice: (invoice) => {
            this.heldInvoices.set(id!, { payee: to, invoice })
            options.onHoldInvoice?.(invoice)
          },
        }
      : options
    const outcome: PaymentOutcome = {
      ...(await payBetween(this, this.node(from), this.node(to), amountMsat, withHold)),
      finishedAt: Date.now(),
      seq,
    }
    this.payments.push(outcome)
    this.observer.payment?.(outcome)
    return outcome
  }

  /**
   * The payee of a held payment (a pay with `hold`) settles it with its invoice's preimage, once every part has
   * arrived (the invoice is `accepted`).
   */
  async settleHeld(paymentId: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const { payee, invoice } = this.heldInvoice(paymentId)
    const client = () => this.node(payee).client
    await this.waitFor(
      async () => {
        const now = (await client().invoices()).find((i) => i.paymentHash === invoice.paymentHash)
        if (now && now.status !== 'open' && now.status !== 'accepted')
          throw new StepError(`payment ${paymentId} cannot be settled: its invoice is ${now.status}`)
        return now?.status === 'accepted'
      },
      { timeoutMs: options.timeoutMs ?? 30_000, ...(options.signal ? { signal: options.signal } : {}) },
    )
    await client().settleInvoice(invoice.preimage!)
  }

  /** The payee of a held payment cancels its hold invoice: the payment fails back. */
  async cancelHeld(paymentId: string): Promise<void> {
    const { payee, invoice } = this.heldInvoice(paymentId)
    await this.node(payee).client.cancelInvoice(invoice.paymentHash)
  }

  private heldInvoice(paymentId: string): { payee: string; invoice: InvoiceInfo } {
    const held = this.heldInvoices.get(paymentId)
    if (!held)
      throw new StepError(
        `no held payment "${paymentId}" has started: give its pay step hold: true and run it first`,
        'STEP_FAILED',
      )
    return held
  }

  async mine(blocks = 1): Promise<number> {
    return (await this.chain.mine(blocks)).height
  }

  /**
   * Opens a channel during a run; by default mines its confirmations (when mining on demand) and waits until it is
   * active and every node has heard of it.
   */
  async open(
    from: string,
    to: string,
    capacitySat: bigint,
    options: {
      pushMsat?: bigint
      name?: string
      wait?: boolean
      feePolicy?: FeePolicy
      timeoutMs?: number
      /** unannounced (BOLT #7) */
      private?: boolean
    } = {},
  ): Promise<ChannelRef> {
    const name = options.name ?? defaultChannelName(from, to)
    if (this.channelMap.has(name))
      throw new StepError(`there is already a channel named ${name}; give the new one a name`, 'DUPLICATE_CHANNEL')
    await connectPeers(this, [[from, to]])
    const r = await this.node(from).client.openChannel(
      {
        nodeId: this.node(to).nodeId,
        amountSat: capacitySat,
        ...(options.pushMsat !== undefined ? { pushMsat: options.pushMsat } : {}),
        announce: options.private !== true,
      },
      { timeoutMs: 60_000 },
    )
    const ref = this.addChannel({
      name,
      from,
      to,
      capacitySat,
      channelId: r.channelId,
      ...(options.private ? { private: true } : {}),
    })
    if (options.feePolicy) await setChannelPolicy(this, ref, options.feePolicy)
    if (options.wait !== false) {
      if (minesOnDemand(this)) await this.mine(this.chainSpec.confirmations)
      await waitChannelsActive(this, [ref], { timeoutMs: options.timeoutMs ?? 60_000 })
      await waitGossip(this, [ref], { timeoutMs: options.timeoutMs ?? 60_000 })
    }
    return ref
  }

  /** Closes a channel; by default resolves once the closing transaction is broadcast (mine to confirm it). */
  async close(
    channel: string,
    options: { force?: boolean; node?: string; wait?: boolean; timeoutMs?: number } = {},
  ): Promise<CloseChannelResponse> {
    const ref = this.channel(channel)
    const node = this.node(options.node ?? ref.from)
    const r = await node.client.closeChannel(ref.channelId, { force: options.force === true })
    if (options.wait !== false) {
      // a force close answers once the chain took the commitment (or refused it for the peer's, already there)
      await this.waitFor(
        async () =>
          ['CLOSING', 'CLOSED'].includes(
            (await node.channels()).find((c) => c.channelId === ref.channelId)?.state ?? '',
          ),
        { timeoutMs: options.timeoutMs ?? 30_000 },
      )
    }
    return r
  }

  /**
   * Waits until a condition holds: a condition as a scenario file writes it
   * (`{ channelState: { channel: 'alice-bob', active: true } }`) or a function.
   */
  async waitFor(
    condition: ConditionInput | (() => boolean | Promise<boolean>),
    options: WaitOptions = {},
  ): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 30_000
    const deadline = Date.now() + timeoutMs
    const check =
      typeof condition === 'function'
        ? async () => ({ ok: await condition(), actual: 'the function returned false' })
        : (
            (c) => () =>
              evaluateCondition(this, c)
          )(parseCondition(condition))
    let last = ''
    for (;;) {
      try {
        const r = await check()
        if (r.ok) return
        last = r.actual
      } catch (err) {
        last = errorMessage(err)
      }
      if (Date.now() >= deadline)
        throw new ScenarioTimeoutError(`still not true after ${timeoutMs} ms: ${last}`, { timeoutMs })
      if (options.mineMempool && (await this.chain.info()).mempoolSize > 0) await this.mine(1)
      await sleep(options.intervalMs ?? 200, options.signal)
    }
  }

  /**
   * Waits until no channel of a running node has an HTLC in flight: a payer
   * hears of success before the payee's side has finished its commitment
   * dance, so balances read at once can be a moment behind. Returns false if
   * something is still in flight after timeoutMs (a stuck HTLC is for the
   * expectations to notice, not a reason to stop).
   */
  async settle(timeoutMs = 10_000, signal?: AbortSignal): Promise<boolean> {
    // an HTLC that stayed stuck is not waited for again until another payment was made
    if (this.stuckAfterPayments === this.payments.length) return false
    try {
      await this.waitFor(
        async () => {
          const lists = await Promise.all(this.nodes.filter((n) => n.online).map((n) => n.channels()))
          return lists.every((list) => list.every((c) => c.pendingHtlcs.length === 0))
        },
        { timeoutMs, ...(signal ? { signal } : {}) },
      )
      return true
    } catch {
      if (signal?.aborted) return false
      this.stuckAfterPayments = this.payments.length
      this.log(`HTLCs still in flight after ${timeoutMs} ms; reading balances anyway`)
      return false
    }
  }

  /** SIGTERM: the node saves its state and exits. */
  async stopNode(name: string): Promise<void> {
    const node = this.node(name)
    node.stopping = true
    await node.process?.stop()
  }

  /** SIGKILL: the node dies wherever it was. */
  async killNode(name: string): Promise<void> {
    const node = this.node(name)
    node.stopping = true
    await node.process?.kill()
  }

  /** Starts a stopped or killed node again on its data directory, and reconnects it to its channel peers. */
  async restartNode(name: string, signal?: AbortSignal): Promise<void> {
    const node = this.node(name)
    if (node.online) await this.stopNode(name)
    await this.startNodeProcess(node, signal)
    this.testing.restarted(name)
    const peers = this.channels
      .flatMap((c) => (c.from === name ? [c.to] : c.to === name ? [c.from] : []))
      .filter((p) => this.node(p).online)
    await connectPeers(
      this,
      [...new Set(peers)].map((p) => [name, p] as [string, string]),
    )
  }

  /**
   * Starts one more node on the running network, unfunded and without channels, as a
   * peer that joins later would; `args` are extra `lnsim node start` flags.
   */
  async addNode(
    input: { name: string; feePolicy?: FeePolicy },
    options: { args?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<NetworkNode> {
    const parsed = NodeSpecSchema.safeParse({ ...input, fundsSat: 0 })
    if (!parsed.success)
      throw new StepError(
        `addNode: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`,
        'INVALID_STEP',
      )
    if (this.nodeMap.has(parsed.data.name))
      throw new StepError(`addNode: the network already has a node ${parsed.data.name}`, 'DUPLICATE_NODE')
    const node = this.defineNode(parsed.data, [], options.args ?? [])
    try {
      await this.startNodeProcess(node, options.signal)
    } catch (err) {
      this.nodeMap.delete(node.name)
      throw err
    }
    return node
  }

  /** Stops every process; removes the folder unless it was kept. Safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.following.abort()
      for (const n of this.nodes) n.stopping = true
      await this.runner.stopAll()
      if (this.removeOnStop) await rm(this.dir, { recursive: true, force: true })
    })()
    return this.stopped
  }

  // ---- used by bring-up ----

  addChannel(ref: ChannelRef): ChannelRef {
    this.channelMap.set(ref.name, ref)
    return ref
  }

  async startChainProcess(signal: AbortSignal): Promise<void> {
    // the scenario's seed gives the chain its faucet key, so funding transactions (and channel ids) repeat from run to
    // run
    const args = ['chain', 'start', '--data-dir', join(this.dir, 'chain'), '--port', '0', `--seed=${this.seed}`]
    if (this.chainSpec.blockIntervalMs !== undefined)
      args.push('--block-interval', String(this.chainSpec.blockIntervalMs))
    this.chainProcess = await this.runner.start(
      { name: 'chain', args, logFile: join(this.dir, 'logs', 'chain.log') },
      { signal },
    )
    const url = this.chainProcess.ready.url
    if (typeof url !== 'string')
      throw new NetworkStartError(
        `the chain printed a ready line without its url: ${JSON.stringify(this.chainProcess.ready)}`,
      )
    this.chain = chainClient(url)
    this.observer.chain?.(url)
    const chain = this.chainProcess
    void chain.exited.then(
      (e) => !this.stopped && this.exitedUnexpectedly('the chain', e, chain, join(this.dir, 'logs', 'chain.log')),
    )
    this.followChain()
  }

  async startNodeProcess(node: NetworkNode, signal?: AbortSignal): Promise<void> {
    node.stopping = false
    const proc = await this.runner.start(
      {
        name: node.name,
        args: [...node.args, '--chain', this.chainUrl],
        logFile: node.logFile,
        nodeFlags: nodeRuntimeFlags(this.lean),
        niceness: NODE_NICENESS,
      },
      signal ? { signal } : {},
    )
    await node.attach(proc)
    this.byNodeId.set(node.nodeId, node.name)
    void proc.exited.then((e) => !node.stopping && this.exitedUnexpectedly(`node ${node.name}`, e, proc, node.logFile))
    this.followNode(node)
    this.observer.nodes?.(
      this.nodes
        .filter((n) => n.nodeId !== '')
        .map((n) => ({ name: n.name, nodeId: n.nodeId, apiUrl: n.apiUrl, dataDir: n.dataDir })),
    )
    await this.saveRunFile()
  }

  /** Rewrites run.json; writes are queued so the last one describes the network as it is now. */
  saveRunFile(): Promise<void> {
    this.saving = this.saving
      .catch(() => {})
      .then(() =>
        writeRunFile(this.dir, {
          name: this.name,
          pid: process.pid,
          dir: this.dir,
          chainUrl: this.chainUrl,
          chainPid: this.chainProcess?.pid ?? null,
          nodes: this.nodes
            .filter((n) => n.nodeId !== '')
            .map((n) => ({
              name: n.name,
              nodeId: n.nodeId,
              dataDir: n.dataDir,
              apiUrl: n.apiUrl,
              logFile: n.logFile,
              pid: n.process?.pid ?? null,
            })),
        }),
      )
    return this.saving
  }

  /** Aborts when a daemon dies on its own: bring-up stops waiting for it at once. */
  get crashSignal(): AbortSignal {
    return this.crashed.signal
  }

  private exitedUnexpectedly(what: string, e: ProcessExit, proc: ManagedProcess, logFile: string): void {
    const last = proc.lastOutput.filter((l) => l.trim() !== '').slice(-15)
    const message =
      `${what} exited unexpectedly ` +
      `(${e.signal ?? `code ${e.code}`})${last.length ? `; its last output:\n  ${last.join('\n  ')}` : ''}\n(log: ` +
      `${logFile})`
    this.log(message)
    this.crashed.abort(new NetworkStartError(message, 'PROCESS_EXITED', { logFile }))
  }

  private defineNode(spec: NodeSpec, channels: NetworkSpec['channels'], extraArgs: readonly string[]): NetworkNode {
    const dataDir = insideRunDir(this.dir, spec.name)
    const seed = toHex(new SeededRng(this.seed).fork(`node/${spec.name}`).bytes(32))
    const args = [
      'node',
      'start',
      '--name',
      spec.name,
      '--data-dir',
      dataDir,
      '--seed',
      seed,
      ...policyArgs(spec.feePolicy),
      ...(spec.mppTimeoutSeconds !== undefined ? ['--mpp-timeout', String(spec.mppTimeoutSeconds)] : []),
      ...(spec.policy !== undefined ? ['--htlc-policy', JSON.stringify(spec.policy)] : []),
      ...(spec.upgradeAccountability === true ? ['--upgrade-accountability'] : []),
      ...(spec.maxDustExposureMsat !== undefined ? ['--max-dust-exposure', `${spec.maxDustExposureMsat}msat`] : []),
      ...pendingChannelFlags(spec.name, channels),
      ...this.gossipFlags,
    ]
    if (this.testing.enabled) args.push('--testing')
    args.push(...extraArgs)
    const node = new NetworkNode(spec.name, dataDir, insideRunDir(this.dir, 'logs', `${spec.name}.log`), args)
    this.nodeMap.set(spec.name, node)
    return node
  }

  private emit(e: NetworkEvent): void {
    for (const l of this.listeners) {
      try {
        l(e)
      } catch {
        // a watcher's bug must not stop the run
      }
    }
  }

  private followNode(node: NetworkNode): void {
    const proc = node.process
    void followNodeEvents(
      () => node.client,
      (e) => this.emit(e),
      this.following.signal,
      () => node.process === proc && node.online,
    )
  }

  private followChain(): void {
    void followChainEvents(
      this.chain,
      (e) => this.emit(e),
      this.following.signal,
      () => this.chainProcess?.running === true,
    )
  }
}

/** A node's fee policy as `lnsim node start` flags. */
function policyArgs(p: FeePolicy | undefined): string[] {
  if (!p) return []
  return [
    ...(p.baseMsat !== undefined ? ['--fee-base', String(p.baseMsat)] : []),
    ...(p.ppm !== undefined ? ['--fee-ppm', String(p.ppm)] : []),
    ...(p.cltvExpiryDelta !== undefined ? ['--cltv-delta', String(p.cltvExpiryDelta)] : []),
    ...(p.htlcMinimumMsat !== undefined ? ['--htlc-minimum', String(p.htlcMinimumMsat)] : []),
    ...(p.htlcMaximumMsat !== undefined ? ['--htlc-maximum', String(p.htlcMaximumMsat)] : []),
  ]
}

/** The `node start` flags that give every node the scenario's gossip settings. */
function gossipFlags(g: NetworkSpec['gossip']): string[] {
  if (!g) return []
  return [
    ...(g.broadcastIntervalMs !== undefined ? ['--gossip-broadcast-interval', String(g.broadcastIntervalMs)] : []),
    ...(g.staleChannelSeconds !== undefined ? ['--gossip-stale-after', String(g.staleChannelSeconds)] : []),
    ...(g.queries === false ? ['--no-gossip-queries'] : []),
  ]
}
