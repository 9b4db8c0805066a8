/**
 * Owns every channel state machine of the node: feeds each its inputs (peer
 * messages, commands, chain events), persists the new state, and only then
 * carries out the effects, in order. Steps of one event-loop turn share one
 * fsync (group commit), and HTLCs added in one turn share one commitment_signed.
 *
 * Channels a peer asks for cost it nothing until it funds them, so they are
 * bounded: at most `maxPendingChannelsPerPeer` from one peer, and
 * `maxPendingChannels` from all, may wait for their funding to confirm; past
 * that an open_channel gets an `error` and leaves nothing behind. An opening
 * whose peer stops answering is aborted after `openingTimeoutMs`, and an aborted
 * opening (it never reached the chain) is forgotten, not kept as CLOSED.
 */
import { trace, tracing } from '../../core/trace.js'
import { fromHex, toHex } from '../../core/bytes.js'
import { errorMessage } from '../../core/errors.js'
import type { Condition } from '../../chain/condition.js'
import type { OutPoint, Transaction } from '../../chain/transaction.js'
import { availableToSendMsat, deriveNextCommitmentKeys } from '../../channel/commitments.js'
import { step } from '../../channel/machine.js'
import { awaitOpenChannel, openChannel } from '../../channel/opening.js'
import type { ChannelConfig, FeeLimits } from '../../channel/constants.js'
import type { ChannelCommand, ChannelContext, ChannelEffect, ChannelEvent, ChannelInput } from '../../channel/io.js'
import { channelIdOf, commitmentsOf, type ChannelData } from '../../channel/states.js'
import type { StepResult } from '../../channel/result.js'
import type { ChannelErrorCode } from '../../channel/errors.js'
import type { ChannelSigner } from '../../channel/signer.js'
import type { ChannelMessage, ErrorMessage, Message, Warning } from '../../wire/messages.js'
import type { NodeLimits } from '../../api/node/limits.js'
import type { Logger } from '../logger.js'
import type { PeerLogLimiter } from '../peerLogLimiter.js'
import type { KvLog } from '../store/durableStore.js'
import type { LocalChannel } from '../../routing/graph.js'
import { shortChannelIdOf } from './channelViews.js'
import { withHtlcSigs } from './legacyHtlcSigs.js'
import { withoutLegacySeeds } from './legacySeeds.js'
import { NodeError } from '../errors.js'

/** Where a channel's events go: the node turns them into payments, forwards, gossip and events. */
export interface ChannelEventSink {
  onChannelEvent(channel: string, peer: string, event: ChannelEvent, data: ChannelData): void
  /** after every step (the test-only cheat recorder keeps signed commitments) */
  onChannelStepped(channel: string, data: ChannelData): void
}

/** What the channel manager needs from the rest of the node, each a small interface. */
export interface ChannelManagerComponents {
  log: Logger
  /** limits the lines a peer's refused requests write to the log */
  peerLog: PeerLogLimiter
  limits: Pick<NodeLimits, 'maxPendingChannelsPerPeer' | 'maxPendingChannels' | 'openingTimeoutMs'>
  store: KvLog<ChannelRecord>
  revocations: KvLog<{ channel: string; index: bigint }>
  config: ChannelConfig
  chainHash: Uint8Array
  /** the feerate used until the chain's estimate is heard */
  feeratePerKw: number
  /** this node's limits on fees and dust (DEFAULT_FEE_LIMITS when absent) */
  feeLimits?: FeeLimits
  /** the node's keys; a channel's state names its own */
  signer: ChannelSigner
  tip: { readonly height: number }
  /** preimages the node learned, by payment hash in hex, for claiming incoming HTLCs on chain */
  preimages: { get(paymentHashHex: string): Uint8Array | undefined }
  /**
   * Fresh labels, never handed out twice. A new channel's keys id is one (see
   * channel/signer.ts); `role` keeps one counter for the channels this node opens
   * and one per peer for those it accepts: each sequence is then fixed by what the
   * node and that peer asked for, not by how openings in both directions happened
   * to interleave, so a seeded network gets the same channel ids on every run.
   */
  secrets: { nextSecret(purpose: string): Uint8Array; nextLabel(purpose: string): string }
  wallet: {
    /** where a channel's funds go when it closes */
    newAddress(label: string): { condition: Condition }
    fund(amountSat: bigint, condition: Condition): Promise<{ tx: Transaction; outputIndex: number }>
    release(tx: Transaction): void
  }
  peers: {
    send(peer: string, message: Message): void
    disconnect(peer: string, reason: string): Promise<void>
    isConnected(peer: string): boolean
  }
  /** resolves once the chain accepted it (or will retry it later) */
  broadcaster: {
    broadcast(
      tx: Transaction,
      txid: string,
      label: string,
      validFromHeight: number,
      channel: string,
      tipHeight: number,
    ): Promise<void>
  }
  watcher: {
    watchConfirmed(txid: string, depth: number, channel: string): void
    watchSpent(outpoint: OutPoint, channel: string): void
    /** the chain watches of a channel that is forgotten */
    forget(channel: string): void
  }
  events: ChannelEventSink
}

