/**
 * BOLT #3 second-stage HTLC transactions: each untrimmed HTLC output of a
 * commitment is taken by its owner through an HTLC-timeout transaction (an HTLC
 * the owner offered, valid from cltv_expiry through nLockTime) or an
 * HTLC-success transaction (an HTLC the owner received, with the preimage). Both
 * spend the 2-of-2 branch of the HTLC output, so each needs the other side's
 * signature, sent in commitment_signed's `htlc_signatures`; and the other side
 * signs only this exact transaction, whose one output makes the owner wait
 * `to_self_delay` again, or lets the revocation key take it at once.
 */
import type { Sat } from '../core/amount.js'
import {
  sighash,
  txid as txidOf,
  type OutPoint,
  type Transaction,
  type TxOutput,
  type WitnessSignature,
} from '../chain/transaction.js'
import { signDigest, verifyDigest } from '../crypto/secp256k1.js'
import type { HtlcInSpec } from './commitmentSpec.js'
import type { CommitmentTx } from './commitmentTx.js'
import { HTLC_SUCCESS_WEIGHT, HTLC_TIMEOUT_WEIGHT } from './constants.js'
import { weightToFee } from './fees.js'
import type { CommitmentKeys } from './keys.js'
import { htlcTxOutputCondition } from './scripts.js'

export type HtlcTxKind = 'htlc_timeout' | 'htlc_success'

export interface HtlcTx {
  kind: HtlcTxKind
  /** the HTLC, as the commitment's owner sees it (outgoing: offered, timed out; incoming: received, fulfilled) */
  htlc: HtlcInSpec
  /** the commitment output it spends, and that output */
  spends: OutPoint
  spent: TxOutput
  /** unsigned: the witness is added by withHtlcTxWitness */
  tx: Transaction
  txid: string
  feeSat: Sat
}

/** BOLT #3: the fee of a second-stage transaction, at the commitment's feerate, out of the HTLC's amount. */
export function htlcTxFeeSat(kind: HtlcTxKind, feeratePerKw: number): Sat {
  return weightToFee(feeratePerKw, kind === 'htlc_timeout' ? HTLC_TIMEOUT_WEIGHT : HTLC_SUCCESS_WEIGHT)
}

/**
 * The HTLC transactions of a commitment, in the order of its HTLC outputs (the order of `htlc_signatures`). An
 * output too small to pay its own fee gets none: BOLT #3's trimming keeps such an HTLC out of the commitment, and
 * both sides skip it alike should one slip through, so the signatures still line up.
 */
export function buildHtlcTxs(
  commit: CommitmentTx,
  keys: CommitmentKeys,
  ownerToSelfDelay: number,
  feeratePerKw: number,
): HtlcTx[] {
  const out: HtlcTx[] = []
  commit.outputs.forEach((o, vout) => {
    if (o.kind !== 'offered_htlc' && o.kind !== 'received_htlc') return
    const kind: HtlcTxKind = o.kind === 'offered_htlc' ? 'htlc_timeout' : 'htlc_success'
    const feeSat = htlcTxFeeSat(kind, feeratePerKw)
    if (o.value <= feeSat) return
    const spends = { txid: commit.txid, vout }
    const tx: Transaction = {
      version: 2,
      lockTime: kind === 'htlc_timeout' ? o.htlc.cltvExpiry : 0,
      inputs: [{ prevout: spends, witness: { signatures: [], preimages: [] } }],
      outputs: [{ value: o.value - feeSat, condition: htlcTxOutputCondition(keys, ownerToSelfDelay) }],
    }
    out.push({ kind, htlc: o.htlc, spends, spent: commit.tx.outputs[vout]!, tx, txid: txidOf(tx), feeSat })
  })
  return out
}

export function signHtlcTx(h: HtlcTx, htlcPrivkey: Uint8Array): Uint8Array {
  return signDigest(sighash(h.tx, 0, h.spent), htlcPrivkey)
}

export function verifyHtlcTx(h: HtlcTx, signature: Uint8Array, htlcPubkey: Uint8Array): boolean {
  return verifyDigest(signature, sighash(h.tx, 0, h.spent), htlcPubkey)
}

/** Both HTLC signatures (and, for HTLC-success, the preimage) in the witness: ready to broadcast. */
export function withHtlcTxWitness(h: HtlcTx, signatures: WitnessSignature[], preimage?: Uint8Array): Transaction {
  return {
    ...h.tx,
    inputs: [{ prevout: h.spends, witness: { signatures, preimages: preimage ? [preimage] : [] } }],
  }
}
