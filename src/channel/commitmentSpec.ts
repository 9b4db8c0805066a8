/**
 * The contents of one commitment transaction, from its owner's point of view:
 * the owner's balance, the other side's balance and the HTLCs in flight
 * (incoming: offered by the other side; outgoing: offered by the owner).
 * Money is conserved by construction: every update moves msat from one field to
 * another, never in or out.
 */
import type { Msat } from '../core/amount.js'
import type {
  UpdateAddHtlc,
  UpdateFailHtlc,
  UpdateFailMalformedHtlc,
  UpdateFee,
  UpdateFulfillHtlc,
} from '../wire/messages.js'

export type HtlcDirection = 'incoming' | 'outgoing'

export interface HtlcInSpec {
  direction: HtlcDirection
  /** the id in the offering side's id space */
  id: bigint
  amountMsat: Msat
  paymentHash: Uint8Array
  cltvExpiry: number
}

export interface CommitmentSpec {
  htlcs: HtlcInSpec[]
  toLocalMsat: Msat
  toRemoteMsat: Msat
  feeratePerKw: number
}

export type Settlement = UpdateFulfillHtlc | UpdateFailHtlc | UpdateFailMalformedHtlc
export type Update = UpdateAddHtlc | Settlement | UpdateFee

export function isSettlement(u: Update): u is Settlement {
  return u.type === 'update_fulfill_htlc' || u.type === 'update_fail_htlc' || u.type === 'update_fail_malformed_htlc'
}

/** BOLT #2 update_fee: the last one sent wins; only the funder may send it, so at most one list has any. */
export function latestFeerate(feeratePerKw: number, ...changes: readonly (readonly Update[])[]): number {
  let feerate = feeratePerKw
  for (const list of changes) for (const u of list) if (u.type === 'update_fee') feerate = u.feeratePerKw
  return feerate
}

export function findHtlc(spec: CommitmentSpec, direction: HtlcDirection, id: bigint): HtlcInSpec | undefined {
  return spec.htlcs.find((h) => h.direction === direction && h.id === id)
}

/**
 * Applies updates to a spec: `ownerChanges` were sent by the spec's owner,
 * `otherChanges` by the other side. Adds first, then settlements, as BOLT #2
 * orders them within a commitment; an update_fee sets the feerate of both
 * commitments (BOLT #2 "Updating Fees"). Throws on an update that names an unknown
 * HTLC: callers validate updates before they reach a spec.
 */
export function reduceSpec(
  spec: CommitmentSpec,
  ownerChanges: readonly Update[],
  otherChanges: readonly Update[],
): CommitmentSpec {
  let toLocal = spec.toLocalMsat
  let toRemote = spec.toRemoteMsat
  const htlcs = [...spec.htlcs]
  for (const u of ownerChanges) {
    if (u.type !== 'update_add_htlc') continue
    toLocal -= u.amountMsat
    htlcs.push({
      direction: 'outgoing',
      id: u.id,
      amountMsat: u.amountMsat,
      paymentHash: u.paymentHash,
      cltvExpiry: u.cltvExpiry,
    })
  }
  for (const u of otherChanges) {
    if (u.type !== 'update_add_htlc') continue
    toRemote -= u.amountMsat
    htlcs.push({
      direction: 'incoming',
      id: u.id,
      amountMsat: u.amountMsat,
      paymentHash: u.paymentHash,
      cltvExpiry: u.cltvExpiry,
    })
  }
  const settle = (u: Settlement, direction: HtlcDirection): void => {
    const i = htlcs.findIndex((h) => h.direction === direction && h.id === u.id)
    if (i < 0) throw new Error(`${u.type} for unknown ${direction} HTLC ${u.id}`)
    const [h] = htlcs.splice(i, 1)
    const fulfilled = u.type === 'update_fulfill_htlc'
    // a fulfilled HTLC pays its receiver; a failed one returns to its offerer
    if ((direction === 'incoming') === fulfilled) toLocal += h!.amountMsat
    else toRemote += h!.amountMsat
  }
  for (const u of ownerChanges) if (isSettlement(u)) settle(u, 'incoming')
  for (const u of otherChanges) if (isSettlement(u)) settle(u, 'outgoing')
  const feeratePerKw = latestFeerate(spec.feeratePerKw, ownerChanges, otherChanges)
  return { htlcs, toLocalMsat: toLocal, toRemoteMsat: toRemote, feeratePerKw }
}

/** The same commitment seen from the other side. */
export function flipSpec(spec: CommitmentSpec): CommitmentSpec {
  return {
    htlcs: spec.htlcs.map((h) => ({ ...h, direction: h.direction === 'incoming' ? 'outgoing' : 'incoming' })),
    toLocalMsat: spec.toRemoteMsat,
    toRemoteMsat: spec.toLocalMsat,
    feeratePerKw: spec.feeratePerKw,
  }
}

export function htlcTotalMsat(spec: CommitmentSpec, direction?: HtlcDirection): Msat {
  let total = 0n
  for (const h of spec.htlcs) if (direction === undefined || h.direction === direction) total += h.amountMsat
  return total
}

/** Conservation: every msat of the channel is in exactly one place. */
export function specTotalMsat(spec: CommitmentSpec): Msat {
  return spec.toLocalMsat + spec.toRemoteMsat + htlcTotalMsat(spec)
}
