/**
 * NEGOTIATING: agreeing on the closing transaction's fee with closing_signed
 * and its fee_range (BOLT #2 "Legacy Closing Negotiation", the fee_range form).
 * The funder offers a fee and a range; the fundee answers with a fee in that
 * range (the same one when it is content); the funder echoes it. Both then hold
 * the same transaction signed by both and broadcast it.
 */
import type { Sat } from '../core/amount.js'
import type { ClosingSigned } from '../wire/messages.js'
import { buildClosingTx, firstClosingFee, maxClosingFee } from './closingTx.js'
import { signFundingSpend, verifyFundingSpend, withFundingWitness } from './commitmentTx.js'
import { channelError, fatalChannelError } from './errors.js'
import type { ChannelContext, ChannelEffect } from './io.js'
import type { ChannelSigner } from './signer.js'
import { event, result, type StepResult } from './result.js'
import type { ClosingState, Negotiating, ShutdownState } from './states.js'

function signClosing(
  data: Negotiating,
  feeSat: Sat,
  signer: ChannelSigner,
  feeRange?: ClosingSigned['feeRange'],
): { msg: ClosingSigned; txid: string } {
  const c = data.commitments
  const closing = buildClosingTx(c, data.localShutdown.scriptpubkey, data.remoteShutdown.scriptpubkey, feeSat)
  const signature = signFundingSpend(closing.tx, c.funding, signer.channel(c.localParams.keysId).secrets.fundingPrivkey)
  const msg: ClosingSigned = { type: 'closing_signed', channelId: c.channelId, feeSatoshis: feeSat, signature }
  if (feeRange) msg.feeRange = feeRange
  return { msg, txid: closing.txid }
}

export function startNegotiating(data: ShutdownState, ctx: ChannelContext): StepResult {
  const negotiating: Negotiating = {
    state: 'NEGOTIATING',
    remoteNodeId: data.remoteNodeId,
    commitments: data.commitments,
    shortChannelId: data.shortChannelId,
    localShutdown: data.localShutdown,
    remoteShutdown: data.remoteShutdown,
    signedClosingTxids: [],
  }
  const effects: ChannelEffect[] = []
  if (!data.commitments.localParams.isFunder) return result(negotiating, ...effects)
  return sendFirstClosingSigned(negotiating, ctx.signer, effects)
}

/** The funder opens (and, after a reconnection, reopens) the negotiation. */
export function sendFirstClosingSigned(
  data: Negotiating,
  signer: ChannelSigner,
  effects: ChannelEffect[] = [],
): StepResult {
  const offer = firstClosingFee(data.commitments)
  const { msg, txid } = signClosing(data, offer.feeSat, signer, {
    minFeeSatoshis: offer.minFeeSat,
    maxFeeSatoshis: offer.maxFeeSat,
  })
  return result({ ...data, lastSent: msg, signedClosingTxids: [...data.signedClosingTxids, txid] }, ...effects, {
    type: 'send',
    message: msg,
  })
}

export function handleClosingSigned(data: Negotiating, msg: ClosingSigned, signer: ChannelSigner): StepResult {
  const c = data.commitments
  const fee = msg.feeSatoshis
  if (fee > maxClosingFee(c, fee))
    throw channelError('CLOSING_FEE_TOO_HIGH', `a fee of ${fee} sat is more than the funder's balance`)
  const closing = buildClosingTx(c, data.localShutdown.scriptpubkey, data.remoteShutdown.scriptpubkey, fee)
  if (!verifyFundingSpend(closing.tx, c.funding, msg.signature, c.remoteParams.basepoints.fundingPubkey)) {
    throw channelError(
      'INVALID_CLOSING_SIGNATURE',
      `the signature does not sign the closing transaction with a fee of ${fee} sat`,
    )
  }
  const agreed = (): StepResult => {
    const ours = signClosing(data, fee, signer)
    const tx = withFundingWitness(closing.tx, [
      { pubkey: c.localParams.basepoints.fundingPubkey, signature: ours.msg.signature },
      { pubkey: c.remoteParams.basepoints.fundingPubkey, signature: msg.signature },
    ])
    const echo: ChannelEffect[] = data.lastSent?.feeSatoshis === fee ? [] : [{ type: 'send', message: ours.msg }]
    const next: ClosingState = {
      state: 'CLOSING',
      remoteNodeId: data.remoteNodeId,
      commitments: c,
      shortChannelId: data.shortChannelId,
      mutualCloseTx: { tx, txid: closing.txid },
      signedClosingTxids: [...data.signedClosingTxids, closing.txid],
      claims: [],
      unresolved: [],
      why: 'mutual close',
    }
    return result(
      next,
      ...echo,
      { type: 'broadcast', tx, txid: closing.txid, label: 'mutual close', validFromHeight: 0 },
      { type: 'watch_confirmed', txid: closing.txid, depth: 1 },
      event({ type: 'closing', why: 'mutual close', txid: closing.txid, whose: 'mutual' }),
    )
  }
  if (data.lastSent?.feeSatoshis === fee) return agreed()
  const ourRange = data.lastSent?.feeRange
  if (c.localParams.isFunder) {
    // the fundee must answer within the range we offered
    if (ourRange && fee >= ourRange.minFeeSatoshis && fee <= ourRange.maxFeeSatoshis) return agreed()
    throw fatalChannelError(
      'CLOSING_FEE_OUT_OF_RANGE',
      `the peer's closing fee of ${fee} sat is outside the range we offered`,
    )
  }
  // fundee: we do not pay the fee; accept the funder's fee if it is within the range it offered
  const theirRange = msg.feeRange
  if (!theirRange || (fee >= theirRange.minFeeSatoshis && fee <= theirRange.maxFeeSatoshis)) return agreed()
  throw channelError('CLOSING_FEE_OUT_OF_RANGE', `closing fee ${fee} sat is outside the sender's own fee_range`)
}