export interface ChannelRecord {
  peer: string
  data: ChannelData
  createdAt: number
}

interface PendingEffect {
  channel: string
  peer: string
  effect: ChannelEffect
}

/**
 * The parts of a channel's state that, once made, stay the same object over several
 * states: the state log writes each once and refers to it after (DurableStore
 * interning). HTLCs and update messages, the channel's parameters (they carry its
 * basepoints) and funding output, each commitment (kept until the next one, through
 * the updates in between) and the peer's revealed secrets (kept until its next
 * revocation). The channel machine never changes a state in place (the channel
 * tests freeze every state to hold it to that), so a part is never stale.
 */
export function isLastingChannelPart(value: object): boolean {
  const o = value as Record<string, unknown>
  if (o.paymentHash instanceof Uint8Array || 'basepoints' in o) return true
  if (typeof o.type === 'string') return o.type.startsWith('update_')
  if ('spec' in o && 'txid' in o && 'index' in o) return true
  if (Array.isArray(o.known)) return true
  return 'outpoint' in o && 'output' in o && Object.keys(o).length === 2
}

export class ChannelManager {
  private readonly channels = new Map<string, ChannelRecord>()
  private pending: PendingEffect[] = []
  private readonly toSign = new Set<string>()
  private flushScheduled = false
  /** channels whose next commitments' keys to derive once the node has nothing else to do */
  private readonly toPrepare = new Set<string>()
  /** how many apply() calls are running (an input's events issue commands that apply in turn) */
  private depth = 0
  /** a fulfill or fail waits to be sent at once, when the input being handled is done */
  private urgent = false
  private readonly openWaiters = new Map<
    string,
    { resolve: (r: { channelId: string; fundingTxid: string }) => void; reject: (e: Error) => void }
  >()

  constructor(private readonly deps: ChannelManagerComponents) {
    for (const [key, record] of deps.store.entries()) {
      const data = withHtlcSigs(withoutLegacySeeds(record.data))
      // left by a version that kept aborted openings
      if (isAbortedOpening(data)) deps.store.delete(key)
      else if (data === record.data) this.channels.set(key, record)
      else this.save(key, { ...record, data })
    }
  }

  private openingTimer: NodeJS.Timeout | undefined

  /**
   * After a restart no peer is connected, whatever state was saved: every live
   * channel goes OFFLINE (and re-synchronises with channel_reestablish when its
   * peer is back), and openings that never reached the chain are forgotten. From
   * then on, an opening whose peer went quiet gives back its place among the
   * pending channels.
   */
  start(): void {
    for (const [key, r] of [...this.channels]) {
      if (
        r.data.state !== 'CLOSED' &&
        r.data.state !== 'CLOSING' &&
        r.data.state !== 'OFFLINE' &&
        r.data.state !== 'ERR_INFORMATION_LEAK'
      )
        this.apply(key, { type: 'disconnected' })
    }
    this.openingTimer = setInterval(
      () => this.expireOpenings(Date.now()),
      Math.max(100, Math.min(5000, this.deps.limits.openingTimeoutMs / 4)),
    )
    this.openingTimer.unref()
  }

  /** Writes what is pending; nothing is sent after this. */
  stop(): void {
    clearInterval(this.openingTimer)
    this.flush()
  }

  private estimatePerKw: number | undefined

