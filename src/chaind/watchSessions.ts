/**
 * The chain's watching sessions (the watch contract is src/api/chain/watchTypes.ts).
 * Each session is one open watch stream; what it watches is indexed by item
 * (txid → sessions, outpoint → sessions), so a new block costs one look-up per
 * transaction and input, whatever the number of sessions, and each session is
 * sent the block's shared text with its own few matches. A session lives as
 * long as its stream: a client that reconnects registers again, from the last
 * block it processed, and is caught up the same way.
 */
import { randomUUID } from 'node:crypto'
import type { ChainState, ConnectedBlock } from '../chain/chainState.js'
import { isCoinbase, outpointKey, type OutPoint } from '../chain/transaction.js'
import { transactionToJson, type TransactionJson } from '../chain/transactionJson.js'
import { LnsimError } from '../core/errors.js'
import { toJson } from '../core/json.js'
import { RawJson } from '../api/http/rawJson.js'
import type { EventStream } from '../api/http/route.js'
import type { WatchItems, WatchReorgEvent, WatchResponse, WatchSessionEvent } from '../api/chain/watchTypes.js'
import type { BlockDigests } from './blockDigests.js'
import type { Feerate } from '../api/chain/types.js'
import { FeeEstimate } from './feeEstimate.js'

/** Blocks a catching-up session is sent in one go, before the chain lets other work run. */
export const CATCH_UP_SLICE_BLOCKS = 200
/** A catching-up session gets its next slice once it has left fewer bytes than this unread. */
export const CATCH_UP_MAX_UNSENT_BYTES = 512 * 1024
const CATCH_UP_RECHECK_MS = 20

interface Session {
  id: string
  send: (event: string, data: unknown) => void
  unsentBytes: () => number
  txids: Set<string>
  outpoints: Map<string, OutPoint>
  /** the highest block sent, or to be sent by the catch-up under way; undefined before the first registration */
  sentHeight: number | undefined
  /** blocks are sent as they are mined (the catch-up is done) */
  live: boolean
  closed: boolean
}

interface JsonMatch {
  height: number
  txIndex: number
  txid: string
  tx: TransactionJson
}

export class WatchSessions {
  private readonly sessions = new Map<string, Session>()
  private readonly byTxid = new Map<string, Set<Session>>()
  private readonly byOutpoint = new Map<string, Set<Session>>()

  constructor(
    private readonly state: ChainState,
    private readonly digests: BlockDigests,
    private readonly feeEstimate: FeeEstimate = new FeeEstimate(),
  ) {
    state.onBlock((b) => this.onBlock(b))
    // nodes follow the estimate on the stream they already hold, instead of polling for it
    feeEstimate.onChange((satPerKw) => {
      for (const session of this.sessions.values()) session.send('feerate', { satPerKw } satisfies Feerate)
    })
    state.onReorg((r) => this.onReorg(r.forkHeight))
  }

  /**
   * Blocks a session was sent were replaced: it hears where the branches part and is closed, since what it watched
   * was matched (and forgotten) in blocks that no longer are. The client registers again, from the fork, with all it
   * watches.
   */
  private onReorg(forkHeight: number): void {
    for (const session of [...this.sessions.values()]) {
      if (session.sentHeight === undefined || session.sentHeight <= forkHeight) continue
      session.send('reorg', { forkHeight } satisfies WatchReorgEvent)
      this.close(session)
    }
  }

  get size(): number {
    return this.sessions.size
  }

  /** The watch stream (GET /v1/watch/events). */
  stream(): EventStream {
    return {
      path: '/v1/watch/events',
      open: (send, _query, unsentBytes) => {
        const session: Session = {
          id: randomUUID(),
          send,
          unsentBytes,
          txids: new Set(),
          outpoints: new Map(),
          sentHeight: undefined,
          live: false,
          closed: false,
        }
        this.sessions.set(session.id, session)
        send('session', {
          id: session.id,
          height: this.state.height,
          hash: this.state.tip.hash,
        } satisfies WatchSessionEvent)
        send('feerate', { satPerKw: this.feeEstimate.satPerKw } satisfies Feerate)
        return () => this.close(session)
      },
    }
  }

  /** POST /v1/watch/:session: adds items; the first request also says where the session's blocks start. */
  register(id: string, request: { from?: number | undefined; add: WatchItems }): WatchResponse & { height: number } {
    const session = this.sessions.get(id)
    if (!session)
      throw new LnsimError(
        'UNKNOWN_WATCH_SESSION',
        `no watch session ${id}: its stream has closed; open /v1/watch/events again and register there`,
        { session: id },
      )
    const first = session.sentHeight === undefined
    if (first && request.from === undefined)
      throw new LnsimError(
        'WATCH_FROM_REQUIRED',
        'the first watch request of a session says `from`: the last block height the client has processed',
        { field: 'from' },
      )
    if (request.from !== undefined && request.from > this.state.height)
      throw new LnsimError(
        'WATCH_FROM_AHEAD',
        `from ${request.from} is above the chain's height ${this.state.height}: this is not the chain the client knew`,
        { field: 'from' },
      )
    const base = first ? request.from! : session.sentHeight!
    const matches: JsonMatch[] = []
    for (const txid of request.add.txids) {
      const t = this.state.transaction(txid)
      if (t?.status === 'confirmed' && t.blockHeight <= base)
        matches.push({ height: t.blockHeight, txIndex: t.position, txid, tx: transactionToJson(t.tx) })
      else this.index(this.byTxid, txid, session, () => session.txids.add(txid))
    }
    for (const outpoint of request.add.outpoints) {
      const spender = this.state.spenderOf(outpoint)
      const t = spender && spender.height !== null && spender.height <= base && this.state.transaction(spender.txid)
      if (t && t.status === 'confirmed')
        matches.push({ height: t.blockHeight, txIndex: t.position, txid: t.txid, tx: transactionToJson(t.tx) })
      else {
        const key = outpointKey(outpoint)
        this.index(this.byOutpoint, key, session, () => session.outpoints.set(key, outpoint))
      }
    }
    if (first) {
      session.sentHeight = this.state.height
      this.catchUp(session, base + 1)
    }
    matches.sort((a, b) => a.height - b.height || a.txIndex - b.txIndex)
    return { height: base, matches: dedupe(matches) as unknown as WatchResponse['matches'] }
  }

