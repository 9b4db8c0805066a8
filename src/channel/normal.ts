/**
 * NORMAL and SHUTDOWN: HTLCs are added (NORMAL only), settled, signed and
 * revoked; shutdown is exchanged once each side's changes are signed; when no
 * HTLC is left, closing fee negotiation starts (BOLT #2 "Normal Operation" and
 * "Channel Close").
 */
import { bytesEqual } from '../core/bytes.js'
import type { Shutdown } from '../wire/messages.js'
import {
  hasNoHtlcs,
  hasPendingChanges,
  localHasChanges,
  receiveAdd,
  receiveCommit,
  receiveFail,
  receiveFulfill,
  receiveRevocation,
  sendAdd,
  sendCommit,
  sendFail,
  sendFulfill,
  type Commitments,
} from './commitments.js'
import { channelError } from './errors.js'
import { DEFAULT_FEE_LIMITS } from './constants.js'
import { receiveFee, sendFee } from './updateFee.js'
import type { ChannelCommand, ChannelContext, ChannelEffect } from './io.js'
import type { ChannelSigner } from './signer.js'
import { startNegotiating } from './negotiating.js'
import { event, result, type StepResult } from './result.js'
import type { ChannelMessage, ErrorMessage, Warning } from '../wire/messages.js'
import type { Normal, ShutdownState } from './states.js'
import { findHtlc, isSettlement } from './commitmentSpec.js'

type Operating = Normal | ShutdownState

function withCommitments(data: Operating, commitments: Commitments): Operating {
  return { ...data, commitments }
}

/** Signs when there is something to sign and the peer is not still owing us a revocation. */
export function signIfNeeded(data: Operating, signer: ChannelSigner): StepResult {
  const c = data.commitments
  if (c.remoteNextCommitInfo.kind !== 'ready' || !localHasChanges(c)) return result(data)
  const { commitments, commitSig } = sendCommit(c, signer)
  return result(withCommitments(data, commitments), { type: 'send', message: commitSig })
}

/** After the peer's commitment_signed or revoke_and_ack: ask to sign soon, if there is anything to sign and we may. */
function signSoonIfNeeded(data: Operating): StepResult {
  const c = data.commitments
  if (c.remoteNextCommitInfo.kind !== 'ready' || !localHasChanges(c)) return result(data)
  return result(data, { type: 'sign_soon' })
}

function balanceEvent(c: Commitments): ChannelEffect {
  return event({
    type: 'balance_changed',
    localMsat: c.localCommit.spec.toLocalMsat,
    remoteMsat: c.localCommit.spec.toRemoteMsat,
  })
}

function then(first: StepResult, next: (data: Operating) => StepResult): StepResult {
  const second = next(first.data as Operating)
  return { data: second.data, effects: [...first.effects, ...second.effects] }
}

