/**
 * Transactions that take our money out of a commitment transaction once it is
 * on chain (BOLT #5 in spirit): our delayed to_local, our to_remote, the HTLCs
 * of the peer's commitment we take directly with a preimage or after their
 * timeout, and the penalty that sweeps every output of a revoked commitment
 * with the revocation key. The HTLC outputs of our own commitment go through
 * second-stage transactions (secondStage.ts).
 */
import type { Sat } from '../core/amount.js'
import { toHex } from '../core/bytes.js'
import type { Condition } from '../chain/condition.js'
import { signInput, txid, type OutPoint, type Transaction, type TxInput, type TxOutput } from '../chain/transaction.js'
import { sha256 } from '../crypto/hash.js'
import { deriveRevocationPrivateKey, derivePrivateKey } from '../crypto/keyDerivation.js'
import { publicKeyOf } from '../crypto/secp256k1.js'
import { SWEEP_TX_WEIGHT } from './constants.js'
import { weightToFee } from './fees.js'
import type { ChannelSecrets } from './keys.js'
import { planSpend, type SpendMaterial, type SpendPlan } from './spendPlan.js'

/**
 * - `to_local_delayed`, `to_remote`: our balance output of our / the peer's commitment
 * - `remote_htlc_preimage`, `remote_htlc_timeout`: an HTLC output of the peer's commitment, taken directly
 * - `htlc_success`, `htlc_timeout`: our second-stage HTLC transactions on our own commitment
 * - `htlc_delayed`: the output of one of those, swept after to_self_delay
 * - `penalty`: outputs of a revoked commitment (or of its HTLC transactions) taken with the revocation key
 */
export type ClaimKind =
  | 'to_local_delayed'
  | 'to_remote'
  | 'remote_htlc_preimage'
  | 'remote_htlc_timeout'
  | 'htlc_success'
  | 'htlc_timeout'
  | 'htlc_delayed'
  | 'penalty'

export interface Claim {
  kind: ClaimKind
  tx: Transaction
  txid: string
  spends: OutPoint[]
  amountSat: Sat
  /** the claim can be mined from this block height on (absolute timelock) */
  validFromHeight: number
  /** ... and only once the spent outputs have this many confirmations (relative timelock) */
  relativeDelay: number
}

export interface OutputToClaim {
  outpoint: OutPoint
  output: TxOutput
}

/** What a claim does, read off the branch it takes. */
function claimKind(plan: SpendPlan, revocationKeyHex: string | undefined): ClaimKind {
  if (revocationKeyHex && plan.signWith.some((k) => toHex(publicKeyOf(k)) === revocationKeyHex)) return 'penalty'
  if (plan.preimages.length > 0) return 'remote_htlc_preimage'
  if (plan.lockTime > 0) return 'remote_htlc_timeout'
  if (plan.relativeDelay > 0) return 'to_local_delayed'
  return 'to_remote'
}

function addKey(material: SpendMaterial, priv: Uint8Array): void {
  material.keys.set(toHex(publicKeyOf(priv)), priv)
}

/** The keys we may hold for a commitment with this per-commitment point (ours or the peer's). */
export function claimMaterial(
  s: ChannelSecrets,
  perCommitmentPoint: Uint8Array,
  preimages: Iterable<Uint8Array>,
  revealedSecret?: Uint8Array,
): SpendMaterial {
  const material: SpendMaterial = { keys: new Map(), preimages: new Map() }
  addKey(material, s.paymentBasepointSecret)
  addKey(material, derivePrivateKey(s.delayedPaymentBasepointSecret, perCommitmentPoint))
  addKey(material, derivePrivateKey(s.htlcBasepointSecret, perCommitmentPoint))
  if (revealedSecret) {
    const revocationKey = deriveRevocationPrivateKey(s.revocationBasepointSecret, revealedSecret)
    addKey(material, revocationKey)
    material.revocationKey = toHex(publicKeyOf(revocationKey))
  }
  for (const p of preimages) material.preimages.set(toHex(sha256(p)), p)
  return material
}

/** Builds and signs one transaction spending `inputs` (each with its plan) to `destination`, minus a fee. */
export function buildSweep(
  kind: ClaimKind,
  inputs: Array<{ outpoint: OutPoint; output: TxOutput; plan: SpendPlan }>,
  destination: Condition,
  feeratePerKw: number,
): Claim | undefined {
  const total = inputs.reduce((sum, i) => sum + i.output.value, 0n)
  const fee = weightToFee(feeratePerKw, SWEEP_TX_WEIGHT * BigInt(inputs.length))
  if (total - fee < 1n) return undefined
  const lockTime = Math.max(0, ...inputs.map((i) => i.plan.lockTime))
  const unsigned: Transaction = {
    version: 2,
    lockTime,
    inputs: inputs.map((i): TxInput => ({ prevout: i.outpoint, witness: { signatures: [], preimages: [] } })),
    outputs: [{ value: total - fee, condition: destination }],
  }
  const tx: Transaction = {
    ...unsigned,
    inputs: inputs.map((i, index) => ({
      prevout: i.outpoint,
      witness: {
        signatures: i.plan.signWith.map((k) => signInput(unsigned, index, i.output, k)),
        preimages: i.plan.preimages,
      },
    })),
  }
  return {
    kind,
    tx,
    txid: txid(tx),
    spends: inputs.map((i) => i.outpoint),
    amountSat: total - fee,
    // a transaction with lockTime L can be mined from block L + 1 on
    validFromHeight: lockTime > 0 ? lockTime + 1 : 0,
    relativeDelay: Math.max(0, ...inputs.map((i) => i.plan.relativeDelay)),
  }
}

/** One claim per output we can spend, each on its own so that one waiting output never delays another. */
export function claimOutputs(
  outputs: OutputToClaim[],
  material: SpendMaterial,
  destination: Condition,
  feeratePerKw: number,
): { claims: Claim[]; unclaimable: OutputToClaim[] } {
  const claims: Claim[] = []
  const unclaimable: OutputToClaim[] = []
  for (const o of outputs) {
    const plan = planSpend(o.output.condition, material)
    const claim =
      plan &&
      buildSweep(
        claimKind(plan, material.revocationKey),
        [{ outpoint: o.outpoint, output: o.output, plan }],
        destination,
        feeratePerKw,
      )
    if (claim) claims.push(claim)
    else unclaimable.push(o)
  }
  return { claims, unclaimable }
}

/**
 * The justice transaction: every output of a revoked commitment that we can
 * spend at once (all of them, through the revocation key, plus our own
 * to_remote) in one transaction, so the cheater gets nothing.
 */
export function buildPenalty(
  outputs: OutputToClaim[],
  material: SpendMaterial,
  destination: Condition,
  feeratePerKw: number,
): Claim | undefined {
  const inputs = outputs.flatMap((o) => {
    const plan = planSpend(o.output.condition, material)
    return plan && plan.lockTime === 0 && plan.relativeDelay === 0
      ? [{ outpoint: o.outpoint, output: o.output, plan }]
      : []
  })
  if (inputs.length === 0) return undefined
  return buildSweep('penalty', inputs, destination, feeratePerKw)
}
