/**
 * Reconnection (BOLT #2 "Message Retransmission"): both sides send
 * channel_reestablish, then each retransmits what the other missed, in the
 * order it first sent it, or detects that one side lost state.
 */
import { bytesEqual } from '../core/bytes.js'
import type { ChannelReestablish, Message } from '../wire/messages.js'
import { discardUnsignedUpdates, remoteSecretFor, revocationFor, type Commitments } from './commitments.js'
import { channelError, fatalChannelError } from './errors.js'
import type { ChannelContext, ChannelEffect } from './io.js'
import type { ChannelSigner } from './signer.js'
import { sendFirstClosingSigned } from './negotiating.js'
import { afterUpdate, signIfNeeded } from './normal.js'
import { event, result, type StepResult } from './result.js'
import type { ConnectedState, ErrInformationLeak, Offline, Syncing } from './states.js'

export function reestablishFor(c: Commitments, signer: ChannelSigner): ChannelReestablish {
  return {
    type: 'channel_reestablish',
    channelId: c.channelId,
    nextCommitmentNumber: c.localCommit.index + 1n,
    nextRevocationNumber: c.remoteCommit.index,
    yourLastPerCommitmentSecret:
      c.remoteCommit.index === 0n
        ? new Uint8Array(32)
        : (remoteSecretFor(c, c.remoteCommit.index - 1n) ?? new Uint8Array(32)),
    myCurrentPerCommitmentPoint: signer.channel(c.localParams.keysId).perCommitmentPoint(c.localCommit.index),
  }
}

/** Disconnected: forget unsigned updates (ours are reported so the node can redo them) and wait. */
export function goOffline(prior: ConnectedState): StepResult {
  const { commitments, discarded } = discardUnsignedUpdates(prior.commitments)
  const offline: Offline = {
    state: 'OFFLINE',
    remoteNodeId: prior.remoteNodeId,
    prior: { ...prior, commitments } as ConnectedState,
  }
  return result(offline, ...discarded.map((update) => event({ type: 'update_discarded', update })))
}

export function goSyncing(data: Offline, signer: ChannelSigner): StepResult {
  const syncing: Syncing = { state: 'SYNCING', remoteNodeId: data.remoteNodeId, prior: data.prior }
  return result(syncing, { type: 'send', message: reestablishFor(data.prior.commitments, signer) })
}

