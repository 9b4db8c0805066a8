/**
 * Test-only (a node started with --testing): keeps each channel's previous
 * signed commitment, and its HTLC transactions, so a scenario can make this
 * node cheat by broadcasting a state it already revoked — as Core Lightning's
 * penalty tests do. Never active in a normal run.
 */
import { toHex } from '../../core/bytes.js'
import type { Transaction, WitnessSignature } from '../../chain/transaction.js'
import { signedLocalCommitTx } from '../../channel/closing.js'
import type { HtlcTx } from '../../channel/htlcTx.js'
import { htlcTxClaim, signedHolderHtlcTxs } from '../../channel/secondStage.js'
import type { ChannelSigner } from '../../channel/signer.js'
import { commitmentsOf, type ChannelData } from '../../channel/states.js'
import type { KvLog } from '../store/durableStore.js'
import { NodeError } from '../errors.js'

export interface SignedCommitment {
  index: bigint
  tx: Transaction
  /** its HTLC transactions with both signatures (an HTLC-success gets its preimage when the node cheats) */
  htlcTxs?: Array<{ htlcTx: HtlcTx; signatures: WitnessSignature[] }>
}

export interface CheatState {
  current?: SignedCommitment
  previous?: SignedCommitment
}

/** What a cheat broadcasts: the revoked commitment, then each HTLC transaction from the height it is valid. */
export interface Cheat {
  index: bigint
  tx: Transaction
  htlcTxs: Array<{ tx: Transaction; txid: string; label: string; validFromHeight: number }>
}

export class CheatRecorder {
  constructor(
    private readonly store: KvLog<CheatState>,
    private readonly signer: ChannelSigner,
    /** preimages the node knows, by payment hash in hex: what its HTLC-success transactions need */
    private readonly preimages: { get(paymentHashHex: string): Uint8Array | undefined },
  ) {}

  /** Called after every step of a channel. */
  observe(channel: string, data: ChannelData): void {
    const c = commitmentsOf(data)
    if (!c || data.state === 'CLOSING' || data.state === 'CLOSED') return
    const state = this.store.get(channel) ?? {}
    if (state.current?.index === c.localCommit.index) return
    this.store.set(channel, {
      previous: state.current,
      current: {
        index: c.localCommit.index,
        tx: signedLocalCommitTx(c, this.signer),
        htlcTxs: signedHolderHtlcTxs(c, this.signer),
      },
    })
  }

  /** The revoked commitment to broadcast, with the HTLC transactions this node can complete. */
  revokedCommitment(channel: string): Cheat {
    const prev = this.store.get(channel)?.previous
    if (!prev)
      throw new NodeError('NOTHING_TO_CHEAT_WITH', 'this channel has no revoked commitment yet: make a payment first')
    const htlcTxs = (prev.htlcTxs ?? []).flatMap((s) => {
      const claim = htlcTxClaim(s, this.preimages.get(toHex(s.htlcTx.htlc.paymentHash)))
      return claim
        ? [{ tx: claim.tx, txid: claim.txid, label: `${claim.kind} (cheat)`, validFromHeight: claim.validFromHeight }]
        : []
    })
    return { index: prev.index, tx: prev.tx, htlcTxs }
  }
}
