/**
 * BOLT #3 closing transaction and BOLT #2 closing_signed fee negotiation (the
 * fee_range form: the fundee picks a fee in the funder's range, the funder
 * echoes it, and both then hold the same fully signed transaction).
 */
import type { Sat } from '../core/amount.js'
import { compareBytes } from '../core/bytes.js'
import { encodeCondition, type Condition } from '../chain/condition.js'
import { emptyWitness, txid, type Transaction } from '../chain/transaction.js'
import { CLOSING_TX_WEIGHT } from './constants.js'
import { weightToFee } from './fees.js'
import type { Commitments } from './commitments.js'

export interface ClosingTx {
  tx: Transaction
  txid: string
  toLocalSat: Sat
  toRemoteSat: Sat
}

/**
 * Both sides build the same bytes: outputs below the larger dust limit are
 * dropped, outputs sorted by value then condition, and the funder pays the fee.
 */
export function buildClosingTx(
  c: Commitments,
  localCondition: Condition,
  remoteCondition: Condition,
  feeSat: Sat,
): ClosingTx {
  const spec = c.localCommit.spec
  const dust =
    c.localParams.dustLimitSat > c.remoteParams.dustLimitSat ? c.localParams.dustLimitSat : c.remoteParams.dustLimitSat
  let toLocal = spec.toLocalMsat / 1000n - (c.localParams.isFunder ? feeSat : 0n)
  let toRemote = spec.toRemoteMsat / 1000n - (c.localParams.isFunder ? 0n : feeSat)
  if (toLocal < dust) toLocal = 0n
  if (toRemote < dust) toRemote = 0n
  const outputs = [
    { value: toLocal, condition: localCondition },
    { value: toRemote, condition: remoteCondition },
  ].filter((o) => o.value > 0n)
  outputs.sort((a, b) =>
    a.value !== b.value
      ? a.value < b.value
        ? -1
        : 1
      : compareBytes(encodeCondition(a.condition), encodeCondition(b.condition)),
  )
  const tx: Transaction = {
    version: 2,
    lockTime: 0,
    inputs: [{ prevout: c.funding.outpoint, witness: emptyWitness() }],
    outputs,
  }
  return { tx, txid: txid(tx), toLocalSat: toLocal, toRemoteSat: toRemote }
}

/** The funder's opening offer: the fee for the channel's feerate, and a range around it it would accept. */
export function firstClosingFee(c: Commitments): { feeSat: Sat; minFeeSat: Sat; maxFeeSat: Sat } {
  const feeSat = weightToFee(c.localCommit.spec.feeratePerKw, CLOSING_TX_WEIGHT)
  return { feeSat, minFeeSat: feeSat / 2n, maxFeeSat: maxClosingFee(c, feeSat * 4n) }
}

/** The funder can never pay more than its own balance. */
export function maxClosingFee(c: Commitments, wanted: Sat): Sat {
  const funderSat = (c.localParams.isFunder ? c.localCommit.spec.toLocalMsat : c.localCommit.spec.toRemoteMsat) / 1000n
  return wanted < funderSat ? wanted : funderSat
}
