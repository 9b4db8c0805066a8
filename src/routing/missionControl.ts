/**
 * What failed payments teach the route finder (LND calls it mission control,
 * LDK a scorer). A failure reported by a hop (BOLT #4) is pinned on a channel
 * direction or on a node; its success probability drops to 0 and recovers as
 * 1 − 2^(−elapsed/halfLife), so pathfinding avoids it at once, then weighs it
 * less and less, and after `forgetAfterMs` it is forgotten. A channel that
 * failed for lack of liquidity (temporary_channel_failure) is held against
 * only for amounts at least as large as the one it refused, as LND's mission
 * control does: a smaller part of a split payment may still pass. A payment that
 * succeeds clears what was held against its channels and nodes. Failures that
 * carry a channel_update (fee_insufficient, incorrect_cltv_expiry, …) hand it
 * to `applyChannelUpdate`; when it was valid and newer, the hop only asked for
 * the new policy and is not held to blame. No timers: the caller passes the time.
 *
 * What it holds is bounded (`maxEntries`, the oldest failure goes first) and
 * can outlive the process: each change goes to a journal, and `restore` reads
 * the entries back, so a restarted node does not retry the route that just
 * failed (LND keeps its mission control in its database the same way).
 */
import { toHex } from '../core/bytes.js'
import type { ShortChannelId } from '../core/shortChannelId.js'
import { decodeMessage } from '../wire/codec.js'
import type { ChannelUpdate } from '../wire/messages.js'
import type { NodeKey } from './graph.js'
import { FAILURE, hasChannelUpdate, isBadOnion, isNodeFailure } from './onion/failureCodes.js'
import type { SuccessProbabilities } from './pathfinding.js'
import type { Route } from './route.js'

/** LND's default (`maxMcHistory`): what one node remembers of failures. */
export const MAX_MISSION_CONTROL_ENTRIES = 1000

/**
 * Where each change of what mission control holds goes, to be restored at the
 * next start: a failure (a channel direction or a node, by `key`) and when it
 * happened, or that it was forgotten.
 */
export interface MissionControlJournal {
  set(key: string, failedAtMs: number): void
  delete(key: string): void
}

export interface MissionControlOptions {
  /** how fast a failure is forgiven. @default 600_000 (10 minutes) */
  halfLifeMs?: number
  /** after this long a failure is forgotten. @default 10 half-lives (probability back above 0.999) */
  forgetAfterMs?: number
  /**
   * Where the channel_update a failure carries goes (the node's GossipStore): it
   * says `new` when it was valid, newer than the one known, and is now in the graph.
   * @default none: updates in failures are ignored
   */
  updates?: ChannelUpdateSink
  /** at most this many channel directions and nodes are held; the oldest failure goes first. @default 1000 */
  maxEntries?: number
  /** @default none: what is learned is lost with the process */
  journal?: MissionControlJournal
}

export interface ChannelUpdateSink {
  /** `encoded` is the message as sent, type prefix included */
  acceptChannelUpdate(update: ChannelUpdate, nowMs: number, encoded: Uint8Array): { status: string }
}

/** The part of a BOLT #4 failure mission control reads (a FailureMessage fits). */
export interface ReportedFailure {
  code: number
  channelUpdate?: Uint8Array
}

/** What a failure was pinned on, for logs and tests. */
export interface FailureLesson {
  channels: Array<{ shortChannelId: ShortChannelId; from: NodeKey }>
  nodes: NodeKey[]
  appliedChannelUpdate: boolean
}

/** The payee's own answers: another route cannot change them, so nothing is learned about routing. */
const FINAL_ONLY = new Set<number>([
  FAILURE.INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS,
  FAILURE.FINAL_INCORRECT_CLTV_EXPIRY,
  FAILURE.FINAL_INCORRECT_HTLC_AMOUNT,
  FAILURE.MPP_TIMEOUT,
])
/** The hop asked for a policy we did not have: with its newer update applied, nothing else is wrong. */
const POLICY_FAILURES = new Set<number>([
  FAILURE.FEE_INSUFFICIENT,
  FAILURE.INCORRECT_CLTV_EXPIRY,
  FAILURE.AMOUNT_BELOW_MINIMUM,
])
/** Failures about the hop's outgoing channel. */
const CHANNEL_FAILURES = new Set<number>([
  FAILURE.TEMPORARY_CHANNEL_FAILURE,
  FAILURE.PERMANENT_CHANNEL_FAILURE,
  FAILURE.REQUIRED_CHANNEL_FEATURE_MISSING,
  FAILURE.CHANNEL_DISABLED,
  FAILURE.EXPIRY_TOO_SOON,
  ...POLICY_FAILURES,
])

export class MissionControl implements SuccessProbabilities {
  private readonly halfLifeMs: number
  private readonly forgetAfterMs: number
  private readonly updates: ChannelUpdateSink | undefined
  private readonly maxEntries: number
  private readonly journal: MissionControlJournal | undefined
  private entries = 0
  /**
   * when each channel direction (by short channel id, then sending node) last failed, and the smallest amount it is
   * held against (null: any amount)
   */
  private readonly channelFailures = new Map<ShortChannelId, Map<NodeKey, ChannelFailure>>()
  private readonly nodeFailures = new Map<NodeKey, number>()

