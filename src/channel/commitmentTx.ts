/**
 * BOLT #3 commitment transactions on the mock chain. Both sides must build the
 * exact same bytes for the same commitment, so everything here is
 * deterministic, including the output order (BIP 69 style: value, then
 * condition bytes, then cltv_expiry).
 */
import type { Sat } from '../core/amount.js'
import { compareBytes, fromHex, toHex } from '../core/bytes.js'
import { encodeCondition, type Condition } from '../chain/condition.js'
import { emptyWitness, sighash, txid, type OutPoint, type Transaction, type TxOutput } from '../chain/transaction.js'
import { signDigest, verifyDigest } from '../crypto/secp256k1.js'
import type { CommitmentSpec, HtlcInSpec } from './commitmentSpec.js'
import { commitTxFeeSat, isTrimmed } from './fees.js'
import type { CommitmentKeys } from './keys.js'
import { offeredHtlcCondition, receivedHtlcCondition, toLocalCondition, toRemoteCondition } from './scripts.js'

export type CommitmentOutput =
  | { kind: 'to_local'; value: Sat; condition: Condition }
  | { kind: 'to_remote'; value: Sat; condition: Condition }
  | { kind: 'offered_htlc' | 'received_htlc'; value: Sat; condition: Condition; htlc: HtlcInSpec }

export interface CommitmentTx {
  tx: Transaction
  txid: string
  /** outputs[i] describes tx.outputs[i] */
  outputs: CommitmentOutput[]
  feeSat: Sat
}

export interface FundingInfo {
  outpoint: OutPoint
  output: TxOutput
}

export interface CommitmentTxArgs {
  funding: FundingInfo
  /** the commitment's owner pays the fee when it is the funder */
  ownerIsFunder: boolean
  spec: CommitmentSpec
  ownerDustLimitSat: Sat
  /** the delay the other side imposes on the owner's to_local */
  ownerToSelfDelay: number
  keys: CommitmentKeys
}

/**
 * BIP 69 style order; `bytes` is each output's encoded condition, made once per output rather than once per comparison.
 */
function compareOutputs(
  a: { output: CommitmentOutput; bytes: Uint8Array },
  b: { output: CommitmentOutput; bytes: Uint8Array },
): number {
  if (a.output.value !== b.output.value) return a.output.value < b.output.value ? -1 : 1
  const c = compareBytes(a.bytes, b.bytes)
  if (c !== 0) return c
  const ca = 'htlc' in a.output ? a.output.htlc.cltvExpiry : 0
  const cb = 'htlc' in b.output ? b.output.htlc.cltvExpiry : 0
  return ca - cb
}

export function buildCommitmentTx(args: CommitmentTxArgs): CommitmentTx {
  const { spec, ownerDustLimitSat: dust, keys } = args
  const feeSat = commitTxFeeSat(spec, dust)
  // BOLT #3: the funder's output pays the fee; if it cannot, the output is omitted
  let toLocal = spec.toLocalMsat / 1000n - (args.ownerIsFunder ? feeSat : 0n)
  let toRemote = spec.toRemoteMsat / 1000n - (args.ownerIsFunder ? 0n : feeSat)
  if (toLocal < 0n) toLocal = 0n
  if (toRemote < 0n) toRemote = 0n
  const outputs: CommitmentOutput[] = []
  if (toLocal >= dust)
    outputs.push({ kind: 'to_local', value: toLocal, condition: toLocalCondition(keys, args.ownerToSelfDelay) })
  if (toRemote >= dust) outputs.push({ kind: 'to_remote', value: toRemote, condition: toRemoteCondition(keys) })
  for (const htlc of spec.htlcs) {
    if (isTrimmed(htlc, dust, spec.feeratePerKw)) continue
    const value = htlc.amountMsat / 1000n
    if (htlc.direction === 'outgoing')
      outputs.push({
        kind: 'offered_htlc',
        value,
        condition: offeredHtlcCondition(keys, htlc.paymentHash, htlc.cltvExpiry),
        htlc,
      })
    else
      outputs.push({
        kind: 'received_htlc',
        value,
        condition: receivedHtlcCondition(keys, htlc.paymentHash, htlc.cltvExpiry),
        htlc,
      })
  }
  const sorted = outputs
    .map((output) => ({ output, bytes: encodeCondition(output.condition) }))
    .sort(compareOutputs)
    .map((o) => o.output)
  const tx: Transaction = {
    version: 2,
    lockTime: 0,
    inputs: [{ prevout: args.funding.outpoint, witness: emptyWitness() }],
    outputs: sorted.map((o) => ({ value: o.value, condition: o.condition })),
  }
  return { tx, txid: txid(tx), outputs: sorted, feeSat }
}

/** The signature over a transaction spending the funding output (commitment or closing). */
export function signFundingSpend(tx: Transaction, funding: FundingInfo, fundingPrivkey: Uint8Array): Uint8Array {
  return signDigest(sighash(tx, 0, funding.output), fundingPrivkey)
}

export function verifyFundingSpend(
  tx: Transaction,
  funding: FundingInfo,
  signature: Uint8Array,
  fundingPubkey: Uint8Array,
): boolean {
  return verifyDigest(signature, sighash(tx, 0, funding.output), fundingPubkey)
}

/** Puts both funding signatures in the witness, making the transaction broadcastable. */
export function withFundingWitness(
  tx: Transaction,
  sigs: Array<{ pubkey: Uint8Array; signature: Uint8Array }>,
): Transaction {
  return {
    ...tx,
    inputs: [{ prevout: tx.inputs[0]!.prevout, witness: { signatures: sigs, preimages: [] } }, ...tx.inputs.slice(1)],
  }
}

/** BOLT #2: channel_id = funding_txid XOR funding_output_index (in the last two bytes). */
export function channelIdFromFunding(fundingTxid: string, outputIndex: number): Uint8Array {
  const id = fromHex(fundingTxid, 32)
  id[30]! ^= (outputIndex >> 8) & 0xff
  id[31]! ^= outputIndex & 0xff
  return id
}

export function channelIdHex(id: Uint8Array): string {
  return toHex(id)
}
