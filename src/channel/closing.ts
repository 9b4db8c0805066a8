/**
 * CLOSING and CLOSED: what happens once a transaction spending the funding
 * output exists. We recognise whose it is (the mutual close, our commitment,
 * the peer's current or next one, or a revoked one), claim every output that is
 * ours as soon as the chain lets us (the penalty for a revoked commitment),
 * learn preimages the peer reveals on chain, and call the channel CLOSED once
 * every output we care about is settled on chain.
 */
import { bytesEqual } from '../core/bytes.js'
import type { Condition } from '../chain/condition.js'
import { outpointKey, txid as txidOf, type OutPoint, type Transaction } from '../chain/transaction.js'
import { publicKeyOf } from '../crypto/secp256k1.js'
import { sha256 } from '../crypto/hash.js'
import { buildPenalty, claimMaterial, claimOutputs, type Claim, type OutputToClaim } from './claims.js'
import { buildLocalCommitTx, latestRemoteCommit, remoteSecretFor, type Commitments } from './commitments.js'
import { signFundingSpend, withFundingWitness } from './commitmentTx.js'
import type { CommitmentSpec, HtlcInSpec } from './commitmentSpec.js'
import { isTrimmed } from './fees.js'
import type { ChannelContext, ChannelEffect } from './io.js'
import type { ChannelSigner } from './signer.js'
import { holderHtlcClaims, secondStageOutputClaims } from './secondStage.js'
import { errorMsg, event, result, type StepResult } from './result.js'
import type { ChannelData, ClosingState, PublishedCommitment } from './states.js'

/** Our latest commitment, with both signatures: what a unilateral close broadcasts. */
export function signedLocalCommitTx(c: Commitments, signer: ChannelSigner): Transaction {
  const { tx } = buildLocalCommitTx(c, c.localCommit.index, c.localCommit.spec, signer)
  const ours = signFundingSpend(tx, c.funding, signer.channel(c.localParams.keysId).secrets.fundingPrivkey)
  return withFundingWitness(tx, [
    { pubkey: c.localParams.basepoints.fundingPubkey, signature: ours },
    { pubkey: c.remoteParams.basepoints.fundingPubkey, signature: c.localCommit.remoteSig },
  ])
}

function baseClosing(data: ChannelData & { commitments: Commitments }, why: string): ClosingState {
  const existing = data.state === 'CLOSING' ? data : undefined
  return {
    state: 'CLOSING',
    remoteNodeId: data.remoteNodeId,
    commitments: data.commitments,
    ...('shortChannelId' in data && data.shortChannelId !== undefined ? { shortChannelId: data.shortChannelId } : {}),
    signedClosingTxids: 'signedClosingTxids' in data ? data.signedClosingTxids : [],
    claims: existing?.claims ?? [],
    unresolved: existing?.unresolved ?? [],
    why,
  }
}

/** Unilateral close: broadcast our latest commitment, and tell the peer why when it is our decision. */
export function forceClose(
  data: ChannelData & { commitments: Commitments },
  why: string,
  tellPeer: boolean,
  signer: ChannelSigner,
): StepResult {
  const c = data.commitments
  const tx = signedLocalCommitTx(c, signer)
  const txid = txidOf(tx)
  const next: ClosingState = { ...baseClosing(data, why), published: { whose: 'local', tx, txid } }
  const effects: ChannelEffect[] = []
  if (tellPeer) effects.push({ type: 'send', message: errorMsg(c.channelId, `force closing: ${why}`) })
  effects.push(
    { type: 'broadcast', tx, txid, label: 'commitment', validFromHeight: 0 },
    { type: 'watch_spent', outpoint: c.funding.outpoint },
    event({ type: 'closing', why, txid, whose: 'local' }),
  )
  return result(next, ...effects)
}

/** Preimages we hold for HTLCs the peer offered: our pending fulfills, and what the node learned elsewhere. */
function knownPreimages(c: Commitments, ctx: ChannelContext): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const u of [...c.localChanges.proposed, ...c.localChanges.signed, ...c.localChanges.acked]) {
    if (u.type === 'update_fulfill_htlc') out.push(u.paymentPreimage)
  }
  if (ctx.preimageFor) {
    for (const h of [...c.localCommit.spec.htlcs, ...latestRemoteCommit(c).spec.htlcs]) {
      const p = ctx.preimageFor(h.paymentHash)
      if (p) out.push(p)
    }
  }
  return out
}