  constructor(options: MissionControlOptions = {}) {
    this.halfLifeMs = options.halfLifeMs ?? 600_000
    this.forgetAfterMs = options.forgetAfterMs ?? 10 * this.halfLifeMs
    this.updates = options.updates
    this.maxEntries = options.maxEntries ?? MAX_MISSION_CONTROL_ENTRIES
    this.journal = options.journal
  }

  /**
   * Takes back what a journal kept (its keys and times, as `set` gave them);
   * entries already forgotten by `nowMs`, or not understood, are dropped.
   */
  restore(entries: Iterable<[string, number]>, nowMs: number): void {
    const sorted = [...entries].sort((x, y) => x[1] - y[1])
    for (const [key, at] of sorted) {
      const where = parseKey(key)
      if (!where || !Number.isFinite(at) || nowMs - at >= this.forgetAfterMs) {
        this.journal?.delete(key)
        continue
      }
      if (where.kind === 'node') this.failNode(where.nodeId, at, false)
      else this.failChannel(where.shortChannelId, where.from, { at, amountMsat: where.amountMsat }, false)
    }
  }

  /** How many channel directions and nodes are held against. */
  get size(): number {
    return this.entries
  }

  private failNode(nodeId: NodeKey, at: number, journal = true): void {
    if (!this.nodeFailures.has(nodeId)) this.entries++
    this.nodeFailures.set(nodeId, at)
    if (journal) this.journal?.set(nodeKey(nodeId), at)
    this.bound()
  }

  private failChannel(scid: ShortChannelId, from: NodeKey, failure: ChannelFailure, journal = true): void {
    let directions = this.channelFailures.get(scid)
    if (!directions) this.channelFailures.set(scid, (directions = new Map()))
    const before = directions.get(from)
    if (!before) this.entries++
    directions.set(from, failure)
    if (journal) {
      if (before && before.amountMsat !== failure.amountMsat) this.journal?.delete(channelKey(scid, from, before))
      this.journal?.set(channelKey(scid, from, failure), failure.at)
    }
    this.bound()
  }

  private forgetNode(nodeId: NodeKey): void {
    if (!this.nodeFailures.delete(nodeId)) return
    this.entries--
    this.journal?.delete(nodeKey(nodeId))
  }

  private forgetChannel(scid: ShortChannelId, from: NodeKey): void {
    const directions = this.channelFailures.get(scid)
    const failure = directions?.get(from)
    if (!directions || !failure) return
    directions.delete(from)
    if (directions.size === 0) this.channelFailures.delete(scid)
    this.entries--
    this.journal?.delete(channelKey(scid, from, failure))
  }

  /** Past maxEntries, forgets the oldest failures. */
  private bound(): void {
    while (this.entries > this.maxEntries) {
      let oldest: { at: number; forget: () => void } | undefined
      for (const [nodeId, at] of this.nodeFailures)
        if (!oldest || at < oldest.at) oldest = { at, forget: () => this.forgetNode(nodeId) }
      for (const [scid, directions] of this.channelFailures)
        for (const [from, { at }] of directions)
          if (!oldest || at < oldest.at) oldest = { at, forget: () => this.forgetChannel(scid, from) }
      if (!oldest) return
      oldest.forget()
    }
  }

  /**
   * Learns from a failed attempt. `failingHopIndex` is the index in route.hops
   * of the node that reported the failure (0: our peer), or undefined when no
   * hop could be blamed; `failure` is the decoded failure, or undefined when it
   * could not be read.
   */
  recordFailure(
    route: Route,
    failingHopIndex: number | undefined,
    failure: ReportedFailure | undefined,
    nowMs: number,
  ): FailureLesson {
    const lesson: FailureLesson = { channels: [], nodes: [], appliedChannelUpdate: false }
    const nodeAt = (i: number): NodeKey => toHex(route.hops[i]!.nodeId)
    const blameChannel = (i: number, forAmountsFrom: bigint | null = null): void => {
      // hops[i + 1] arrives over the channel hops[i] sends on
      const c = { shortChannelId: route.hops[i + 1]!.shortChannelId, from: nodeAt(i) }
      this.failChannel(c.shortChannelId, c.from, { at: nowMs, amountMsat: forAmountsFrom })
      lesson.channels.push(c)
    }
    const blameNode = (i: number): void => {
      this.failNode(nodeAt(i), nowMs)
      lesson.nodes.push(nodeAt(i))
    }
    const last = route.hops.length - 1
    if (failingHopIndex === undefined || failingHopIndex < 0 || failingHopIndex > last) {
      // one of them failed and we cannot tell which: doubt all of the route's channels but our own
      for (let i = 0; i < last; i++) blameChannel(i)
      return lesson
    }
    // the payee refused, or failed in a way another route cannot change
    if (failingHopIndex === last) return lesson
    const code = failure?.code
    if (code === undefined || isBadOnion(code) || isNodeFailure(code) || FINAL_ONLY.has(code)) {
      // an unreadable failure, an onion it could not read, its own trouble, or a payee's answer from a relay: the node
      // is at fault
      blameNode(failingHopIndex)
    } else if (code === FAILURE.UNKNOWN_NEXT_PEER) {
      // the relay does not know the channel or cannot reach the next node: avoid both (a payee cannot be avoided)
      blameChannel(failingHopIndex)
      if (failingHopIndex + 1 < last) blameNode(failingHopIndex + 1)
    } else if (CHANNEL_FAILURES.has(code)) {
      lesson.appliedChannelUpdate =
        hasChannelUpdate(code) && this.applyUpdate(failure!, route.hops[failingHopIndex + 1]!.shortChannelId, nowMs)
      // a channel short of liquidity can still carry less than it refused
      const refused = code === FAILURE.TEMPORARY_CHANNEL_FAILURE ? route.hops[failingHopIndex + 1]!.amountMsat : null
      if (!(POLICY_FAILURES.has(code) && lesson.appliedChannelUpdate)) blameChannel(failingHopIndex, refused)
    } else {
      blameNode(failingHopIndex)
    }
    return lesson
  }