export function handleOperatingMessage(
  data: Operating,
  msg: ChannelMessage | ErrorMessage | Warning,
  ctx: ChannelContext,
): StepResult {
  const c = data.commitments
  if ('channelId' in msg && !bytesEqual(msg.channelId, c.channelId))
    throw channelError('UNKNOWN_CHANNEL', `${msg.type} for another channel`)
  switch (msg.type) {
    case 'update_add_htlc':
      if (data.state === 'SHUTDOWN' || (data.state === 'NORMAL' && data.remoteShutdown)) {
        throw channelError('ADD_AFTER_SHUTDOWN', 'update_add_htlc after shutdown')
      }
      return result(withCommitments(data, receiveAdd(c, msg)), event({ type: 'htlc_proposed', add: msg }))
    case 'update_fee':
      return result(withCommitments(data, receiveFee(c, msg, ctx.feeratePerKw, ctx.feeLimits ?? DEFAULT_FEE_LIMITS)))
    case 'update_fulfill_htlc': {
      const r = receiveFulfill(c, msg)
      // the preimage is ours as soon as we see it: settle upstream without waiting for signatures
      return result(
        withCommitments(data, r.commitments),
        event({ type: 'htlc_fulfilled', htlc: r.htlc, preimage: msg.paymentPreimage, onChain: false }),
      )
    }
    case 'update_fail_htlc':
    case 'update_fail_malformed_htlc':
      return result(withCommitments(data, receiveFail(c, msg).commitments))
    case 'commitment_signed': {
      const r = receiveCommit(c, msg, ctx.signer)
      const feerate = r.commitments.localCommit.spec.feeratePerKw
      const first = result(
        withCommitments(data, r.commitments),
        { type: 'send', message: r.revocation },
        balanceEvent(r.commitments),
        ...(feerate !== c.localCommit.spec.feeratePerKw
          ? [event({ type: 'feerate_changed', feeratePerKw: feerate })]
          : []),
      )
      return afterUpdate(then(first, signSoonIfNeeded), ctx)
    }
    case 'revoke_and_ack': {
      const r = receiveRevocation(c, msg)
      const effects: ChannelEffect[] = [
        { type: 'store_revoked_commitment', txid: r.revokedCommitment.txid, index: r.revokedCommitment.index },
      ]
      for (const u of r.irrevocable) {
        if (u.type === 'update_add_htlc') effects.push(event({ type: 'htlc_received', add: u }))
        else if (u.type === 'update_fail_htlc' || u.type === 'update_fail_malformed_htlc') {
          const htlc = findHtlc(c.localCommit.spec, 'outgoing', u.id) ?? findHtlc(c.remoteCommit.spec, 'incoming', u.id)
          if (htlc) {
            effects.push(
              event(
                u.type === 'update_fail_htlc'
                  ? { type: 'htlc_failed', htlc: { ...htlc, direction: 'outgoing' }, reason: u.reason, onChain: false }
                  : {
                      type: 'htlc_failed',
                      htlc: { ...htlc, direction: 'outgoing' },
                      malformedCode: u.failureCode,
                      sha256OfOnion: u.sha256OfOnion,
                      onChain: false,
                    },
              ),
            )
          }
        }
      }
      for (const u of r.ackedByRemote) {
        if (!isSettlement(u)) continue
        const htlc = findHtlc(c.remoteCommit.spec, 'outgoing', u.id)
        if (htlc)
          effects.push(
            event({
              type: 'htlc_settled',
              htlc: { ...htlc, direction: 'incoming' },
              fulfilled: u.type === 'update_fulfill_htlc',
            }),
          )
      }
      return afterUpdate(then(result(withCommitments(data, r.commitments), ...effects), signSoonIfNeeded), ctx)
    }
    case 'shutdown':
      return receiveShutdown(data, msg, ctx)
    case 'channel_ready':
      // BOLT #2: a node MUST ignore a redundant channel_ready after reconnection
      return result(data)
    default:
      throw channelError('UNEXPECTED_MESSAGE', `${msg.type} is not expected in state ${data.state}`)
  }
}