function identify(
  data: ChannelData & { commitments: Commitments },
  tx: Transaction,
  revokedIndex: bigint | undefined,
): PublishedCommitment | 'mutual' {
  const c = data.commitments
  const txid = txidOf(tx)
  if ('signedClosingTxids' in data && data.signedClosingTxids.includes(txid)) return 'mutual'
  if (txid === c.localCommit.txid) return { whose: 'local', tx, txid }
  if (txid === c.remoteCommit.txid) return { whose: 'remote', tx, txid }
  if (c.remoteNextCommitInfo.kind === 'waiting_for_revocation' && txid === c.remoteNextCommitInfo.nextRemoteCommit.txid)
    return { whose: 'next_remote', tx, txid }
  if (revokedIndex !== undefined && remoteSecretFor(c, revokedIndex))
    return { whose: 'revoked', tx, txid, revokedIndex }
  return { whose: 'unknown', tx, txid }
}

/** The per-commitment point (and, for a revoked one, the secret) of the commitment that was published. */
function pointOf(
  c: Commitments,
  p: PublishedCommitment,
  signer: ChannelSigner,
): { point: Uint8Array; secret?: Uint8Array } {
  switch (p.whose) {
    case 'local':
      return { point: signer.channel(c.localParams.keysId).perCommitmentPoint(c.localCommit.index) }
    case 'remote':
      return { point: c.remoteCommit.remotePerCommitmentPoint }
    case 'next_remote':
      return {
        point:
          c.remoteNextCommitInfo.kind === 'waiting_for_revocation'
            ? c.remoteNextCommitInfo.nextRemoteCommit.remotePerCommitmentPoint
            : c.remoteCommit.remotePerCommitmentPoint,
      }
    case 'revoked': {
      const secret = remoteSecretFor(c, p.revokedIndex!)!
      return { point: publicKeyOf(secret), secret }
    }
    case 'unknown':
      // we cannot know its keys; only our static to_remote output can be ours
      return { point: c.remoteCommit.remotePerCommitmentPoint }
  }
}

/** Outputs worth watching: what we can claim now or later, and every HTLC (its spender may reveal a preimage). */
function outputsOf(tx: Transaction, txid: string): OutputToClaim[] {
  return tx.outputs.map((output, vout) => ({ outpoint: { txid, vout }, output }))
}

function isHtlcOutput(o: OutputToClaim): boolean {
  return hashOf(o.output.condition) !== undefined
}

/** Claims for a confirmed commitment, each held until its timelocks allow. */
function planClaims(
  c: Commitments,
  published: PublishedCommitment,
  confirmedAt: number,
  ctx: ChannelContext,
): { claims: Claim[]; watch: OutputToClaim[] } {
  const material = materialFor(c, published, ctx)
  const outputs = outputsOf(published.tx, published.txid)
  const destination = c.localParams.finalCondition
  let claims: Claim[]
  let rest: OutputToClaim[]
  if (published.whose === 'revoked') {
    const penalty = buildPenalty(outputs, material, destination, ctx.feeratePerKw)
    claims = penalty ? [penalty] : []
    rest = outputs.filter((o) => !penalty?.spends.some((s) => outpointKey(s) === outpointKey(o.outpoint)))
  } else {
    const r = claimOutputs(outputs, material, destination, ctx.feeratePerKw)
    claims = r.claims
    rest = r.unclaimable
    // our own HTLC outputs need the peer's signature too: they go through our HTLC transactions
    if (published.whose === 'local') claims.push(...holderHtlcClaims(c, ctx.signer, material.preimages))
  }
  claims = claims.map((cl) => ({
    ...cl,
    validFromHeight: Math.max(cl.validFromHeight, confirmedAt + cl.relativeDelay),
  }))
  const claimed = outputs.filter((o) =>
    claims.some((cl) => cl.spends.some((s) => outpointKey(s) === outpointKey(o.outpoint))),
  )
  const isClaimed = (o: OutputToClaim): boolean =>
    claimed.some((x) => outpointKey(x.outpoint) === outpointKey(o.outpoint))
  return { claims, watch: [...claimed, ...rest.filter((o) => isHtlcOutput(o) && !isClaimed(o))] }
}

