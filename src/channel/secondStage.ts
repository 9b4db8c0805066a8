/**
 * The second stage of a unilateral close (BOLT #5): on our own commitment, each
 * HTLC output is taken by its HTLC-timeout transaction (from cltv_expiry on) or
 * its HTLC-success transaction (once we know the preimage), both signed by the
 * peer in advance; the output of either is ours only after `to_self_delay`
 * (the delay the peer imposed), when we sweep it. On a revoked commitment of the
 * peer's, an HTLC transaction the cheater got mined leaves an output the
 * revocation key takes at once.
 */
import { toHex } from '../core/bytes.js'
import type { Condition } from '../chain/condition.js'
import { sighash, txid as txidOf, type Transaction, type WitnessSignature } from '../chain/transaction.js'
import { derivePrivateKey } from '../crypto/keyDerivation.js'
import { signDigest } from '../crypto/secp256k1.js'
import { buildSweep, type Claim, type ClaimKind } from './claims.js'
import { buildLocalHtlcTxs, type Commitments } from './commitments.js'
import { withHtlcTxWitness, type HtlcTx } from './htlcTx.js'
import type { ChannelSigner } from './signer.js'
import { planSpend, type SpendMaterial } from './spendPlan.js'

/** One of our HTLC transactions with both signatures; an HTLC-success still needs its preimage (withHtlcTxWitness). */
export interface SignedHtlcTx {
  htlcTx: HtlcTx
  signatures: WitnessSignature[]
}

/** Our latest commitment's HTLC transactions, each with our signature and the one the peer sent for it. */
export function signedHolderHtlcTxs(c: Commitments, signer: ChannelSigner): SignedHtlcTx[] {
  const { commitTx, htlcTxs, keys } = buildLocalHtlcTxs(c, c.localCommit.index, c.localCommit.spec, signer)
  if (commitTx.txid !== c.localCommit.txid) throw new Error('BUG: our rebuilt commitment differs from the signed one')
  if (htlcTxs.length === 0) return []
  const secrets = signer.channel(c.localParams.keysId).secrets
  const htlcKey = derivePrivateKey(
    secrets.htlcBasepointSecret,
    keys.perCommitmentPoint,
    secrets.basepoints.htlcBasepoint,
  )
  return htlcTxs.flatMap((htlcTx, i) => {
    const theirs = c.localCommit.htlcSigs[i]
    // a state written before commitments carried HTLC signatures has none: no second stage for it
    if (!theirs) return []
    const ours = signDigest(sighash(htlcTx.tx, 0, htlcTx.spent), htlcKey)
    const signatures = [
      { pubkey: keys.ownerHtlcPubkey, signature: ours },
      { pubkey: keys.otherHtlcPubkey, signature: theirs },
    ]
    return [{ htlcTx, signatures }]
  })
}

/** A signed HTLC transaction as a claim: an HTLC-success only with its preimage. */
export function htlcTxClaim(s: SignedHtlcTx, preimage: Uint8Array | undefined): Claim | undefined {
  if (s.htlcTx.kind === 'htlc_success' && !preimage) return undefined
  const tx = withHtlcTxWitness(s.htlcTx, s.signatures, s.htlcTx.kind === 'htlc_success' ? preimage : undefined)
  return {
    kind: s.htlcTx.kind,
    tx,
    txid: txidOf(tx),
    spends: [s.htlcTx.spends],
    amountSat: tx.outputs[0]!.value,
    // a transaction with lockTime L can be mined from block L + 1 on
    validFromHeight: tx.lockTime > 0 ? tx.lockTime + 1 : 0,
    relativeDelay: 0,
  }
}

/**
 * Our HTLC transactions for our latest commitment, fully signed: every HTLC-timeout, and the HTLC-success of each
 * HTLC whose preimage we hold. The peer's signatures are those of its last commitment_signed.
 */
export function holderHtlcClaims(
  c: Commitments,
  signer: ChannelSigner,
  preimages: ReadonlyMap<string, Uint8Array>,
): Claim[] {
  return signedHolderHtlcTxs(c, signer).flatMap((s) => {
    const claim = htlcTxClaim(s, preimages.get(toHex(s.htlcTx.htlc.paymentHash)))
    return claim ? [claim] : []
  })
}

/**
 * Claims for the outputs of a mined second-stage transaction: ours after the delay (`htlc_delayed`) or, on a revoked
 * commitment, the cheater's at once with the revocation key (`penalty`). Each is valid from `minedAt` plus its
 * relative delay.
 */
export function secondStageOutputClaims(
  tx: Transaction,
  minedAt: number,
  material: SpendMaterial,
  destination: Condition,
  feeratePerKw: number,
  kind: Extract<ClaimKind, 'htlc_delayed' | 'penalty'>,
): Claim[] {
  const txid = txidOf(tx)
  return tx.outputs.flatMap((output, vout) => {
    const plan = planSpend(output.condition, material)
    if (!plan || (kind === 'penalty' && plan.relativeDelay > 0)) return []
    const claim = buildSweep(kind, [{ outpoint: { txid, vout }, output, plan }], destination, feeratePerKw)
    return claim ? [{ ...claim, validFromHeight: Math.max(claim.validFromHeight, minedAt + claim.relativeDelay) }] : []
  })
}