export function handleOperatingCommand(data: Operating, cmd: ChannelCommand, ctx: ChannelContext): StepResult {
  const c = data.commitments
  switch (cmd.type) {
    case 'add_htlc': {
      if (data.state !== 'NORMAL' || data.remoteShutdown || data.localShutdown || data.pendingLocalShutdown)
        throw channelError('CHANNEL_CLOSING', 'the channel is closing: no new HTLCs')
      const r = sendAdd(c, cmd, ctx.feeLimits ?? DEFAULT_FEE_LIMITS)
      return {
        ...result(withCommitments(data, r.commitments), { type: 'send', message: r.add }),
        reply: { ok: true, htlcId: r.add.id },
      }
    }
    case 'fulfill_htlc': {
      const r = sendFulfill(c, cmd.id, cmd.preimage)
      return result(withCommitments(data, r.commitments), { type: 'send', message: r.fulfill })
    }
    case 'fail_htlc': {
      const fail = { type: 'update_fail_htlc' as const, channelId: c.channelId, id: cmd.id, reason: cmd.reason }
      return result(withCommitments(data, sendFail(c, fail)), { type: 'send', message: fail })
    }
    case 'fail_malformed_htlc': {
      const fail = {
        type: 'update_fail_malformed_htlc' as const,
        channelId: c.channelId,
        id: cmd.id,
        sha256OfOnion: cmd.sha256OfOnion,
        failureCode: cmd.failureCode,
      }
      return result(withCommitments(data, sendFail(c, fail)), { type: 'send', message: fail })
    }
    case 'update_fee': {
      const r = sendFee(c, cmd.feeratePerKw, ctx.feeLimits ?? DEFAULT_FEE_LIMITS)
      return result(withCommitments(data, r.commitments), { type: 'send', message: r.fee })
    }
    case 'sign':
      return afterUpdate(signIfNeeded(data, ctx.signer), ctx)
    case 'close': {
      if (data.state === 'SHUTDOWN' || data.localShutdown || data.pendingLocalShutdown)
        throw channelError('ALREADY_CLOSING', 'a mutual close is already under way')
      const shutdown: Shutdown = {
        type: 'shutdown',
        channelId: c.channelId,
        scriptpubkey: cmd.scriptpubkey ?? c.localParams.finalCondition,
      }
      // our unsigned changes go first, in a commitment_signed, then shutdown (BOLT #2 "MUST NOT send a shutdown if
      // there are updates pending")
      return afterUpdate(
        then(result({ ...data, pendingLocalShutdown: shutdown }), (d) => signIfNeeded(d, ctx.signer)),
        ctx,
      )
    }
    default:
      throw channelError('UNEXPECTED_COMMAND', `${cmd.type} is not handled in state ${data.state}`)
  }
}

function receiveShutdown(data: Operating, msg: Shutdown, ctx: ChannelContext): StepResult {
  if (data.state === 'SHUTDOWN' || data.remoteShutdown)
    throw channelError('DUPLICATE_SHUTDOWN', 'shutdown received twice')
  // "updates pending on the receiving node's commitment": the peer's own unsigned changes
  if (data.commitments.remoteChanges.proposed.length > 0)
    throw channelError('SHUTDOWN_WITH_PENDING_UPDATES', 'shutdown sent before the sender signed its own updates')
  return afterUpdate(
    then(result({ ...data, remoteShutdown: msg }), (d) => signIfNeeded(d, ctx.signer)),
    ctx,
  )
}

/**
 * After anything that changed the commitments: send our shutdown once our own
 * changes are signed (answering the peer's if needed), move NORMAL → SHUTDOWN
 * when both are out, and SHUTDOWN → NEGOTIATING once no HTLC and no unsigned
 * or unrevoked change remains.
 */
export function afterUpdate(step: StepResult, ctx: ChannelContext): StepResult {
  let data = step.data as Operating
  const effects = [...step.effects]
  if (data.state === 'NORMAL' && data.commitments.localChanges.proposed.length === 0) {
    const wanted =
      data.pendingLocalShutdown ??
      (data.remoteShutdown && !data.localShutdown ? defaultShutdown(data.commitments) : undefined)
    if (wanted && !data.localShutdown) {
      effects.push({ type: 'send', message: wanted })
      data = { ...data, localShutdown: wanted, pendingLocalShutdown: undefined }
    }
    if (data.localShutdown && data.remoteShutdown) {
      data = {
        state: 'SHUTDOWN',
        remoteNodeId: data.remoteNodeId,
        commitments: data.commitments,
        shortChannelId: data.shortChannelId,
        localShutdown: data.localShutdown,
        remoteShutdown: data.remoteShutdown,
      }
    }
  }
  if (data.state === 'SHUTDOWN' && hasNoHtlcs(data.commitments) && !hasPendingChanges(data.commitments)) {
    const r = startNegotiating(data, ctx)
    return { data: r.data, effects: [...effects, ...r.effects] }
  }
  return { data, effects }
}

function defaultShutdown(c: Commitments): Shutdown {
  return { type: 'shutdown', channelId: c.channelId, scriptpubkey: c.localParams.finalCondition }
}