/** The keys (and preimages) we hold for the published commitment. */
function materialFor(c: Commitments, published: PublishedCommitment, ctx: ChannelContext) {
  const { point, secret } = pointOf(c, published, ctx.signer)
  return claimMaterial(ctx.signer.channel(c.localParams.keysId).secrets, point, knownPreimages(c, ctx), secret)
}

function claimEffects(claims: Claim[]): ChannelEffect[] {
  return claims.flatMap((cl): ChannelEffect[] => [
    { type: 'broadcast', tx: cl.tx, txid: cl.txid, label: cl.kind, validFromHeight: cl.validFromHeight },
    event({
      type: 'claim',
      kind: cl.kind,
      txid: cl.txid,
      amountSat: cl.amountSat,
      validFromHeight: cl.validFromHeight,
    }),
  ])
}

/** The funding output was spent in a block. */
export function handleFundingSpent(
  data: ChannelData & { commitments: Commitments },
  tx: Transaction,
  blockHeight: number,
  revokedIndex: bigint | undefined,
  ctx: ChannelContext,
): StepResult {
  const c = data.commitments
  const identified = identify(data, tx, revokedIndex)
  if (identified === 'mutual') {
    const txid = txidOf(tx)
    return result(
      {
        state: 'CLOSED',
        remoteNodeId: data.remoteNodeId,
        channelId: c.channelId,
        how: 'mutual',
        closingTxid: txid,
        why: 'mutual close confirmed',
      },
      event({ type: 'closed', how: 'mutual', txid }),
    )
  }
  const published: PublishedCommitment = { ...identified, confirmedAt: blockHeight }
  const why =
    data.state === 'CLOSING' ? data.why : `${published.whose === 'local' ? 'our' : "the peer's"} commitment is on chain`
  const { claims, watch } = planClaims(c, published, blockHeight, ctx)
  const next: ClosingState = {
    ...baseClosing(data, why),
    published,
    claims,
    unresolved: watch.map((o) => outpointKey(o.outpoint)),
  }
  const effects: ChannelEffect[] = []
  if (data.state !== 'CLOSING') {
    effects.push(event({ type: 'closing', why, txid: published.txid, whose: published.whose }))
  }
  effects.push(
    ...claimEffects(claims),
    ...watch.map((o): ChannelEffect => ({ type: 'watch_spent', outpoint: o.outpoint })),
  )
  for (const htlc of offeredWithoutOutput(c, published))
    effects.push(event({ type: 'htlc_failed', htlc, onChain: true }))
  return finishIfResolved(result(next, ...effects))
}

/**
 * BOLT #5: an HTLC we offered that has no output in the commitment that
 * confirmed (it was only in the other side's commitment, or not signed yet, or
 * trimmed as dust) can no longer be claimed by anyone: it has failed. Left
 * alone, the payment would wait for ever and, for an HTLC we forwarded, the
 * incoming one would run to its expiry and close that channel too. The mock
 * chain never reorganises, so one confirmation is depth enough.
 */
function offeredWithoutOutput(c: Commitments, published: PublishedCommitment): HtlcInSpec[] {
  const offered = new Map<bigint, HtlcInSpec>()
  for (const h of c.localCommit.spec.htlcs) if (h.direction === 'outgoing') offered.set(h.id, h)
  // the peer's commitments see our HTLCs as incoming
  for (const h of [...c.remoteCommit.spec.htlcs, ...latestRemoteCommit(c).spec.htlcs])
    if (h.direction === 'incoming') offered.set(h.id, { ...h, direction: 'outgoing' })
  for (const u of c.localChanges.proposed) {
    if (u.type === 'update_add_htlc')
      offered.set(u.id, {
        direction: 'outgoing',
        id: u.id,
        amountMsat: u.amountMsat,
        paymentHash: u.paymentHash,
        cltvExpiry: u.cltvExpiry,
      })
  }
  // fulfilled by the peer: the preimage went upstream when it came
  for (const id of fulfilledByPeer(c)) offered.delete(id)
  const withOutput = offeredWithOutput(c, published)
  return [...offered.values()].filter((h) => !withOutput(h))
}

