/**
 * The channel state machine: step(data, input, ctx) → { data, effects }.
 * Pure and deterministic: no sockets, timers or disk. The node persists the new
 * data before carrying out the effects, so a channel can be replayed after a crash.
 *
 * Rule violations by the peer leave the state exactly as it was and produce a
 * warning naming the rule plus a disconnection (so both sides forget unsigned
 * updates and re-sync); those BOLT #2 says must fail the channel force-close it.
 */
import { bytesEqual, toHex } from '../core/bytes.js'
import { outpointKey, txid as txidOf } from '../chain/transaction.js'
import { latestRemoteCommit, type Commitments } from './commitments.js'
import { FULFILL_SAFETY_BLOCKS } from './constants.js'
import { ChannelError, channelError } from './errors.js'
import type { ChannelContext, ChannelEffect, ChannelInput } from './io.js'
import { claimWithNewPreimage, forceClose, handleClosingOutputSpent, handleFundingSpent } from './closing.js'
import { handleClosingSigned } from './negotiating.js'
import { handleOperatingCommand, handleOperatingMessage } from './normal.js'
import {
  abortOpening,
  fundingTimedOut,
  handleAcceptChannel,
  handleChannelReady,
  handleEarlyChannelReady,
  handleFundingConfirmed,
  handleFundingCreated,
  handleFundingSigned,
  handleFundingTxCreated,
  handleOpenChannel,
} from './opening.js'
import { goOffline, goSyncing, handleReestablish } from './reestablish.js'
import { event, result, warningMsg, type StepResult } from './result.js'
import { channelIdOf, type ChannelData, type ConnectedState } from './states.js'

export function step(data: ChannelData, input: ChannelInput, ctx: ChannelContext): StepResult {
  let r: StepResult
  try {
    r = dispatch(data, input, ctx)
  } catch (err) {
    if (!(err instanceof ChannelError)) throw err
    r = onRuleBroken(data, input, err, ctx)
  }
  if (r.data.state !== data.state) r.effects.push(event({ type: 'state_changed', from: data.state, to: r.data.state }))
  if (input.type === 'command' && !r.reply) r.reply = { ok: true }
  return r
}

function onRuleBroken(data: ChannelData, input: ChannelInput, err: ChannelError, ctx: ChannelContext): StepResult {
  if (input.type === 'command') return { ...result(data), reply: { ok: false, code: err.code, message: err.message } }
  const violation = event({ type: 'protocol_violation', code: err.code, message: err.message, fatal: err.fatal })
  const id = channelIdOf(data)
  if (OPENING_STATES.includes(data.state)) {
    // nothing is at stake before the funding transaction is broadcast: give up on the channel
    const r = abortOpening(id, data.remoteNodeId, `${err.code}: ${err.message}`, input.type === 'message')
    return { data: r.data, effects: [violation, ...r.effects] }
  }
  if (err.fatal && hasLiveCommitments(data)) {
    const r = forceClose(liveData(data), `${err.code}: ${err.message}`, true, ctx.signer)
    return { data: r.data, effects: [violation, ...r.effects] }
  }
  if (input.type !== 'message') throw err
  return result(
    data,
    { type: 'send', message: warningMsg(id, `${err.code}: ${err.message}`) },
    { type: 'disconnect', reason: err.code },
    violation,
  )
}

/** Before the funding transaction is broadcast: nothing is at stake yet. */
const OPENING_STATES: readonly ChannelData['state'][] = [
  'WAIT_FOR_OPEN_CHANNEL',
  'WAIT_FOR_ACCEPT_CHANNEL',
  'WAIT_FOR_FUNDING_INTERNAL',
  'WAIT_FOR_FUNDING_CREATED',
  'WAIT_FOR_FUNDING_SIGNED',
]

function hasLiveCommitments(data: ChannelData): boolean {
  return [
    'WAIT_FOR_FUNDING_CONFIRMED',
    'WAIT_FOR_CHANNEL_READY',
    'NORMAL',
    'SHUTDOWN',
    'NEGOTIATING',
    'OFFLINE',
    'SYNCING',
  ].includes(data.state)
}