  /** The chain's fee-rate estimate: for new on-chain transactions and to judge a peer's update_fee. */
  setFeerateEstimate(satPerKw: number): void {
    this.estimatePerKw = satPerKw
  }

  get feerateEstimate(): number {
    return this.estimatePerKw ?? this.deps.feeratePerKw
  }

  private ctx(): ChannelContext {
    return {
      blockHeight: this.deps.tip.height,
      chainHash: this.deps.chainHash,
      feeratePerKw: this.feerateEstimate,
      ...(this.deps.feeLimits ? { feeLimits: this.deps.feeLimits } : {}),
      signer: this.deps.signer,
      preimageFor: this.preimageFor,
    }
  }

  private readonly preimageFor = (hash: Uint8Array): Uint8Array | undefined => this.deps.preimages.get(toHex(hash))

  list(): Array<{ key: string; record: ChannelRecord }> {
    return [...this.channels].map(([key, record]) => ({ key, record }))
  }

  get(key: string): ChannelRecord | undefined {
    return this.channels.get(key)
  }

  /** The channel a request names, or an error saying where to look. */
  require(key: string): ChannelRecord {
    const record = this.channels.get(key)
    if (!record) throw new NodeError('UNKNOWN_CHANNEL', `no channel ${key}; see \`lnsim channels\``)
    return record
  }

  /** Channels with a peer that are waiting for or using the connection. */
  channelsWith(peer: string): string[] {
    return [...this.channels].filter(([, r]) => r.peer === peer && r.data.state !== 'CLOSED').map(([k]) => k)
  }

  // ---- applying inputs ----------------------------------------------------

  /**
   * Runs one input through a channel. The new state is recorded at once and
   * its events handled at once (handlers only record decisions and issue more
   * commands), so they all reach disk in the same flush; what leaves the process
   * (messages, broadcasts) waits for that flush.
   */
  apply(key: string, input: ChannelInput): StepResult {
    this.depth++
    let r: StepResult
    try {
      r = this.applyOne(key, input)
    } finally {
      this.depth--
    }
    // an outcome to send at once waits until the input that caused it is handled whole
    if (this.depth === 0 && this.urgent) this.writeAndCarryOut()
    return r
  }

  private applyOne(key: string, input: ChannelInput): StepResult {
    const record = this.channels.get(key)
    if (!record) throw new NodeError('UNKNOWN_CHANNEL', `no channel ${key}`)
    const r = this.stepContained(key, record, input)
    if (tracing) trace('stepped', inputName(input))
    key = this.save(key, { ...record, data: r.data })
    if (r.data.state === 'NORMAL' || r.data.state === 'SHUTDOWN') this.toPrepare.add(key)
    const events: ChannelEvent[] = []
    for (const effect of r.effects) {
      // the revocation log must be as durable as the state that revoked the commitment
      if (effect.type === 'store_revoked_commitment')
        this.deps.revocations.set(effect.txid, { channel: key, index: effect.index })
      else if (effect.type === 'event') events.push(effect.event)
      else if (effect.type === 'sign_soon') this.toSign.add(key)
      else this.pending.push({ channel: key, peer: record.peer, effect })
    }
    this.scheduleFlush()
    this.deps.events.onChannelStepped(key, r.data)
    for (const e of events) this.onEvent(key, record.peer, e)
    if (isAbortedOpening(r.data) && this.channels.get(key)?.data === r.data) this.forget(key, record.data)
    return r
  }

  /**
   * An opening that never reached the chain leaves nothing to remember: its
   * record, its chain watches and the coins its funding transaction locked go.
   * Its last messages (an error to the peer) still go out.
   */
  private forget(key: string, before: ChannelData): void {
    this.channels.delete(key)
    this.deps.store.delete(key)
    this.toPrepare.delete(key)
    this.toSign.delete(key)
    this.deps.watcher.forget(key)
    if (before.state === 'WAIT_FOR_FUNDING_SIGNED') this.deps.wallet.release(before.fundingTx)
  }