/** Our HTLCs the peer fulfilled off chain, whatever became of the commitments since. */
function fulfilledByPeer(c: Commitments): Set<bigint> {
  const ids = new Set<bigint>()
  for (const u of [...c.remoteChanges.proposed, ...c.remoteChanges.acked, ...c.remoteChanges.signed])
    if (u.type === 'update_fulfill_htlc') ids.add(u.id)
  return ids
}

/** Whether an HTLC we offered has an output in the published commitment (whose outputs then settle it). */
function offeredWithOutput(c: Commitments, published: PublishedCommitment): (h: HtlcInSpec) => boolean {
  const inSpec = (spec: CommitmentSpec, direction: 'incoming' | 'outgoing', dustLimitSat: bigint) => (h: HtlcInSpec) =>
    spec.htlcs.some((x) => x.id === h.id && x.direction === direction && !isTrimmed(x, dustLimitSat, spec.feeratePerKw))
  switch (published.whose) {
    case 'local':
      return inSpec(c.localCommit.spec, 'outgoing', c.localParams.dustLimitSat)
    case 'remote':
      return inSpec(c.remoteCommit.spec, 'incoming', c.remoteParams.dustLimitSat)
    case 'next_remote':
      return inSpec(latestRemoteCommit(c).spec, 'incoming', c.remoteParams.dustLimitSat)
    case 'revoked':
    case 'unknown': {
      // an older commitment: its spec is gone, its outputs tell
      const hashes = published.tx.outputs.flatMap((o) => {
        const hash = hashOf(o.condition)
        return hash ? [hash] : []
      })
      return (h) => hashes.some((hash) => bytesEqual(hash, h.paymentHash))
    }
  }
}

function htlcByHash(
  c: Commitments,
  paymentHash: Uint8Array,
  direction: 'incoming' | 'outgoing',
): HtlcInSpec | undefined {
  const specs = [c.localCommit.spec, latestRemoteCommit(c).spec, c.remoteCommit.spec]
  for (const s of specs) {
    // the peer's specs see directions the other way round
    const h = s.htlcs.find(
      (x) =>
        bytesEqual(x.paymentHash, paymentHash) &&
        (s === c.localCommit.spec ? x.direction === direction : x.direction !== direction),
    )
    if (h) return { ...h, direction }
  }
  return undefined
}

/**
 * An output we watch was spent in a block: an output of the published commitment (by one of our claims, or by the
 * peer), or the output of a second-stage HTLC transaction.
 */