function liveData(data: ChannelData): ConnectedState {
  if (data.state === 'OFFLINE' || data.state === 'SYNCING') return data.prior
  return data as ConnectedState
}

function failChannel(
  data: ChannelData,
  input: Extract<ChannelInput, { type: 'fail' }>,
  ctx: ChannelContext,
): StepResult {
  const why = `${input.code}: ${input.reason}`
  const effects: ChannelEffect[] = input.byPeer
    ? [event({ type: 'protocol_violation', code: input.code, message: input.reason, fatal: true })]
    : []
  let r: StepResult
  if (hasLiveCommitments(data)) r = forceClose(liveData(data), why, true, ctx.signer)
  else if (OPENING_STATES.includes(data.state)) r = abortOpening(channelIdOf(data), data.remoteNodeId, why, true)
  // already closing, closed, or waiting for the peer to close: the chain decides from here
  else r = result(data)
  return { data: r.data, effects: [...effects, ...r.effects] }
}

/** An HTLC that the chain must settle now: ours expired, or theirs that we can fulfill about to expire. */
function expiringHtlc(c: Commitments, height: number, ctx: ChannelContext): string | undefined {
  const remote = latestRemoteCommit(c).spec.htlcs.map((h) => ({
    ...h,
    direction: h.direction === 'incoming' ? ('outgoing' as const) : ('incoming' as const),
  }))
  const preimages = new Set<string>()
  for (const u of [...c.localChanges.proposed, ...c.localChanges.signed, ...c.localChanges.acked])
    if (u.type === 'update_fulfill_htlc') preimages.add(`${u.id}`)
  for (const h of [...c.localCommit.spec.htlcs, ...remote]) {
    if (h.direction === 'outgoing' && height >= h.cltvExpiry)
      return `outgoing HTLC ${h.id} expired at block ${h.cltvExpiry}`
    if (
      h.direction === 'incoming' &&
      height >= h.cltvExpiry - FULFILL_SAFETY_BLOCKS &&
      (preimages.has(`${h.id}`) || ctx.preimageFor?.(h.paymentHash))
    ) {
      return `incoming HTLC ${h.id} we can fulfill expires at block ${h.cltvExpiry}`
    }
  }
  return undefined
}

/** Chain inputs are handled the same whether or not the peer is connected. */
function handleChainInput(data: ConnectedState, input: ChannelInput, ctx: ChannelContext): StepResult | undefined {
  const c = data.commitments
  if (input.type === 'output_spent' && outpointKey(input.outpoint) === outpointKey(c.funding.outpoint)) {
    return handleFundingSpent(data, input.tx, input.blockHeight, input.revokedIndex, ctx)
  }
  if (input.type === 'block') {
    if (data.state === 'WAIT_FOR_FUNDING_CONFIRMED' && fundingTimedOut(data, input.height)) {
      return abortOpening(c.channelId, data.remoteNodeId, 'the funding transaction did not confirm in time', false)
    }
    const expiring = expiringHtlc(c, input.height, ctx)
    if (expiring) return forceClose(data, expiring, false, ctx.signer)
    return result(data)
  }
  if (input.type === 'command' && input.command.type === 'force_close')
    return forceClose(data, input.command.why ?? 'force close requested', true, ctx.signer)
  return undefined
}

