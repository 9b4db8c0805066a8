/**
 * What the run cost and earned each node, from the events it sent as they
 * happened: routing fees paid and earned, on-chain fees, and the capital its
 * outgoing HTLCs locked, in msat × seconds and msat × blocks (an HTLC a node
 * offers locks that much of its balance until it settles or fails, which is
 * what a jamming attack costs its victims and what reputation schemes price).
 * On-chain fees are read from the chain at the end, for every transaction a
 * node broadcast: a funding, commitment or mutual close transaction's fee is
 * the channel funder's (BOLT #2, #3), any other's the broadcaster's.
 */
import type { Msat } from '../../core/amount.js'
import type { NetworkEvent } from '../network/observer.js'

/**
 * An outgoing HTLC in flight this long or longer counts as held: far beyond a payment's round trip on a local network
 * (under a second), well within the seconds a slow jam holds one. @default 5000
 */
export const DEFAULT_HELD_HTLC_MS = 5_000

export interface NodeLedger {
  name: string
  feesPaidMsat: Msat
  feesEarnedMsat: Msat
  /** fees of the on-chain transactions the node paid for, in sat */
  onchainFeesSat: bigint
  /** HTLCs the node offered on its channels (its own payments' and the ones it forwarded) */
  htlcsOffered: number
  htlcsSettled: number
  htlcsFailed: number
  /** offered HTLCs in flight DEFAULT_HELD_HTLC_MS or longer (or still in flight at the end) */
  htlcsHeld: number
  /** the most offered HTLCs in flight at once */
  peakHtlcsInFlight: number
  /** Σ amount × time in flight of its offered HTLCs, msat × s (rounded down) */
  lockedMsatSeconds: bigint
  /** Σ amount × blocks mined while in flight, msat × blocks */
  lockedMsatBlocks: bigint
}

interface Open {
  amountMsat: bigint
  since: number
  height: number
}

interface NodeTally {
  feesPaidMsat: bigint
  feesEarnedMsat: bigint
  offered: number
  settled: number
  failed: number
  held: number
  peak: number
  open: Map<string, Open>
  /** msat × ms */
  lockedMsatMs: bigint
  lockedMsatBlocks: bigint
}

/** What a ledger needs from the network at the end: who funded which channel, and each transaction's fee. */
export interface LedgerSources {
  channels: readonly { channelId: string; from: string }[]
  transactionFeeSat(txid: string): Promise<bigint | null>
}

const FUNDER_PAYS = new Set(['funding', 'commitment', 'mutual close'])

export class CostLedger {
  private readonly tallies = new Map<string, NodeTally>()
  /** txid → who broadcast it, with its channel and label */
  private readonly broadcasts = new Map<string, { node: string; channelId: string | null; label: string }>()
  private height = 0

  constructor(private readonly heldMs = DEFAULT_HELD_HTLC_MS) {}

  private tally(node: string): NodeTally {
    let t = this.tallies.get(node)
    if (!t) {
      t = {
        feesPaidMsat: 0n,
        feesEarnedMsat: 0n,
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

  onEvent(e: NetworkEvent): void {
    switch (e.type) {
      case 'chain_block':
        this.height = Math.max(this.height, e.height)
        return
      case 'payment_sent':
        this.tally(e.alias).feesPaidMsat += e.feeMsat
        return
      case 'htlc_forwarded':
        if (e.status === 'settled') this.tally(e.alias).feesEarnedMsat += e.feeMsat
        return
      case 'onchain':
        if (!this.broadcasts.has(e.txid))
          this.broadcasts.set(e.txid, { node: e.alias, channelId: e.channelId, label: e.label })
        return
      case 'htlc_added': {
        if (e.direction !== 'outgoing') return
        const t = this.tally(e.alias)
        t.offered++
        t.open.set(`${e.channelId}:${e.htlcId}`, { amountMsat: e.amountMsat, since: e.time, height: this.height })
        t.peak = Math.max(t.peak, t.open.size)
        return
      }
      case 'htlc_settled':
      case 'htlc_failed': {
        if (e.direction !== 'outgoing') return
        const t = this.tally(e.alias)
        const key = `${e.channelId}:${e.htlcId}`
        const open = t.open.get(key)
        if (!open) return
        t.open.delete(key)
        if (e.type === 'htlc_settled') t.settled++
        else t.failed++
        this.close(t, open, e.time)
        return
      }
      default:
        return
    }
  }

  private close(t: NodeTally, open: Open, at: number): void {
    const ms = Math.max(0, at - open.since)
    if (ms >= this.heldMs) t.held++
    t.lockedMsatMs += open.amountMsat * BigInt(Math.round(ms))
    t.lockedMsatBlocks += open.amountMsat * BigInt(Math.max(0, this.height - open.height))
  }

  /** Each node's ledger now (HTLCs still in flight count as locked until `now`, and as held). */
  async ledgers(names: readonly string[], sources: LedgerSources, now = Date.now()): Promise<NodeLedger[]> {
    const funder = new Map(sources.channels.map((c) => [c.channelId, c.from]))
    const onchain = new Map<string, bigint>()
    for (const [txid, b] of this.broadcasts) {
      const payer = FUNDER_PAYS.has(b.label) && b.channelId ? (funder.get(b.channelId) ?? b.node) : b.node
      const fee = await sources.transactionFeeSat(txid).catch(() => null)
      if (fee !== null) onchain.set(payer, (onchain.get(payer) ?? 0n) + fee)
    }
    return names.map((name) => {
      const t = this.tally(name)
      let lockedMsatMs = t.lockedMsatMs
      let lockedMsatBlocks = t.lockedMsatBlocks
      let held = t.held
      for (const open of t.open.values()) {
        held++
        lockedMsatMs += open.amountMsat * BigInt(Math.max(0, Math.round(now - open.since)))
        lockedMsatBlocks += open.amountMsat * BigInt(Math.max(0, this.height - open.height))
      }
      return {
        name,
        feesPaidMsat: t.feesPaidMsat,
        feesEarnedMsat: t.feesEarnedMsat,
        onchainFeesSat: onchain.get(name) ?? 0n,
        htlcsOffered: t.offered,
        htlcsSettled: t.settled,
        htlcsFailed: t.failed,
        htlcsHeld: held,
        peakHtlcsInFlight: t.peak,
        lockedMsatSeconds: lockedMsatMs / 1000n,
        lockedMsatBlocks,
      }
    })
  }
}