export function handleClosingOutputSpent(
  data: ClosingState,
  outpoint: OutPoint,
  tx: Transaction,
  blockHeight: number,
  ctx: ChannelContext,
): StepResult {
  const key = outpointKey(outpoint)
  if (!data.unresolved.includes(key)) return result(data)
  const c = data.commitments
  const effects: ChannelEffect[] = []
  const spender = txidOf(tx)
  const ours = data.claims.find((cl) => cl.txid === spender)
  const input = tx.inputs.find((i) => outpointKey(i.prevout) === key)
  const published = data.published
  const onCommitment = published !== undefined && outpoint.txid === published.txid
  let fresh: Claim[] = []
  let unresolved = data.unresolved.filter((k) => k !== key)
  if (!ours) {
    // the peer took it: with a preimage (our outgoing HTLC is fulfilled: settle upstream) or after its timeout
    for (const preimage of input?.witness.preimages ?? []) {
      const htlc = htlcByHash(c, sha256(preimage), 'outgoing')
      if (htlc) effects.push(event({ type: 'htlc_fulfilled', htlc, preimage, onChain: true }))
    }
    if (published?.whose === 'revoked' && onCommitment) {
      // the cheater got an HTLC transaction in first: its output is ours at once with the revocation key, and the
      // penalty that counted on this HTLC output can no longer be mined: one for the outputs still left replaces it
      const material = materialFor(c, published, ctx)
      const dest = c.localParams.finalCondition
      fresh = secondStageOutputClaims(tx, blockHeight, material, dest, ctx.feeratePerKw, 'penalty')
      const stale = data.claims.find((cl) => cl.kind === 'penalty' && cl.spends.some((s) => outpointKey(s) === key))
      if (stale) {
        const left = stale.spends
          .filter((s) => unresolved.includes(outpointKey(s)))
          .map((s) => ({ outpoint: s, output: published.tx.outputs[s.vout]! }))
        const penalty = left.length > 0 ? buildPenalty(left, material, dest, ctx.feeratePerKw) : undefined
        if (penalty) fresh.push(penalty)
      }
    }
  } else if (ours.kind === 'htlc_timeout' || ours.kind === 'htlc_success') {
    // our HTLC transaction is mined: its output is ours once the peer's to_self_delay has passed
    if (ours.kind === 'htlc_timeout') effects.push(...failedOnChain(data, outpoint))
    const material = materialFor(c, published!, ctx)
    fresh = secondStageOutputClaims(
      tx,
      blockHeight,
      material,
      c.localParams.finalCondition,
      ctx.feeratePerKw,
      'htlc_delayed',
    )
  } else if (onCommitment && (ours.kind === 'remote_htlc_timeout' || ours.kind === 'penalty')) {
    // timed out, or swept with a revoked commitment's penalty: either way the HTLC we offered came back to us
    effects.push(...failedOnChain(data, outpoint))
  }
  for (const cl of fresh) unresolved = [...unresolved, ...cl.spends.map(outpointKey).filter((k) => k !== key)]
  unresolved = [...new Set(unresolved)]
  const next: ClosingState = { ...data, claims: [...data.claims, ...fresh], unresolved }
  effects.push(
    ...claimEffects(fresh),
    ...fresh.flatMap((cl) =>
      cl.spends.filter((s) => s.txid === spender).map((s): ChannelEffect => ({ type: 'watch_spent', outpoint: s })),
    ),
  )
  return finishIfResolved(result(next, ...effects))
}

/** The HTLC we offered at this output of the published commitment came back to us on chain: fail it upstream. */
function failedOnChain(data: ClosingState, outpoint: OutPoint): ChannelEffect[] {
  const output = data.published?.tx.outputs[outpoint.vout]
  const hash = output ? hashOf(output.condition) : undefined
  const htlc = hash && htlcByHash(data.commitments, hash, 'outgoing')
  if (!htlc || fulfilledByPeer(data.commitments).has(htlc.id)) return []
  return [event({ type: 'htlc_failed', htlc, onChain: true })]
}

function hashOf(condition: Condition): Uint8Array | undefined {
  if (condition.type === 'sha256') return condition.hash
  if (condition.type === 'all' || condition.type === 'any') {
    for (const sub of condition.conditions) {
      const h = hashOf(sub)
      if (h) return h
    }
  }
  return undefined
}

/** A preimage arrived after the commitment was published (e.g. from downstream): claim the HTLC it unlocks. */
export function claimWithNewPreimage(data: ClosingState, ctx: ChannelContext): StepResult {
  if (!data.published?.confirmedAt) return result(data)
  const { claims } = planClaims(data.commitments, data.published, data.published.confirmedAt, ctx)
  const known = new Set(data.claims.map((cl) => cl.txid))
  const fresh = claims.filter(
    (cl) => !known.has(cl.txid) && cl.spends.every((s) => data.unresolved.includes(outpointKey(s))),
  )
  if (fresh.length === 0) return result(data)
  return result({ ...data, claims: [...data.claims, ...fresh] }, ...claimEffects(fresh))
}

function finishIfResolved(step: StepResult): StepResult {
  const data = step.data
  if (data.state !== 'CLOSING' || !data.published?.confirmedAt || data.unresolved.length > 0) return step
  const how =
    data.published.whose === 'local' ? 'local_force' : data.published.whose === 'revoked' ? 'penalty' : 'remote_force'
  return {
    data: {
      state: 'CLOSED',
      remoteNodeId: data.remoteNodeId,
      channelId: data.commitments.channelId,
      how,
      closingTxid: data.published.txid,
      why: data.why,
    },
    effects: [...step.effects, event({ type: 'closed', how, txid: data.published.txid })],
  }
}
