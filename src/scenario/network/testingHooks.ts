/**
 * Trouble made on purpose in a launched network, through the nodes' test-only
 * hooks (nodes started with --testing): message faults, link latency and loss,
 * partitions, payments held by their payee, and revoked commitments broadcast.
 * Nodes and channels are named as in the scenario; this class turns names into
 * node ids and keeps what a node's hooks cannot merge themselves (each node
 * takes its link rules as one list).
 *
 * The hooks live in a node's memory: a node that restarts comes back without
 * any of them.
 *
 * @example
 * ```ts
 * await net.testing.partition([['alice'], ['bob', 'carol']])
 * const p = await net.pay('alice', 'carol', 1_000_000n)   // fails: no way across
 * await net.testing.heal()
 * ```
 */
import { TestingClient } from '../../api/node/testingClient.js'
import type { FaultAction, LinkRule, MessageTypeName } from '../../api/node/testingTypes.js'
import { StepError } from '../errors.js'
import type { NetworkView } from './networkView.js'
import { CHANNEL_ID_FIELDS, type LinkDelaySpec } from '../file/testingSteps.js'

export interface FaultSpec {
  /** the node that sends the message */
  node: string
  /** the node it is sent to */
  peer: string
  message: MessageTypeName
  /** the Nth such message from now on. @default 1 */
  nth?: number
  action: FaultAction
}

export interface LatencySpec {
  /** every message this node sends (give node or channel) */
  node?: string | undefined
  /** both ends' messages to each other */
  channel?: string | undefined
  /** without delay and dropRate, the rule is removed */
  delay?: LinkDelaySpec | undefined
  dropRate?: number | undefined
}

/** A message from one node to another. */
export interface RogueSpec {
  /** the rogue: the node that sends it */
  node: string
  /** the node it is sent to */
  peer: string
  message: MessageTypeName
}

/** The key of a node's rule for every peer without a rule of its own. */
const ANY_PEER = '*'

export class TestingHooks {
  /** per node, its link rules by peer name */
  private readonly links = new Map<string, Map<string, LinkRule>>()
  private seeds = 0

  constructor(
    private readonly net: NetworkView,
    /** whether the nodes were started with --testing */
    readonly enabled: boolean,
  ) {}

  private hooksOf(name: string): TestingClient {
    if (!this.enabled)
      throw new StepError(
        'test-only hooks need nodes started with --testing: give the network `testing: true`',
        'TESTING_DISABLED',
      )
    const node = this.net.node(name)
    if (!node.online) throw new StepError(`${name} is not running`, 'NODE_NOT_RUNNING')
    return new TestingClient(node.client)
  }

  /**
   * Makes `node` drop, cut or blackhole the Nth `message` it sends to `peer`; the node's earlier faults not yet fired
   * stay (their count starts again).
   */
  async fault(f: FaultSpec): Promise<void> {
    const hooks = this.hooksOf(f.node)
    const pending = (await hooks.state()).faults
    await hooks.setFaults([
      ...pending,
      { peer: this.net.node(f.peer).nodeId, messageType: f.message, nth: f.nth ?? 1, action: f.action },
    ])
  }

  /**
   * Delays (and loses) what a node sends to every peer, or what both ends of a
   * channel send each other. Draws are seeded from the network's seed, so a
   * run meets the same delays each time.
   */
  async latency(spec: LatencySpec): Promise<void> {
    const targets: [string, string][] =
      spec.node !== undefined
        ? [[spec.node, ANY_PEER]]
        : spec.channel !== undefined
          ? ((c) =>
              [
                [c.from, c.to],
                [c.to, c.from],
              ] as [string, string][])(this.net.channel(spec.channel))
          : []
    if (targets.length === 0) throw new StepError('latency needs a node or a channel', 'INVALID_STEP')
    for (const [name, peer] of targets) {
      const rules = this.links.get(name) ?? new Map<string, LinkRule>()
      if (spec.delay === undefined && spec.dropRate === undefined) rules.delete(peer)
      else
        rules.set(peer, {
          ...(peer === ANY_PEER ? {} : { peer: this.net.node(peer).nodeId }),
          ...(spec.delay ? { delay: spec.delay } : {}),
          ...(spec.dropRate !== undefined ? { dropRate: spec.dropRate } : {}),
        })
      await this.hooksOf(name).setLinks([...rules.values()], `${this.net.seed}/links/${name}/${++this.seeds}`)
      this.links.set(name, rules)
    }
  }

