/**
 * The client end of the chain's watch contract (watchTypes.ts): keeps a watch
 * stream open, registers everything its owner watches on each new session
 * (from the last block the owner processed, so a reconnect or a restart
 * catches up the same way), sends what is added later in small batches, and
 * hands over blocks in order with only their matching transactions.
 *
 *   const watch = new ChainWatch(client, { from, watched, onBlock, onEarlierMatches }, signal)
 *   watch.add({ txids: [fundingTxid] })
 */
import { ChainClientError, type ChainClient } from './client.js'
import {
  FilteredBlockEvent,
  WatchReorgEvent,
  WatchSessionEvent,
  type FilteredBlock,
  type WatchItems,
  type WatchMatch,
} from './watchTypes.js'
import { Feerate } from './types.js'
import { DEFAULT_BACKOFF, backoffDelay, waitOrAbort } from '../http/backoff.js'
import { parseWith } from '../../chain/transactionJson.js'

export interface ChainWatchHandlers {
  /** the last block height the owner has processed: a new session sends every block above it first */
  from(): number
  /** everything watched now, registered again on every new session */
  watched(): { txids: Iterable<string>; outpoints: Iterable<{ txid: string; vout: number }> }
  /** each block in height order, with the transactions that match */
  onBlock(block: FilteredBlock): void
  /** matches of items added later, in blocks the session had already sent */
  onEarlierMatches(matches: WatchMatch[]): void
  /** the chain's height when a session opened */
  onTip?(height: number): void
  /**
   * blocks above `forkHeight` were replaced (a reorganization): the owner rewinds to it (and from() says so) before
   * the new session sends the new blocks
   */
  onReorg?(forkHeight: number): void
  /** the chain's fee-rate estimate (sat/kw): when a session opens, and at each change */
  onFeerate?(satPerKw: number): void
  /** a dropped stream, a failed request, a throw from a handler: the watch goes on */
  onError?(err: unknown): void
}

/**
 * How long additions wait to be sent together: a node opening channels adds a few items per channel, one effect at a
 * time, and one request carries them all.
 */
export const WATCH_ADD_BATCH_MS = 25

interface Session {
  id: string
  /** registration answered: additions go straight to it */
  registered: boolean
  /** the connection carrying it; aborting it opens a new session */
  connection: AbortController
}

export class ChainWatch {
  private session: Session | undefined
  private queued: { txids: Set<string>; outpoints: Map<string, { txid: string; vout: number }> } = empty()
  /** callers of add() waiting for the chain to hold what they added */
  private waiting: Array<() => void> = []
  private flushTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly client: ChainClient,
    private readonly handlers: ChainWatchHandlers,
    private readonly signal: AbortSignal,
  ) {
    void this.run()
  }

  /**
   * Watches more; sent with others added at about the same time, or registered with the next session. Resolves once
   * the chain holds them: a transaction broadcast after that is sure to come back with its block.
   */
  add(items: Partial<WatchItems>): Promise<void> {
    for (const t of items.txids ?? []) this.queued.txids.add(t)
    for (const o of items.outpoints ?? []) this.queued.outpoints.set(`${o.txid}:${o.vout}`, o)
    if (this.session?.registered) this.flushTimer ??= setTimeout(() => void this.flush(), WATCH_ADD_BATCH_MS)
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  /** Drops the session and opens another, which starts again from the owner's last processed block. */
  resync(): void {
    this.session?.connection.abort()
  }

  private async run(): Promise<void> {
    let attempt = 0
    while (!this.signal.aborted) {
      const connection = new AbortController()
      const onAbort = (): void => connection.abort()
      this.signal.addEventListener('abort', onAbort, { once: true })
      try {
        await this.client.readEventStream('/v1/watch/events', connection.signal, (name, data) => {
          attempt = 0
          try {
            this.onEvent(name, data, connection)
          } catch (err) {
            this.handlers.onError?.(err)
          }
        })
      } catch (err) {
        if (!connection.signal.aborted) this.handlers.onError?.(err)
      } finally {
        this.signal.removeEventListener('abort', onAbort)
      }
      this.session = undefined
      if (this.signal.aborted) break
      await waitOrAbort(backoffDelay(attempt++, DEFAULT_BACKOFF), this.signal)
    }
    clearTimeout(this.flushTimer)
  }

  private onEvent(name: string, data: string, connection: AbortController): void {
    if (name === 'session') {
      const opened = parseWith(WatchSessionEvent, JSON.parse(data), 'the watch session event', 'BAD_RESPONSE')
      this.session = { id: opened.id, registered: false, connection }
      this.handlers.onTip?.(opened.height)
      void this.register(this.session)
    } else if (name === 'block') {
      if (this.session?.connection !== connection) return
      this.handlers.onBlock(parseWith(FilteredBlockEvent, JSON.parse(data), 'a watched block', 'BAD_RESPONSE'))
    } else if (name === 'feerate') {
      if (this.session?.connection !== connection) return
      this.handlers.onFeerate?.(parseWith(Feerate, JSON.parse(data), 'the fee-rate event', 'BAD_RESPONSE').satPerKw)
    } else if (name === 'reorg') {
      const r = parseWith(WatchReorgEvent, JSON.parse(data), 'the reorganization event', 'BAD_RESPONSE')
      // nothing more from this session: what it watched was matched in blocks that no longer are
      this.session = undefined
      connection.abort()
      this.handlers.onReorg?.(r.forkHeight)
    }
  }

  private async register(session: Session): Promise<void> {
    // everything queued so far is in watched(); what is added from now on is sent once registration is answered
    this.queued = empty()
    const waiting = this.takeWaiting()
    const watched = this.handlers.watched()
    const add = { txids: [...watched.txids], outpoints: [...watched.outpoints] }
    try {
      const r = await this.client.watchOn(
        session.id,
        { from: this.handlers.from(), add },
        { signal: session.connection.signal },
      )
      if (this.session !== session) return this.waitAgain(waiting)
      session.registered = true
      if (r.matches.length > 0) this.handlers.onEarlierMatches(r.matches)
      for (const done of waiting) done()
      await this.flush()
    } catch (err) {
      this.waitAgain(waiting)
      this.failed(session, err)
    }
  }

  private takeWaiting(): Array<() => void> {
    const waiting = this.waiting
    this.waiting = []
    return waiting
  }

  /** Callers whose items were in a request the chain did not take: the next session's registration holds them. */
  private waitAgain(waiting: Array<() => void>): void {
    this.waiting.unshift(...waiting)
  }

  private async flush(): Promise<void> {
    clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    const session = this.session
    if (!session?.registered || (this.queued.txids.size === 0 && this.queued.outpoints.size === 0)) return
    const add = { txids: [...this.queued.txids], outpoints: [...this.queued.outpoints.values()] }
    this.queued = empty()
    const waiting = this.takeWaiting()
    try {
      const r = await this.client.watchOn(session.id, { add }, { signal: session.connection.signal })
      if (r.matches.length > 0) this.handlers.onEarlierMatches(r.matches)
      for (const done of waiting) done()
    } catch (err) {
      this.waitAgain(waiting)
      this.failed(session, err)
    }
  }

  /** A registration the chain did not take: a new session registers everything again. */
  private failed(session: Session, err: unknown): void {
    if (session.connection.signal.aborted) return
    if (!(err instanceof ChainClientError && err.code === 'UNKNOWN_WATCH_SESSION')) this.handlers.onError?.(err)
    session.connection.abort()
  }
}

function empty(): { txids: Set<string>; outpoints: Map<string, { txid: string; vout: number }> } {
  return { txids: new Set(), outpoints: new Map() }
}
