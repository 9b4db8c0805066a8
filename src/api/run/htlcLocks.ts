/**
 * What a node's offered HTLCs lock, read from its events: an HTLC a node adds
 * on a channel holds that much of its balance until it settles or fails, which
 * is what a jamming attack costs its victims and what reputation schemes price.
 * The runner's cost ledger and the dashboard read the same tally.
 */
import type { RunEvent } from './events.js'

/**
 * An outgoing HTLC in flight this long or longer counts as held: far beyond a payment's round trip on a local network
 * (under a second), well within the seconds a slow jam holds one. @default 5000
 */
export const DEFAULT_HELD_HTLC_MS = 5_000

export interface HtlcLockTotals {
  /** HTLCs the node offered on its channels (its own payments' and the ones it forwarded) */
  offered: number
  settled: number
  failed: number
  /** offered HTLCs in flight `heldMs` or longer (or still in flight) */
  held: number
  /** the most offered HTLCs in flight at once */
  peak: number
  /** offered HTLCs in flight now */
  inFlight: number
  /** Σ amount × time in flight, msat × ms */
  lockedMsatMs: bigint
  /** Σ amount × blocks mined while in flight, msat × blocks */
  lockedMsatBlocks: bigint
}

interface Open {
  amountMsat: bigint
  since: number
  height: number
}

interface Tally {
  offered: number
  settled: number
  failed: number
  held: number
  peak: number
  open: Map<string, Open>
  lockedMsatMs: bigint
  lockedMsatBlocks: bigint
}

type HtlcEvent = Extract<RunEvent, { type: 'htlc_added' | 'htlc_settled' | 'htlc_failed' | 'chain_block' }>

export class HtlcLocks {
  private readonly tallies = new Map<string, Tally>()
  private height = 0

  /** `nodeKey` names the node an event is about (its alias for the runner, its id for the dashboard). */
  constructor(
    private readonly nodeKey: (e: Exclude<HtlcEvent, { type: 'chain_block' }>) => string,
    private readonly heldMs = DEFAULT_HELD_HTLC_MS,
  ) {}

  private tally(node: string): Tally {
    let t = this.tallies.get(node)
    if (!t) {
      t = {
        offered: 0,
        settled: 0,
        failed: 0,
        held: 0,
        peak: 0,
        open: new Map(),
        lockedMsatMs: 0n,
        lockedMsatBlocks: 0n,
      }
      this.tallies.set(node, t)
    }
    return t
  }

  /** Takes any event; returns the node whose totals changed, if any. */
  onEvent(e: RunEvent): string | undefined {
    if (e.type === 'chain_block') {
      this.height = Math.max(this.height, e.height)
      return undefined
    }
    if (e.type !== 'htlc_added' && e.type !== 'htlc_settled' && e.type !== 'htlc_failed') return undefined
    if (e.direction !== 'outgoing') return undefined
    const node = this.nodeKey(e)
    const t = this.tally(node)
    const key = `${e.channelId}:${e.htlcId}`
    if (e.type === 'htlc_added') {
      t.offered++
      t.open.set(key, { amountMsat: e.amountMsat, since: e.time, height: this.height })
      t.peak = Math.max(t.peak, t.open.size)
      return node
    }
    const open = t.open.get(key)
    if (!open) return undefined
    t.open.delete(key)
    if (e.type === 'htlc_settled') t.settled++
    else t.failed++
    const ms = Math.max(0, e.time - open.since)
    if (ms >= this.heldMs) t.held++
    t.lockedMsatMs += open.amountMsat * BigInt(Math.round(ms))
    t.lockedMsatBlocks += open.amountMsat * BigInt(Math.max(0, this.height - open.height))
    return node
  }

  /** The node's totals at `now` (HTLCs still in flight count as locked until then, and as held). */
  totals(node: string, now: number): HtlcLockTotals {
    const t = this.tally(node)
    let lockedMsatMs = t.lockedMsatMs
    let lockedMsatBlocks = t.lockedMsatBlocks
    for (const open of t.open.values()) {
      lockedMsatMs += open.amountMsat * BigInt(Math.max(0, Math.round(now - open.since)))
      lockedMsatBlocks += open.amountMsat * BigInt(Math.max(0, this.height - open.height))
    }
    return {
      offered: t.offered,
      settled: t.settled,
      failed: t.failed,
      held: t.held + t.open.size,
      peak: t.peak,
      inFlight: t.open.size,
      lockedMsatMs,
      lockedMsatBlocks,
    }
  }
}