  /**
   * Nodes in different groups can no longer reach each other (their connections drop); nodes in no group still reach
   * everyone.
   */
  async partition(groups: readonly (readonly string[])[]): Promise<void> {
    for (const [g, group] of groups.entries()) {
      const others = groups.flatMap((other, h) => (h === g ? [] : other.map((n) => this.net.node(n).nodeId)))
      for (const name of group) await this.hooksOf(name).partition(others)
    }
  }

  /**
   * Ends every partition and blackhole of these nodes (default: every running node); they redial their channel peers.
   */
  async heal(names?: readonly string[]): Promise<void> {
    for (const name of names ?? this.net.nodes.filter((n) => n.online).map((n) => n.name))
      await this.hooksOf(name).heal()
  }

  /** With hold, payments to the node stay in flight instead of settling; without, the held ones settle. */
  async hold(node: string, hold: boolean): Promise<number> {
    return (await this.hooksOf(node).hold(hold)).released
  }

  /** The node broadcasts the channel's previous, revoked commitment; returns its txid. */
  async cheat(node: string, channel: string): Promise<string> {
    const r = await this.hooksOf(node).cheat(this.net.channel(channel).channelId)
    this.net.log(`${node} broadcast a revoked commitment of ${channel} (commitment ${r.revokedIndex}, txid ${r.txid})`)
    return r.txid
  }

  /** Message fields as a scenario gives them, with a channel's name in place of its id made the id. */
  private fieldsFor(values: Readonly<Record<string, string | number>>): Record<string, string | number> {
    return Object.fromEntries(
      Object.entries(values).map(([k, v]) => [
        k,
        CHANNEL_ID_FIELDS.includes(k) && typeof v === 'string' && !/^[0-9a-f]{64}$/i.test(v)
          ? this.net.channel(v).channelId
          : v,
      ]),
    )
  }

  /** The Nth `message` that `node` sends `peer` from now on leaves with these fields (BOLT names) changed. */
  async mutate(spec: RogueSpec & { nth?: number; set: Record<string, string | number> }): Promise<void> {
    await this.hooksOf(spec.node).mutate({
      peer: this.net.node(spec.peer).nodeId,
      messageType: spec.message,
      nth: spec.nth ?? 1,
      set: this.fieldsFor(spec.set),
    })
  }

  /** `node` sends `peer` again the Nth last `message` it sent it (1: the last one). */
  async replay(spec: RogueSpec & { nth?: number }): Promise<void> {
    await this.hooksOf(spec.node).replay({
      peer: this.net.node(spec.peer).nodeId,
      messageType: spec.message,
      nth: spec.nth ?? 1,
    })
  }

  /** `node` crafts `message` from all its fields and sends it to `peer`. */
  async send(spec: RogueSpec & { fields: Record<string, string | number> }): Promise<void> {
    await this.hooksOf(spec.node).send({
      peer: this.net.node(spec.peer).nodeId,
      messageType: spec.message,
      fields: this.fieldsFor(spec.fields),
    })
  }

  /** Blocks stop reaching these nodes (default: every running node) for `ms`, then arrive together. */
  async stallChain(ms: number, names?: readonly string[]): Promise<void> {
    for (const name of names ?? this.net.nodes.filter((n) => n.online).map((n) => n.name))
      await this.hooksOf(name).stallChain(ms)
  }

  /** The chain refuses what `node` submits for `ms`; the node must broadcast it again afterwards. */
  async refuseBroadcasts(node: string, ms: number): Promise<void> {
    await this.hooksOf(node).refuseBroadcasts(ms)
  }

  /** A restarted node has lost its hooks: forget the rules it had. */
  restarted(name: string): void {
    this.links.delete(name)
  }
}