  /** The route carried the payment: nothing held against its channels and nodes any more. */
  recordSuccess(route: Route, _nowMs: number): void {
    route.hops.forEach((hop, i) => {
      this.forgetNode(toHex(hop.nodeId))
      const next = route.hops[i + 1]
      if (next) this.forgetChannel(next.shortChannelId, toHex(hop.nodeId))
    })
  }

  channel(shortChannelId: ShortChannelId, from: NodeKey, nowMs: number, amountMsat?: bigint): number {
    const failure = this.channelFailures.get(shortChannelId)?.get(from)
    if (failure?.amountMsat != null && amountMsat !== undefined && amountMsat < failure.amountMsat) return 1
    return this.recovered(failure?.at, nowMs)
  }

  node(nodeId: NodeKey, nowMs: number): number {
    return this.recovered(this.nodeFailures.get(nodeId), nowMs)
  }

  /** Drops what is forgotten anyway, to keep memory bounded on a long run. */
  prune(nowMs: number): void {
    for (const [nodeId, at] of this.nodeFailures) if (nowMs - at >= this.forgetAfterMs) this.forgetNode(nodeId)
    for (const [scid, directions] of this.channelFailures)
      for (const [from, { at }] of directions) if (nowMs - at >= this.forgetAfterMs) this.forgetChannel(scid, from)
  }

  private recovered(failedAt: number | undefined, nowMs: number): number {
    if (failedAt === undefined) return 1
    const elapsed = nowMs - failedAt
    if (elapsed >= this.forgetAfterMs) return 1
    if (elapsed <= 0) return 0
    return 1 - 2 ** (-elapsed / this.halfLifeMs)
  }

  /** BOLT #4: the channel_update in a failure should be applied when it is for the channel we used. */
  private applyUpdate(failure: ReportedFailure, shortChannelId: ShortChannelId, nowMs: number): boolean {
    if (!this.updates || !failure.channelUpdate) return false
    let update: ChannelUpdate
    try {
      const decoded = decodeMessage(failure.channelUpdate)
      if (decoded.kind !== 'message' || decoded.message.type !== 'channel_update') return false
      update = decoded.message
    } catch {
      return false
    }
    if (update.shortChannelId !== shortChannelId) return false
    return this.updates.acceptChannelUpdate(update, nowMs, failure.channelUpdate).status === 'new'
  }
}

/** A journal's key for a node's failure. */
function nodeKey(nodeId: NodeKey): string {
  return `node:${nodeId}`
}

interface ChannelFailure {
  at: number
  /** held against amounts from this one up (a liquidity failure); null: against any amount */
  amountMsat: bigint | null
}

/**
 * A journal's key for a channel direction's failure: the short channel id in decimal, the sending node, and for a
 * liquidity failure the smallest amount held against.
 */
function channelKey(scid: ShortChannelId, from: NodeKey, failure: ChannelFailure): string {
  return `channel:${scid}:${from}${failure.amountMsat === null ? '' : `:${failure.amountMsat}`}`
}

const NODE_KEY = /^node:([0-9a-f]{66})$/
const CHANNEL_KEY = /^channel:([0-9]{1,20}):([0-9a-f]{66})(?::([0-9]{1,20}))?$/

function parseKey(
  key: string,
):
  | { kind: 'node'; nodeId: NodeKey }
  | { kind: 'channel'; shortChannelId: ShortChannelId; from: NodeKey; amountMsat: bigint | null }
  | undefined {
  const n = NODE_KEY.exec(key)
  if (n) return { kind: 'node', nodeId: n[1]! }
  const c = CHANNEL_KEY.exec(key)
  if (c) return { kind: 'channel', shortChannelId: BigInt(c[1]!), from: c[2]!, amountMsat: c[3] ? BigInt(c[3]) : null }
  return undefined
}