  /**
   * One channel's step, kept from ever stopping the node. The machine turns the
   * peer's rule breaking into results; anything it throws is a state this node
   * cannot work with (a bug, or a value that slipped past decoding), and only
   * that channel pays for it: it fails, closing on chain if it has funds.
   */
  private stepContained(key: string, record: ChannelRecord, input: ChannelInput): StepResult {
    try {
      return step(record.data, input, this.ctx())
    } catch (err) {
      const reason = errorMessage(err)
      this.deps.log.error('channel failed while handling its input', {
        channel: key,
        input: inputName(input),
        error: reason,
        stack: (err as Error).stack,
      })
      let r: StepResult
      try {
        r = step(record.data, { type: 'fail', code: 'INTERNAL_ERROR', reason, byPeer: false }, this.ctx())
      } catch (again) {
        // not even failing works: the state is kept as it was, for a person to look at
        this.deps.log.error('channel could not be failed', { channel: key, error: errorMessage(again) })
        r = { data: record.data, effects: [] }
      }
      return input.type === 'command'
        ? {
            data: r.data,
            effects: r.effects,
            reply: { ok: false, code: 'CHANNEL_FAILED', message: `the channel failed: ${reason}` },
          }
        : r
    }
  }

  /** Stores the record under its channel id (re-keying it once the temporary id is replaced); returns the key used. */
  private save(key: string, record: ChannelRecord): string {
    // a channel is known by its temporary id until the funding transaction fixes its real one
    const realKey = toHex(channelIdOf(record.data))
    if (realKey !== key) {
      this.channels.delete(key)
      this.deps.store.delete(key)
      for (const p of this.pending) if (p.channel === key) p.channel = realKey
      const waiter = this.openWaiters.get(key)
      if (waiter) {
        this.openWaiters.delete(key)
        this.openWaiters.set(realKey, waiter)
      }
      key = realKey
    }
    this.channels.set(key, record)
    this.deps.store.set(key, record)
    return key
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => this.flushIfScheduled())
  }

  private flushIfScheduled(): void {
    if (!this.flushScheduled) return
    try {
      this.flush()
    } catch (err) {
      this.deps.log.error('flush failed', { error: (err as Error).message })
    }
  }

  /** True while state is waiting to be written or effects to be carried out. */
  get busy(): boolean {
    return this.flushScheduled || this.pending.length > 0
  }

  /** Signs what was batched, persists everything, then carries out the effects in order. */
  flush(): void {
    trace('flush')
    this.flushScheduled = false
    const toSign = [...this.toSign]
    this.toSign.clear()
    for (const key of toSign) {
      const r = this.channels.get(key)
      if (r && (r.data.state === 'NORMAL' || r.data.state === 'SHUTDOWN'))
        this.apply(key, { type: 'command', command: { type: 'sign' } })
    }
    this.writeAndCarryOut()
  }

  private carryOut({ channel, peer, effect }: PendingEffect): void {
    const d = this.deps
    switch (effect.type) {
      case 'send':
        d.peers.send(peer, effect.message)
        return
      case 'disconnect':
        void d.peers.disconnect(peer, effect.reason)
        return
      case 'broadcast': {
        const submitted = d.broadcaster
          .broadcast(effect.tx, effect.txid, effect.label, effect.validFromHeight, channel, d.tip.height)
          .catch((err: Error) => {
            d.log.warn('broadcast refused', { channel, txid: effect.txid, label: effect.label, error: err.message })
            throw err
          })
        // an open channel request is answered once its funding transaction is in the mempool
        const waiter = effect.label === 'funding' ? this.openWaiters.get(channel) : undefined
        if (waiter) this.openWaiters.delete(channel)
        submitted.then(
          () => waiter?.resolve({ channelId: channel, fundingTxid: effect.txid }),
          // a refusal is normal for a commitment racing the peer's own (both spend the funding output)
          (err: Error) =>
            waiter?.reject(
              new NodeError('FUNDING_NOT_ACCEPTED', `the chain refused the funding transaction: ${err.message}`),
            ),
        )
        return
      }
      case 'watch_confirmed':
        d.watcher.watchConfirmed(effect.txid, effect.depth, channel)
        return
      case 'watch_spent':
        d.watcher.watchSpent(effect.outpoint, channel)
        return
      case 'make_funding_tx':
        d.wallet.fund(effect.amountSat, effect.condition).then(
          ({ tx, outputIndex }) => {
            const r = this.channels.get(channel)
            if (!r || r.data.state !== 'WAIT_FOR_FUNDING_INTERNAL') return d.wallet.release(tx)
            this.apply(channel, { type: 'funding_tx_created', tx, outputIndex })
          },
          (err: Error) => {
            if (this.channels.has(channel)) this.apply(channel, { type: 'funding_tx_failed', reason: err.message })
          },
        )
        return
      case 'store_revoked_commitment':
      case 'sign_soon':
      case 'event':
        return
    }
  }

  private onEvent(channel: string, peer: string, event: ChannelEvent): void {
    const record = this.channels.get(channel)
    if (!record) return
    const waiter = this.openWaiters.get(channel)
    if (waiter && record.data.state === 'CLOSED') {
      this.openWaiters.delete(channel)
      waiter.reject(new NodeError('CHANNEL_OPEN_FAILED', `the channel could not be opened: ${record.data.why}`))
    }
    this.deps.events.onChannelEvent(channel, peer, event, record.data)
  }

  // ---- what the node asks --------------------------------------------------

  /** Opens a channel as funder; resolves once the funding transaction is broadcast. */
  open(
    peer: string,
    fundingSat: bigint,
    pushMsat: bigint,
    announce: boolean,
  ): Promise<{ channelId: string; fundingTxid: string }> {
    if (!this.deps.peers.isConnected(peer))
      return Promise.reject(
        new NodeError('PEER_OFFLINE', `not connected to ${peer}: connect first with \`lnsim connect\``),
      )
    const temporaryChannelId = this.deps.secrets.nextSecret('channel/open').slice(0, 32)
    const keysId = this.deps.secrets.nextLabel('channel/open')
    const r = openChannel(
      {
        remoteNodeId: fromHex(peer),
        temporaryChannelId,
        fundingSat,
        pushMsat,
        announce,
        // a new channel starts at the chain's estimate, as LND and Core Lightning open at theirs
        config: { ...this.deps.config, feeratePerKw: this.feerateEstimate },
        keysId,
        finalCondition: this.closingCondition(),
      },
      this.ctx(),
    )
    const key = this.save(toHex(temporaryChannelId), { peer, data: r.data, createdAt: Date.now() })
    for (const effect of r.effects) this.pending.push({ channel: key, peer, effect })
    this.scheduleFlush()
    return new Promise((resolve, reject) => {
      this.openWaiters.set(key, { resolve, reject })
    })
  }

  /** Why a new channel from this peer would be one pending channel too many, or undefined. */
  private pendingLimitReached(peer: string): string | undefined {
    const { maxPendingChannelsPerPeer, maxPendingChannels } = this.deps.limits
    let fromPeer = 0
    let total = 0
    for (const r of this.channels.values()) {
      if (!isPendingIncoming(r.data)) continue
      total++
      if (r.peer === peer) fromPeer++
    }
    if (fromPeer >= maxPendingChannelsPerPeer)
      return (
        `TOO_MANY_PENDING_CHANNELS: ${fromPeer} channels you opened are waiting for their funding to confirm ` +
        `(the limit is ${maxPendingChannelsPerPeer}); open more once they confirm`
      )
    if (total >= maxPendingChannels)
      return (
        `TOO_MANY_PENDING_CHANNELS: this node has ${total} channels waiting for their funding to confirm ` +
        `(the limit is ${maxPendingChannels}); try again later`
      )
    return undefined
  }

  /** A peer message for some channel. */
  onMessage(peer: string, message: ChannelMessage | ErrorMessage | Warning): void {
    if (message.type === 'open_channel') {
      const key = toHex(message.temporaryChannelId)
      if (this.channels.has(key)) {
        this.deps.peers.send(peer, {
          type: 'error',
          channelId: message.temporaryChannelId,
          data: new TextEncoder().encode('temporary_channel_id already in use'),
        })
        return
      }
      const refusal = this.pendingLimitReached(peer)
      if (refusal) {
        this.deps.peerLog.line(this.deps.log, 'info', peer, 'open_channel refused', { reason: refusal })
        this.deps.peers.send(peer, {
          type: 'error',
          channelId: message.temporaryChannelId,
          data: new TextEncoder().encode(refusal),
        })
        return
      }
      const data = awaitOpenChannel({
        remoteNodeId: fromHex(peer),
        temporaryChannelId: message.temporaryChannelId,
        config: this.deps.config,
        keysId: this.deps.secrets.nextLabel(`channel/accept/${peer}`),
        finalCondition: this.closingCondition(),
      })
      this.save(key, { peer, data, createdAt: Date.now() })
      this.apply(key, { type: 'message', message })
      return
    }
    const id = 'temporaryChannelId' in message ? message.temporaryChannelId : message.channelId
    const key = toHex(id)
    const record = this.channels.get(key)
    if (message.type === 'error' || message.type === 'warning') {
      // an all-zero channel id means every channel with that peer
      const all = id.every((b) => b === 0)
      for (const k of all ? this.channelsWith(peer) : record && record.peer === peer ? [key] : [])
        this.apply(k, { type: 'message', message })
      return
    }
    if (!record || record.peer !== peer) {
      this.deps.peers.send(peer, {
        type: 'warning',
        channelId: id,
        data: new TextEncoder().encode(`unknown channel ${key}`),
      })
      return
    }
    this.apply(key, { type: 'message', message })
  }

  /**
   * A message for one of our channels did not decode (a key off the curve): the
   * channel fails and the peer is told. For a channel we do not have (an
   * open_channel's temporary id) the peer only gets the error.
   */
  onInvalidMessage(peer: string, channelId: Uint8Array, reason: string): void {
    const key = toHex(channelId)
    const record = this.channels.get(key)
    if (record && record.peer === peer) this.fail(key, 'INVALID_MESSAGE', reason, true)
    else this.deps.peers.send(peer, { type: 'error', channelId, data: new TextEncoder().encode(reason) })
  }

  private closingCondition(): Condition {
    return this.deps.wallet.newAddress('channel close').condition
  }

  /** Our live channel whose funding output has this short channel id. */
  byShortChannelId(scid: bigint): string | undefined {
    for (const [key, r] of this.channels) if (r.data.state !== 'CLOSED' && shortChannelIdOf(r.data) === scid) return key
    return undefined
  }

  /** Our channels as pathfinding sees them: what each can send now, and whether its peer is there. */
  localChannels(isConnected: (peer: string) => boolean): Array<LocalChannel & { key: string }> {
    return this.list().flatMap(({ key, record }) => {
      const scid = shortChannelIdOf(record.data)
      const c = commitmentsOf(record.data)
      if (scid === undefined || !c || record.data.state === 'CLOSED' || record.data.state === 'CLOSING') return []
      // asked for every payment: only what pathfinding needs, not the channel's whole view (its HTLCs in hex)
      const normal = record.data.state === 'NORMAL'
      return [
        {
          key,
          shortChannelId: scid,
          remoteNodeId: fromHex(record.peer),
          spendableMsat: normal ? availableToSendMsat(c) : 0n,
          active: normal && isConnected(record.peer),
          htlcMinimumMsat: c.remoteParams.htlcMinimumMsat,
        },
      ]
    })
  }

  private fail(key: string, code: ChannelErrorCode, reason: string, byPeer: boolean): void {
    if (this.channels.has(key)) this.apply(key, { type: 'fail', code, reason, byPeer })
  }

  command(key: string, command: ChannelCommand): StepResult {
    const r = this.apply(key, { type: 'command', command })
    if (
      command.type === 'add_htlc' ||
      command.type === 'fulfill_htlc' ||
      command.type === 'fail_htlc' ||
      command.type === 'fail_malformed_htlc' ||
      command.type === 'update_fee'
    ) {
      this.toSign.add(key)
      this.scheduleFlush()
    }
    // an outcome travels back at once, ahead of this node's own commitment work (often a
    // commitment_signed that arrived with it, then signing): the upstream peer can pass a
    // preimage on straight away, and the payer is waiting for it. Inside the handling of
    // an input (a revoke_and_ack settling several HTLCs), it waits for the rest of it.
    if (command.type !== 'add_htlc' && r.effects.some((e) => e.type === 'send')) {
      this.urgent = true
      if (this.depth === 0) this.writeAndCarryOut()
    }
    return r
  }

  /**
   * Writes what was recorded so far, then carries out the effects waiting for it.
   * Nothing may leave before the state that caused it is written, and nothing else
   * runs in between, so effects leave in order.
   */
  private writeAndCarryOut(): void {
    this.urgent = false
    const batch = this.pending
    this.pending = []
    this.deps.store.flushSync()
    trace('written')
    // the revocation log must be as durable as the state that revoked the commitment
    this.deps.revocations.flushSync()
    for (const p of batch) this.carryOut(p)
    if (this.toPrepare.size > 0) setImmediate(() => this.prepareNextCommitments())
  }

  /**
   * Runs after the messages of a turn are out and whatever had already arrived is
   * handled: the keys of the commitments that come next are derived while the
   * peer is busy with ours, off the path of the payment.
   */
  private prepareNextCommitments(): void {
    if (this.toPrepare.size === 0) return
    // a turn that came in since (a payment, a peer's message) has its messages waiting to be
    // signed and sent: they go first, then this, while the peer is busy with them
    this.flushIfScheduled()
    const toPrepare = [...this.toPrepare]
    this.toPrepare.clear()
    for (const key of toPrepare) {
      const c = this.channels.get(key)
      const commitments = c && commitmentsOf(c.data)
      if (!commitments) continue
      try {
        deriveNextCommitmentKeys(commitments, this.deps.signer)
      } catch (err) {
        this.fail(key, 'INTERNAL_ERROR', `cannot derive the next commitment's keys: ${errorMessage(err)}`, false)
      }
    }
    trace('prepared')
  }

  /** Aborts the openings whose peer has not answered within the opening timeout; the peer gets an error. */
  expireOpenings(now: number): void {
    for (const [key, r] of [...this.channels]) {
      if (WAITING_FOR_PEER.has(r.data.state) && now - r.createdAt >= this.deps.limits.openingTimeoutMs) {
        this.fail(
          key,
          'OPENING_TIMED_OUT',
          `the opening did not complete within ${Math.round(this.deps.limits.openingTimeoutMs / 1000)} s`,
          false,
        )
      }
    }
  }

  onPeerConnected(peer: string): void {
    for (const key of this.channelsWith(peer)) this.apply(key, { type: 'connected' })
  }

  onPeerDisconnected(peer: string): void {
    for (const key of this.channelsWith(peer)) this.apply(key, { type: 'disconnected' })
  }

  onBlock(height: number): void {
    for (const [key, r] of this.channels) if (r.data.state !== 'CLOSED') this.apply(key, { type: 'block', height })
  }

  onTxConfirmed(key: string, txid: string, blockHeight: number, txIndex: number): void {
    if (this.channels.has(key)) this.apply(key, { type: 'tx_confirmed', txid, blockHeight, txIndex })
  }

  onOutputSpent(key: string, outpoint: OutPoint, tx: Transaction, blockHeight: number, spendingTxid: string): void {
    if (!this.channels.has(key)) return
    const revoked = this.deps.revocations.get(spendingTxid)
    this.apply(key, {
      type: 'output_spent',
      outpoint,
      tx,
      blockHeight,
      ...(revoked && revoked.channel === key ? { revokedIndex: revoked.index } : {}),
    })
  }
}