function dispatch(data: ChannelData, input: ChannelInput, ctx: ChannelContext): StepResult {
  if (input.type === 'fail') return failChannel(data, input, ctx)
  if (input.type === 'message' && input.message.type === 'warning') {
    return result(
      data,
      event({ type: 'peer_error', message: `warning: ${new TextDecoder().decode(input.message.data)}` }),
    )
  }
  if (input.type === 'message' && input.message.type === 'error') {
    const text = new TextDecoder().decode(input.message.data)
    const peer = event({ type: 'peer_error', message: text })
    if (hasLiveCommitments(data) && data.state !== 'OFFLINE') {
      const r = forceClose(liveData(data), `the peer sent an error: ${text}`, false, ctx.signer)
      return { data: r.data, effects: [peer, ...r.effects] }
    }
    if (OPENING_STATES.includes(data.state)) {
      const r = abortOpening(channelIdOf(data), data.remoteNodeId, `the peer sent an error: ${text}`, false)
      return { data: r.data, effects: [peer, ...r.effects] }
    }
    return result(data, peer)
  }
  const msg = input.type === 'message' ? input.message : undefined
  switch (data.state) {
    case 'WAIT_FOR_OPEN_CHANNEL':
      if (msg?.type === 'open_channel') return handleOpenChannel(data, msg, ctx)
      if (input.type === 'disconnected')
        return abortOpening(data.temporaryChannelId, data.remoteNodeId, 'disconnected', false)
      break
    case 'WAIT_FOR_ACCEPT_CHANNEL':
      if (msg?.type === 'accept_channel') return handleAcceptChannel(data, msg)
      if (input.type === 'disconnected')
        return abortOpening(data.init.temporaryChannelId, data.remoteNodeId, 'disconnected', false)
      break
    case 'WAIT_FOR_FUNDING_INTERNAL':
      if (input.type === 'funding_tx_created')
        return handleFundingTxCreated(data, input.tx, txidOf(input.tx), input.outputIndex, ctx.signer)
      if (input.type === 'funding_tx_failed')
        return abortOpening(
          data.opening.temporaryChannelId,
          data.remoteNodeId,
          `could not fund the channel: ${input.reason}`,
          true,
        )
      if (input.type === 'disconnected')
        return abortOpening(data.opening.temporaryChannelId, data.remoteNodeId, 'disconnected', false)
      break
    case 'WAIT_FOR_FUNDING_CREATED':
      if (msg?.type === 'funding_created') return handleFundingCreated(data, msg, ctx)
      if (input.type === 'disconnected')
        return abortOpening(data.opening.temporaryChannelId, data.remoteNodeId, 'disconnected', false)
      break
    case 'WAIT_FOR_FUNDING_SIGNED':
      if (msg?.type === 'funding_signed') return handleFundingSigned(data, msg, ctx)
      // the funding transaction was never broadcast: nothing to remember
      if (input.type === 'disconnected')
        return abortOpening(data.commitments.channelId, data.remoteNodeId, 'disconnected', false)
      break
    case 'WAIT_FOR_FUNDING_CONFIRMED': {
      const chain = handleChainInput(data, input, ctx)
      if (chain) return chain
      if (input.type === 'tx_confirmed' && input.txid === data.commitments.funding.outpoint.txid)
        return handleFundingConfirmed(data, input.blockHeight, input.txIndex, ctx.signer)
      if (msg?.type === 'channel_ready') return handleEarlyChannelReady(data, msg)
      if (input.type === 'disconnected') return goOffline(data)
      if (input.type === 'command')
        throw channelError('CHANNEL_NOT_READY', 'the channel is waiting for its funding transaction to confirm')
      break
    }
    case 'WAIT_FOR_CHANNEL_READY': {
      const chain = handleChainInput(data, input, ctx)
      if (chain) return chain
      if (msg?.type === 'channel_ready') return handleChannelReady(data, msg)
      if (input.type === 'disconnected') return goOffline(data)
      if (input.type === 'command') throw channelError('CHANNEL_NOT_READY', 'the peer has not sent channel_ready yet')
      break
    }
    case 'NORMAL':
    case 'SHUTDOWN': {
      const chain = handleChainInput(data, input, ctx)
      if (chain) return chain
      if (msg) return handleOperatingMessage(data, msg, ctx)
      if (input.type === 'command') return handleOperatingCommand(data, input.command, ctx)
      if (input.type === 'disconnected') return goOffline(data)
      break
    }
    case 'NEGOTIATING': {
      const chain = handleChainInput(data, input, ctx)
      if (chain) return chain
      if (msg?.type === 'closing_signed') return handleClosingSigned(data, msg, ctx.signer)
      // a shutdown retransmitted after reconnection
      if (msg?.type === 'shutdown') return result(data)
      if (input.type === 'disconnected') return goOffline(data)
      if (input.type === 'command') throw channelError('CHANNEL_CLOSING', 'the channel is negotiating its closing fee')
      break
    }
    case 'CLOSING': {
      if (input.type === 'output_spent') {
        if (outpointKey(input.outpoint) === outpointKey(data.commitments.funding.outpoint))
          return handleFundingSpent(data, input.tx, input.blockHeight, input.revokedIndex, ctx)
        return handleClosingOutputSpent(data, input.outpoint, input.tx, input.blockHeight, ctx)
      }
      if (input.type === 'command' && input.command.type === 'fulfill_htlc') return claimWithNewPreimage(data, ctx)
      if (input.type === 'command') throw channelError('CHANNEL_CLOSING', 'the channel is closing on chain')
      return result(data)
    }
    case 'CLOSED':
      if (input.type === 'command') throw channelError('CHANNEL_CLOSED', 'the channel is closed')
      return result(data)
    case 'ERR_INFORMATION_LEAK':
      if (
        input.type === 'output_spent' &&
        outpointKey(input.outpoint) === outpointKey(data.commitments.funding.outpoint)
      ) {
        return handleFundingSpent(data, input.tx, input.blockHeight, input.revokedIndex, ctx)
      }
      if (input.type === 'command')
        throw channelError(
          'LOCAL_STATE_LOST',
          'this node lost channel state; waiting for the peer to close the channel',
        )
      return result(data)
    case 'OFFLINE':
    case 'SYNCING': {
      const chain = handleChainInput(data.prior, input, ctx)
      if (chain) {
        // the prior state stays suspended unless the chain moved the channel on
        if (chain.data.state === data.prior.state && 'commitments' in chain.data)
          return result({ ...data, prior: chain.data as ConnectedState }, ...chain.effects)
        return chain
      }
      if (
        input.type === 'tx_confirmed' &&
        data.prior.state === 'WAIT_FOR_FUNDING_CONFIRMED' &&
        input.txid === data.prior.commitments.funding.outpoint.txid
      ) {
        // confirmed while disconnected: channel_ready goes out after channel_reestablish
        const r = handleFundingConfirmed(data.prior, input.blockHeight, input.txIndex, ctx.signer)
        return result(
          { ...data, prior: r.data as ConnectedState },
          ...r.effects.filter((e: ChannelEffect) => e.type !== 'send'),
        )
      }
      if (input.type === 'connected' && data.state === 'OFFLINE') return goSyncing(data, ctx.signer)
      if (input.type === 'disconnected') return result({ ...data, state: 'OFFLINE' })
      if (data.state === 'SYNCING' && msg?.type === 'channel_reestablish') return handleReestablish(data, msg, ctx)
      if (input.type === 'command')
        throw channelError(
          'PEER_OFFLINE',
          `the peer is not connected (channel ${data.state}): try again once it reconnects`,
        )
      // BOLT #2: nothing but channel_reestablish until both sides have resynchronised
      return result(data)
    }
  }
  if (msg) throw channelError('UNEXPECTED_MESSAGE', `${msg.type} is not expected in state ${data.state}`)
  if (input.type === 'command')
    throw channelError('UNEXPECTED_COMMAND', `${input.command.type} is not possible in state ${data.state}`)
  return result(data)
}

/** The channel id as people see it: hex. */
export function channelIdHexOf(data: ChannelData): string {
  return toHex(channelIdOf(data))
}

export function sameChannel(data: ChannelData, channelId: Uint8Array): boolean {
  return bytesEqual(channelIdOf(data), channelId)
}