/** Handles the peer's channel_reestablish; returns to the state we were in, with what must be retransmitted. */
export function handleReestablish(data: Syncing, msg: ChannelReestablish, ctx: ChannelContext): StepResult {
  const prior = data.prior
  const c = prior.commitments
  const keys = ctx.signer.channel(c.localParams.keysId)
  if (!bytesEqual(msg.channelId, c.channelId))
    throw channelError('UNKNOWN_CHANNEL', 'channel_reestablish for another channel')
  if (msg.nextCommitmentNumber === 0n) throw fatalChannelError('INVALID_REESTABLISH', 'next_commitment_number is zero')
  const sends: Message[] = []

  // 1. their next_revocation_number: which of our revocations they hold
  let resendRevocation = false
  if (msg.nextRevocationNumber === c.localCommit.index) {
    // in sync
  } else if (msg.nextRevocationNumber + 1n === c.localCommit.index) {
    resendRevocation = true
  } else if (msg.nextRevocationNumber > c.localCommit.index) {
    const theirProof = msg.yourLastPerCommitmentSecret
    const ours = keys.perCommitmentSecret(msg.nextRevocationNumber - 1n)
    if (bytesEqual(theirProof, ours)) {
      // we are behind: publishing our commitment would hand the peer a revoked one
      const leak: ErrInformationLeak = {
        state: 'ERR_INFORMATION_LEAK',
        remoteNodeId: data.remoteNodeId,
        commitments: c,
      }
      return result(
        leak,
        {
          type: 'send',
          message: {
            type: 'error',
            channelId: c.channelId,
            data: new TextEncoder().encode('we lost channel state: please force close'),
          },
        },
        event({
          type: 'protocol_violation',
          code: 'LOCAL_STATE_LOST',
          message: 'the peer proved we revoked a commitment we no longer know of; not publishing ours',
          fatal: true,
        }),
      )
    }
    throw fatalChannelError(
      'INVALID_REESTABLISH',
      `peer expects revocation ${msg.nextRevocationNumber} but we are at commitment ${c.localCommit.index}`,
    )
  } else {
    throw fatalChannelError(
      'INVALID_REESTABLISH',
      `peer expects revocation ${msg.nextRevocationNumber}, far behind our commitment ${c.localCommit.index}` +
        ': it lost state',
    )
  }
  if (msg.nextRevocationNumber > 0n) {
    const expected = keys.perCommitmentSecret(msg.nextRevocationNumber - 1n)
    if (!bytesEqual(msg.yourLastPerCommitmentSecret, expected))
      throw fatalChannelError('INVALID_REESTABLISH', 'your_last_per_commitment_secret is not our secret')
  }

  // 2. their next_commitment_number: which of our signatures they hold
  let resendCommit = false
  const info = c.remoteNextCommitInfo
  if (info.kind === 'waiting_for_revocation' && msg.nextCommitmentNumber === info.nextRemoteCommit.index) {
    resendCommit = true
  } else if (info.kind === 'waiting_for_revocation' && msg.nextCommitmentNumber === info.nextRemoteCommit.index + 1n) {
    // they got it; their revoke_and_ack is on its way
  } else if (info.kind === 'ready' && msg.nextCommitmentNumber === c.remoteCommit.index + 1n) {
    // in sync
  } else {
    throw fatalChannelError(
      'INVALID_REESTABLISH',
      `peer expects commitment ${msg.nextCommitmentNumber}, we signed up to ${c.remoteCommit.index}`,
    )
  }

  const commitBatch = (): Message[] =>
    info.kind === 'waiting_for_revocation' ? [...c.localChanges.signed, info.sent] : []
  if (resendRevocation && resendCommit) {
    // BOLT #2: in the same relative order as first sent
    if (info.kind === 'waiting_for_revocation' && info.sentAfterLocalCommitIndex === c.localCommit.index)
      sends.push(revocationFor(c, c.localCommit.index - 1n, ctx.signer), ...commitBatch())
    else sends.push(...commitBatch(), revocationFor(c, c.localCommit.index - 1n, ctx.signer))
  } else if (resendRevocation) {
    sends.push(revocationFor(c, c.localCommit.index - 1n, ctx.signer))
  } else if (resendCommit) {
    sends.push(...commitBatch())
  }

  // channel_ready is retransmitted while no commitment was ever updated
  if (msg.nextCommitmentNumber === 1n && c.localCommit.index === 0n && prior.state !== 'WAIT_FOR_FUNDING_CONFIRMED') {
    sends.unshift({
      type: 'channel_ready',
      channelId: c.channelId,
      secondPerCommitmentPoint: keys.perCommitmentPoint(1n),
    })
  }
  const effects: ChannelEffect[] = sends.map((m): ChannelEffect => ({ type: 'send', message: m }))

  switch (prior.state) {
    case 'NORMAL':
    case 'SHUTDOWN': {
      // BOLT #2: a node that sent shutdown retransmits it on reconnection
      const shutdown = prior.localShutdown
      if (shutdown) effects.push({ type: 'send', message: shutdown })
      const next = afterUpdate(signIfNeeded(prior, ctx.signer), ctx)
      return { data: next.data, effects: [...effects, ...next.effects] }
    }
    case 'NEGOTIATING': {
      // negotiation restarts after a reconnection
      effects.push({ type: 'send', message: prior.localShutdown })
      if (c.localParams.isFunder) {
        const r = sendFirstClosingSigned({ ...prior, lastSent: undefined }, ctx.signer)
        return { data: r.data, effects: [...effects, ...r.effects] }
      }
      return result({ ...prior, lastSent: undefined }, ...effects)
    }
    default:
      return result(prior, ...effects)
  }
}