/** Opening states that wait for the peer's next message. */
const WAITING_FOR_PEER: ReadonlySet<ChannelData['state']> = new Set([
  'WAIT_FOR_OPEN_CHANNEL',
  'WAIT_FOR_ACCEPT_CHANNEL',
  'WAIT_FOR_FUNDING_CREATED',
  'WAIT_FOR_FUNDING_SIGNED',
])

/** An opening given up before its funding confirmed: nothing of it is on chain. */
function isAbortedOpening(data: ChannelData): boolean {
  return data.state === 'CLOSED' && data.how === 'aborted'
}

/**
 * A channel the peer opened to us that is not confirmed yet: from its
 * open_channel until its funding is deep enough, connected or not.
 */
export function isPendingIncoming(data: ChannelData): boolean {
  const d = data.state === 'OFFLINE' || data.state === 'SYNCING' ? data.prior : data
  if (d.state === 'WAIT_FOR_OPEN_CHANNEL' || d.state === 'WAIT_FOR_FUNDING_CREATED') return true
  return d.state === 'WAIT_FOR_FUNDING_CONFIRMED' && !d.commitments.localParams.isFunder
}

function inputName(input: ChannelInput): string {
  if (input.type === 'message') return input.message.type
  if (input.type === 'command') return input.command.type
  return input.type
}
