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
import { DEFAULT_HELD_HTLC_MS, HtlcLocks } from '../../api/run/htlcLocks.js'

export { DEFAULT_HELD_HTLC_MS }

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

interface Fees {
  paidMsat: bigint
  earnedMsat: bigint
}

/** What a ledger needs from the network at the end: who funded which channel, and each transaction's fee. */
export interface LedgerSources {
  channels: readonly { channelId: string; from: string }[]
  transactionFeeSat(txid: string): Promise<bigint | null>
}

const FUNDER_PAYS = new Set(['funding', 'commitment', 'mutual close'])

export class CostLedger {
  private readonly fees = new Map<string, Fees>()
  private readonly locks: HtlcLocks
  /** txid → who broadcast it, with its channel and label */
  private readonly broadcasts = new Map<string, { node: string; channelId: string | null; label: string }>()

  constructor(heldMs = DEFAULT_HELD_HTLC_MS) {
    this.locks = new HtlcLocks((e) => e.alias, heldMs)
  }

  private feesOf(node: string): Fees {
    let f = this.fees.get(node)
    if (!f) this.fees.set(node, (f = { paidMsat: 0n, earnedMsat: 0n }))
    return f
  }

  onEvent(e: NetworkEvent): void {
    this.locks.onEvent(e)
    switch (e.type) {
      case 'payment_sent':
        this.feesOf(e.alias).paidMsat += e.feeMsat
        return
      case 'htlc_forwarded':
        if (e.status === 'settled') this.feesOf(e.alias).earnedMsat += e.feeMsat
        return
      case 'onchain':
        if (!this.broadcasts.has(e.txid))
          this.broadcasts.set(e.txid, { node: e.alias, channelId: e.channelId, label: e.label })
        return
      default:
        return
    }
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
      const locks = this.locks.totals(name, now)
      const fees = this.feesOf(name)
      return {
        name,
        feesPaidMsat: fees.paidMsat,
        feesEarnedMsat: fees.earnedMsat,
        onchainFeesSat: onchain.get(name) ?? 0n,
        htlcsOffered: locks.offered,
        htlcsSettled: locks.settled,
        htlcsFailed: locks.failed,
        htlcsHeld: locks.held,
        peakHtlcsInFlight: locks.peak,
        lockedMsatSeconds: locks.lockedMsatMs / 1000n,
        lockedMsatBlocks: locks.lockedMsatBlocks,
      }
    })
  }
}