  private index<K>(map: Map<K, Set<Session>>, key: K, session: Session, add: () => void): void {
    let set = map.get(key)
    if (!set) map.set(key, (set = new Set()))
    set.add(session)
    add()
  }

  private unindex<K>(map: Map<K, Set<Session>>, key: K, session: Session): void {
    const set = map.get(key)
    if (!set) return
    set.delete(session)
    if (set.size === 0) map.delete(key)
  }

  private close(session: Session): void {
    session.closed = true
    this.sessions.delete(session.id)
    for (const txid of session.txids) this.unindex(this.byTxid, txid, session)
    for (const key of session.outpoints.keys()) this.unindex(this.byOutpoint, key, session)
  }

  /** Sends blocks from `height` to the tip, a slice at a time, then lets the session take blocks as they come. */
  private catchUp(session: Session, height: number): void {
    let next = height
    const step = (): void => {
      if (session.closed) return
      if (session.unsentBytes() > CATCH_UP_MAX_UNSENT_BYTES) return void setTimeout(step, CATCH_UP_RECHECK_MS)
      const end = Math.min(this.state.height, next + CATCH_UP_SLICE_BLOCKS - 1)
      for (; next <= end; next++) this.sendOwnBlock(session, next)
      session.sentHeight = Math.max(session.sentHeight ?? 0, next - 1)
      if (next > this.state.height) session.live = true
      else setTimeout(step, 0)
    }
    step()
  }

  /** One block for one session, its matches found by going through the block (a catch-up). */
  private sendOwnBlock(session: Session, height: number): void {
    const block = this.state.block(height)!
    const text = this.digests.of(block)
    const matches: JsonMatch[] = []
    block.txs.forEach((tx, txIndex) => {
      const txid = text.txids[txIndex]!
      let hit = session.txids.delete(txid)
      if (hit) this.unindex(this.byTxid, txid, session)
      if (!isCoinbase(tx))
        for (const input of tx.inputs) {
          const key = outpointKey(input.prevout)
          if (session.outpoints.delete(key)) {
            this.unindex(this.byOutpoint, key, session)
            hit = true
          }
        }
      if (hit) matches.push({ height, txIndex, txid, tx: transactionToJson(tx) })
    })
    session.send('block', new RawJson(`${text.watchEventStart}${toJson(matches)}}`))
  }

  /** A new block: each live session gets the shared text and its own matches, found through the index. */
  private onBlock(b: ConnectedBlock): void {
    if (this.sessions.size === 0) return
    const height = b.block.height
    const text = this.digests.of(b.block, b.txids)
    const perSession = new Map<Session, JsonMatch[]>()
    const txJson = new Map<number, TransactionJson>()
    const hit = (session: Session, txIndex: number): void => {
      if (!session.live) return
      const list = perSession.get(session) ?? []
      if (list.at(-1)?.txIndex === txIndex) return
      let tx = txJson.get(txIndex)
      if (!tx) txJson.set(txIndex, (tx = transactionToJson(b.block.txs[txIndex]!)))
      list.push({ height, txIndex, txid: b.txids[txIndex]!, tx })
      perSession.set(session, list)
    }
    b.block.txs.forEach((tx, txIndex) => {
      const txid = b.txids[txIndex]!
      for (const session of this.byTxid.get(txid) ?? []) {
        if (!session.live) continue
        session.txids.delete(txid)
        this.unindex(this.byTxid, txid, session)
        hit(session, txIndex)
      }
      for (const input of tx.inputs) {
        const key = outpointKey(input.prevout)
        for (const session of this.byOutpoint.get(key) ?? []) {
          if (!session.live) continue
          session.outpoints.delete(key)
          this.unindex(this.byOutpoint, key, session)
          hit(session, txIndex)
        }
      }
    })
    const none = new RawJson(`${text.watchEventStart}[]}`)
    for (const session of this.sessions.values()) {
      if (!session.live) continue
      const matches = perSession.get(session)
      session.send('block', matches ? new RawJson(`${text.watchEventStart}${toJson(matches)}}`) : none)
      session.sentHeight = height
    }
  }
}

function dedupe(matches: JsonMatch[]): JsonMatch[] {
  return matches.filter((m, i) => i === 0 || m.txid !== matches[i - 1]!.txid)
}
