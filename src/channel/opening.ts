/**
 * Channel establishment (BOLT #2 v1): open_channel → accept_channel →
 * funding_created → funding_signed → (confirmations) → channel_ready.
 * The funder broadcasts the funding transaction only once it holds the
 * fundee's signature on its first commitment.
 */
import type { Sat, Msat } from '../core/amount.js'
import { bytesEqual, fromHex, toHex } from '../core/bytes.js'
import { shortChannelId } from '../core/shortChannelId.js'
import { conditionsEqual, type Condition } from '../chain/condition.js'
import type { Transaction } from '../chain/transaction.js'
import { isValidPublicKey } from '../crypto/secp256k1.js'
import type { AcceptChannel, ChannelReady, FundingCreated, FundingSigned, OpenChannel } from '../wire/messages.js'
import type { Commitments } from './commitments.js'
import { buildLocalCommitTx, buildRemoteCommitTx } from './commitments.js'
import { channelIdFromFunding, signFundingSpend, verifyFundingSpend, type FundingInfo } from './commitmentTx.js'
import type { CommitmentSpec } from './commitmentSpec.js'
import { flipSpec } from './commitmentSpec.js'
import {
  FUNDING_TIMEOUT_BLOCKS,
  MAX_ACCEPTED_HTLCS_LIMIT,
  MAX_FUNDING_SAT,
  MAX_TO_SELF_DELAY,
  MIN_DUST_LIMIT_SAT,
  type ChannelConfig,
} from './constants.js'
import { channelError } from './errors.js'
import { commitTxFeeSat } from './fees.js'
import type { ChannelContext } from './io.js'
import type { ChannelKeys, ChannelSigner } from './signer.js'
import type { LocalParams, RemoteParams } from './params.js'
import { errorMsg, event, result, type StepResult } from './result.js'
import { fundingCondition } from './scripts.js'
import type {
  AgreedOpening,
  WaitForAcceptChannel,
  WaitForChannelReady,
  WaitForFundingConfirmed,
  WaitForFundingCreated,
  WaitForFundingInternal,
  WaitForFundingSigned,
  WaitForOpenChannel,
  Normal,
} from './states.js'

const MAX_MINIMUM_DEPTH = 144
const MIN_FEERATE_PER_KW = 253
const MAX_FEERATE_PER_KW = 100_000

function reserveFor(fundingSat: Sat, config: ChannelConfig, floor: Sat): Sat {
  const reserve = (fundingSat * config.reservePpm) / 1_000_000n
  return reserve > floor ? reserve : floor
}

function makeLocalParams(
  config: ChannelConfig,
  keys: ChannelKeys,
  keysId: string,
  isFunder: boolean,
  finalCondition: Condition,
  channelReserveSat: Sat,
): LocalParams {
  return {
    dustLimitSat: config.dustLimitSat,
    maxHtlcValueInFlightMsat: config.maxHtlcValueInFlightMsat,
    channelReserveSat,
    htlcMinimumMsat: config.htlcMinimumMsat,
    toSelfDelay: config.toSelfDelay,
    maxAcceptedHtlcs: config.maxAcceptedHtlcs,
    basepoints: keys.basepoints,
    keysId,
    isFunder,
    finalCondition,
  }
}

function checkPoints(points: Uint8Array[]): void {
  for (const p of points)
    if (!isValidPublicKey(p)) throw channelError('INVALID_BASEPOINT', `${toHex(p)} is not a valid public key`)
}

/** The limits every peer's parameters must respect (BOLT #2 "The receiving node MUST fail the channel if"). */
function checkRemoteParams(p: {
  dustLimitSatoshis: Sat
  toSelfDelay: number
  maxAcceptedHtlcs: number
  channelReserveSatoshis: Sat
}): void {
  if (p.toSelfDelay > MAX_TO_SELF_DELAY)
    throw channelError('TO_SELF_DELAY_TOO_LARGE', `to_self_delay ${p.toSelfDelay} is larger than ${MAX_TO_SELF_DELAY}`)
  if (p.maxAcceptedHtlcs > MAX_ACCEPTED_HTLCS_LIMIT || p.maxAcceptedHtlcs < 1)
    throw channelError(
      'INVALID_MAX_ACCEPTED_HTLCS',
      `max_accepted_htlcs ${p.maxAcceptedHtlcs} is not between 1 and ${MAX_ACCEPTED_HTLCS_LIMIT}`,
    )
  if (p.dustLimitSatoshis < MIN_DUST_LIMIT_SAT)
    throw channelError(
      'DUST_LIMIT_TOO_SMALL',
      `dust_limit_satoshis ${p.dustLimitSatoshis} is below ${MIN_DUST_LIMIT_SAT}`,
    )
}

function remoteParamsFrom(m: OpenChannel | AcceptChannel): RemoteParams {
  return {
    dustLimitSat: m.dustLimitSatoshis,
    maxHtlcValueInFlightMsat: m.maxHtlcValueInFlightMsat,
    channelReserveSat: m.channelReserveSatoshis,
    htlcMinimumMsat: m.htlcMinimumMsat,
    toSelfDelay: m.toSelfDelay,
    maxAcceptedHtlcs: m.maxAcceptedHtlcs,
    basepoints: {
      fundingPubkey: m.fundingPubkey,
      revocationBasepoint: m.revocationBasepoint,
      paymentBasepoint: m.paymentBasepoint,
      delayedPaymentBasepoint: m.delayedPaymentBasepoint,
      htlcBasepoint: m.htlcBasepoint,
    },
  }
}

/** The funder's and the fundee's first balances, each from its own point of view. */
function initialSpecs(
  fundingSat: Sat,
  pushMsat: Msat,
  feeratePerKw: number,
  localIsFunder: boolean,
): { local: CommitmentSpec; remote: CommitmentSpec } {
  const funderSpec: CommitmentSpec = {
    htlcs: [],
    toLocalMsat: fundingSat * 1000n - pushMsat,
    toRemoteMsat: pushMsat,
    feeratePerKw,
  }
  return localIsFunder
    ? { local: funderSpec, remote: flipSpec(funderSpec) }
    : { local: flipSpec(funderSpec), remote: funderSpec }
}

// ---- funder ------------------------------------------------------------

export interface OpenArgs {
  remoteNodeId: Uint8Array
  temporaryChannelId: Uint8Array
  fundingSat: Sat
  pushMsat: Msat
  announce: boolean
  config: ChannelConfig
  keysId: string
  finalCondition: Condition
}

/** Starts a channel as funder: returns WAIT_FOR_ACCEPT_CHANNEL and the open_channel to send. */
export function openChannel(args: OpenArgs, ctx: ChannelContext): StepResult {
  if (args.fundingSat <= 0n || args.fundingSat > MAX_FUNDING_SAT)
    throw channelError('INVALID_FUNDING_AMOUNT', `funding must be from 1 to ${MAX_FUNDING_SAT} sat`)
  if (args.pushMsat < 0n || args.pushMsat > args.fundingSat * 1000n)
    throw channelError('INVALID_PUSH_AMOUNT', 'push amount must be between 0 and the funding amount')
  const { config } = args
  const keys = ctx.signer.channel(args.keysId)
  const localParams = makeLocalParams(
    config,
    keys,
    args.keysId,
    true,
    args.finalCondition,
    reserveFor(args.fundingSat, config, config.dustLimitSat),
  )
  const fee = commitTxFeeSat(
    { htlcs: [], toLocalMsat: 0n, toRemoteMsat: 0n, feeratePerKw: config.feeratePerKw },
    config.dustLimitSat,
  )
  if (args.fundingSat * 1000n - args.pushMsat < fee * 1000n)
    throw channelError(
      'CANNOT_AFFORD_FEE',
      `after pushing ${args.pushMsat} msat the funder cannot pay the ${fee} sat commitment fee`,
    )
  const bp = localParams.basepoints
  const open: OpenChannel = {
    type: 'open_channel',
    chainHash: ctx.chainHash,
    temporaryChannelId: args.temporaryChannelId,
    fundingSatoshis: args.fundingSat,
    pushMsat: args.pushMsat,
    dustLimitSatoshis: localParams.dustLimitSat,
    maxHtlcValueInFlightMsat: localParams.maxHtlcValueInFlightMsat,
    channelReserveSatoshis: localParams.channelReserveSat,
    htlcMinimumMsat: localParams.htlcMinimumMsat,
    feeratePerKw: config.feeratePerKw,
    toSelfDelay: localParams.toSelfDelay,
    maxAcceptedHtlcs: localParams.maxAcceptedHtlcs,
    fundingPubkey: bp.fundingPubkey,
    revocationBasepoint: bp.revocationBasepoint,
    paymentBasepoint: bp.paymentBasepoint,
    delayedPaymentBasepoint: bp.delayedPaymentBasepoint,
    htlcBasepoint: bp.htlcBasepoint,
    firstPerCommitmentPoint: keys.perCommitmentPoint(0n),
    channelFlags: args.announce ? 1 : 0,
  }
  const data: WaitForAcceptChannel = {
    state: 'WAIT_FOR_ACCEPT_CHANNEL',
    remoteNodeId: args.remoteNodeId,
    init: {
      temporaryChannelId: args.temporaryChannelId,
      fundingSat: args.fundingSat,
      pushMsat: args.pushMsat,
      feeratePerKw: config.feeratePerKw,
      channelFlags: open.channelFlags,
      localParams,
      minimumDepth: config.minimumDepth,
    },
    lastSent: open,
  }
  return result(data, { type: 'send', message: open })
}

export function handleAcceptChannel(data: WaitForAcceptChannel, accept: AcceptChannel): StepResult {
  const { init } = data
  if (!bytesEqual(accept.temporaryChannelId, init.temporaryChannelId))
    throw channelError('UNKNOWN_CHANNEL', 'accept_channel for another temporary channel id')
  checkRemoteParams(accept)
  checkPoints([
    accept.fundingPubkey,
    accept.revocationBasepoint,
    accept.paymentBasepoint,
    accept.delayedPaymentBasepoint,
    accept.htlcBasepoint,
    accept.firstPerCommitmentPoint,
  ])
  if (accept.minimumDepth > MAX_MINIMUM_DEPTH)
    throw channelError(
      'MINIMUM_DEPTH_TOO_LARGE',
      `minimum_depth ${accept.minimumDepth} is larger than ${MAX_MINIMUM_DEPTH}`,
    )
  // BOLT #2 accept_channel: each reserve must be at least the other side's dust limit
  if (accept.channelReserveSatoshis < init.localParams.dustLimitSat)
    throw channelError('RESERVE_BELOW_DUST', 'the peer asks a reserve below our dust limit')
  if (init.localParams.channelReserveSat < accept.dustLimitSatoshis)
    throw channelError('DUST_ABOVE_RESERVE', 'the peer has a dust limit above the reserve we ask')
  const opening: AgreedOpening = {
    temporaryChannelId: init.temporaryChannelId,
    fundingSat: init.fundingSat,
    pushMsat: init.pushMsat,
    feeratePerKw: init.feeratePerKw,
    channelFlags: init.channelFlags,
    localParams: init.localParams,
    remoteParams: remoteParamsFrom(accept),
    remoteFirstPerCommitmentPoint: accept.firstPerCommitmentPoint,
    minimumDepth: Math.max(accept.minimumDepth, 1),
  }
  const next: WaitForFundingInternal = { state: 'WAIT_FOR_FUNDING_INTERNAL', remoteNodeId: data.remoteNodeId, opening }
  const condition = fundingCondition(init.localParams.basepoints.fundingPubkey, accept.fundingPubkey)
  return result(next, { type: 'make_funding_tx', amountSat: init.fundingSat, condition })
}

/** The wallet built the funding transaction: sign the fundee's first commitment and send funding_created. */
export function handleFundingTxCreated(
  data: WaitForFundingInternal,
  tx: Transaction,
  txidHex: string,
  outputIndex: number,
  signer: ChannelSigner,
): StepResult {
  const o = data.opening
  const output = tx.outputs[outputIndex]
  const condition = fundingCondition(o.localParams.basepoints.fundingPubkey, o.remoteParams.basepoints.fundingPubkey)
  if (!output || output.value !== o.fundingSat || !conditionsEqual(output.condition, condition)) {
    throw channelError(
      'INVALID_FUNDING_TX',
      `the funding transaction has no ${o.fundingSat} sat 2-of-2 output at index ${outputIndex}`,
    )
  }
  const funding: FundingInfo = { outpoint: { txid: txidHex, vout: outputIndex }, output }
  const channelId = channelIdFromFunding(txidHex, outputIndex)
  const specs = initialSpecs(o.fundingSat, o.pushMsat, o.feeratePerKw, true)
  const base = { funding, localParams: o.localParams, remoteParams: o.remoteParams }
  const remoteTx = buildRemoteCommitTx(base, specs.remote, o.remoteFirstPerCommitmentPoint, signer)
  const localTx = buildLocalCommitTx(base, 0n, specs.local, signer)
  const signature = signFundingSpend(remoteTx.tx, funding, signer.channel(o.localParams.keysId).secrets.fundingPrivkey)
  const fundingCreated: FundingCreated = {
    type: 'funding_created',
    temporaryChannelId: o.temporaryChannelId,
    fundingTxid: fromHex(txidHex, 32),
    fundingOutputIndex: outputIndex,
    signature,
  }
  const next: WaitForFundingSigned = {
    state: 'WAIT_FOR_FUNDING_SIGNED',
    remoteNodeId: data.remoteNodeId,
    commitments: commitmentsWithout(channelId, o, funding, {
      index: 0n,
      spec: specs.remote,
      txid: remoteTx.txid,
      remotePerCommitmentPoint: o.remoteFirstPerCommitmentPoint,
    }),
    localCommit: { index: 0n, spec: specs.local, txid: localTx.txid, htlcSigs: [] },
    fundingTx: tx,
    minimumDepth: o.minimumDepth,
    lastSent: fundingCreated,
  }
  return result(next, { type: 'send', message: fundingCreated })
}

function commitmentsWithout(
  channelId: Uint8Array,
  o: AgreedOpening,
  funding: FundingInfo,
  remoteCommit: Commitments['remoteCommit'],
): Omit<Commitments, 'localCommit'> {
  return {
    channelId,
    localParams: o.localParams,
    remoteParams: o.remoteParams,
    channelFlags: o.channelFlags,
    funding,
    capacitySat: o.fundingSat,
    remoteCommit,
    localChanges: { proposed: [], signed: [], acked: [] },
    remoteChanges: { proposed: [], signed: [], acked: [] },
    localNextHtlcId: 0n,
    remoteNextHtlcId: 0n,
    // the peer's second point arrives in channel_ready; nothing can be signed before that
    remoteNextCommitInfo: { kind: 'ready', nextPerCommitmentPoint: o.remoteFirstPerCommitmentPoint },
    remotePerCommitmentSecrets: { known: new Array(49).fill(null) },
  }
}

export function handleFundingSigned(data: WaitForFundingSigned, msg: FundingSigned, ctx: ChannelContext): StepResult {
  const c = data.commitments
  if (!bytesEqual(msg.channelId, c.channelId))
    throw channelError('UNKNOWN_CHANNEL', 'funding_signed for another channel')
  const localTx = buildLocalCommitTx(c, 0n, data.localCommit.spec, ctx.signer)
  if (!verifyFundingSpend(localTx.tx, c.funding, msg.signature, c.remoteParams.basepoints.fundingPubkey)) {
    throw channelError('INVALID_COMMITMENT_SIGNATURE', 'funding_signed does not sign our first commitment')
  }
  const commitments: Commitments = { ...c, localCommit: { ...data.localCommit, remoteSig: msg.signature } }
  const next: WaitForFundingConfirmed = {
    state: 'WAIT_FOR_FUNDING_CONFIRMED',
    remoteNodeId: data.remoteNodeId,
    commitments,
    fundingTx: data.fundingTx,
    minimumDepth: data.minimumDepth,
    waitingSince: ctx.blockHeight,
  }
  return result(
    next,
    { type: 'broadcast', tx: data.fundingTx, txid: c.funding.outpoint.txid, label: 'funding', validFromHeight: 0 },
    { type: 'watch_confirmed', txid: c.funding.outpoint.txid, depth: data.minimumDepth },
    { type: 'watch_spent', outpoint: c.funding.outpoint },
  )
}

// ---- fundee ------------------------------------------------------------

export interface AwaitOpenArgs {
  remoteNodeId: Uint8Array
  temporaryChannelId: Uint8Array
  config: ChannelConfig
  keysId: string
  finalCondition: Condition
}

export function awaitOpenChannel(args: AwaitOpenArgs): WaitForOpenChannel {
  return { state: 'WAIT_FOR_OPEN_CHANNEL', ...args }
}

export function handleOpenChannel(data: WaitForOpenChannel, open: OpenChannel, ctx: ChannelContext): StepResult {
  if (!bytesEqual(open.chainHash, ctx.chainHash))
    throw channelError('UNKNOWN_CHAIN', `open_channel is for chain ${toHex(open.chainHash)}, not ours`)
  if (open.fundingSatoshis <= 0n || open.fundingSatoshis > MAX_FUNDING_SAT)
    throw channelError('INVALID_FUNDING_AMOUNT', `funding_satoshis ${open.fundingSatoshis} is out of range`)
  if (open.pushMsat > open.fundingSatoshis * 1000n)
    throw channelError('INVALID_PUSH_AMOUNT', 'push_msat is greater than funding_satoshis * 1000')
  checkRemoteParams(open)
  if (open.feeratePerKw < MIN_FEERATE_PER_KW || open.feeratePerKw > MAX_FEERATE_PER_KW)
    throw channelError(
      'INVALID_FEERATE',
      `feerate_per_kw ${open.feeratePerKw} is not between ${MIN_FEERATE_PER_KW} and ${MAX_FEERATE_PER_KW}`,
    )
  checkPoints([
    open.fundingPubkey,
    open.revocationBasepoint,
    open.paymentBasepoint,
    open.delayedPaymentBasepoint,
    open.htlcBasepoint,
    open.firstPerCommitmentPoint,
  ])
  if (open.dustLimitSatoshis > open.channelReserveSatoshis)
    throw channelError('DUST_ABOVE_RESERVE', 'dust_limit_satoshis is greater than channel_reserve_satoshis')
  const { config } = data
  const reserve = reserveFor(
    open.fundingSatoshis,
    config,
    open.dustLimitSatoshis > config.dustLimitSat ? open.dustLimitSatoshis : config.dustLimitSat,
  )
  const fee = commitTxFeeSat(
    { htlcs: [], toLocalMsat: 0n, toRemoteMsat: 0n, feeratePerKw: open.feeratePerKw },
    config.dustLimitSat,
  )
  const funderMsat = open.fundingSatoshis * 1000n - open.pushMsat
  if (funderMsat < fee * 1000n)
    throw channelError('CANNOT_AFFORD_FEE', 'the funder cannot pay the fee of the first commitment')
  if (funderMsat <= reserve * 1000n && open.pushMsat <= open.channelReserveSatoshis * 1000n)
    throw channelError('BALANCES_BELOW_RESERVE', 'both balances would be below the channel reserve')
  if (open.channelReserveSatoshis < config.dustLimitSat)
    throw channelError('RESERVE_BELOW_DUST', 'the funder asks a reserve below our dust limit')
  const keys = ctx.signer.channel(data.keysId)
  const localParams = makeLocalParams(config, keys, data.keysId, false, data.finalCondition, reserve)
  const bp = localParams.basepoints
  const accept: AcceptChannel = {
    type: 'accept_channel',
    temporaryChannelId: open.temporaryChannelId,
    dustLimitSatoshis: localParams.dustLimitSat,
    maxHtlcValueInFlightMsat: localParams.maxHtlcValueInFlightMsat,
    channelReserveSatoshis: localParams.channelReserveSat,
    htlcMinimumMsat: localParams.htlcMinimumMsat,
    minimumDepth: config.minimumDepth,
    toSelfDelay: localParams.toSelfDelay,
    maxAcceptedHtlcs: localParams.maxAcceptedHtlcs,
    fundingPubkey: bp.fundingPubkey,
    revocationBasepoint: bp.revocationBasepoint,
    paymentBasepoint: bp.paymentBasepoint,
    delayedPaymentBasepoint: bp.delayedPaymentBasepoint,
    htlcBasepoint: bp.htlcBasepoint,
    firstPerCommitmentPoint: keys.perCommitmentPoint(0n),
  }
  const next: WaitForFundingCreated = {
    state: 'WAIT_FOR_FUNDING_CREATED',
    remoteNodeId: data.remoteNodeId,
    opening: {
      temporaryChannelId: open.temporaryChannelId,
      fundingSat: open.fundingSatoshis,
      pushMsat: open.pushMsat,
      feeratePerKw: open.feeratePerKw,
      channelFlags: open.channelFlags,
      localParams,
      remoteParams: remoteParamsFrom(open),
      remoteFirstPerCommitmentPoint: open.firstPerCommitmentPoint,
      minimumDepth: config.minimumDepth,
    },
    lastSent: accept,
  }
  return result(next, { type: 'send', message: accept })
}

export function handleFundingCreated(
  data: WaitForFundingCreated,
  msg: FundingCreated,
  ctx: ChannelContext,
): StepResult {
  const o = data.opening
  if (!bytesEqual(msg.temporaryChannelId, o.temporaryChannelId))
    throw channelError('UNKNOWN_CHANNEL', 'funding_created for another temporary channel id')
  const txidHex = toHex(msg.fundingTxid)
  const condition = fundingCondition(o.localParams.basepoints.fundingPubkey, o.remoteParams.basepoints.fundingPubkey)
  const funding: FundingInfo = {
    outpoint: { txid: txidHex, vout: msg.fundingOutputIndex },
    output: { value: o.fundingSat, condition },
  }
  const channelId = channelIdFromFunding(txidHex, msg.fundingOutputIndex)
  const specs = initialSpecs(o.fundingSat, o.pushMsat, o.feeratePerKw, false)
  const base = { funding, localParams: o.localParams, remoteParams: o.remoteParams }
  const localTx = buildLocalCommitTx(base, 0n, specs.local, ctx.signer)
  if (!verifyFundingSpend(localTx.tx, funding, msg.signature, o.remoteParams.basepoints.fundingPubkey)) {
    throw channelError('INVALID_COMMITMENT_SIGNATURE', 'funding_created does not sign our first commitment')
  }
  const remoteTx = buildRemoteCommitTx(base, specs.remote, o.remoteFirstPerCommitmentPoint, ctx.signer)
  const signature = signFundingSpend(
    remoteTx.tx,
    funding,
    ctx.signer.channel(o.localParams.keysId).secrets.fundingPrivkey,
  )
  const commitments: Commitments = {
    ...commitmentsWithout(channelId, o, funding, {
      index: 0n,
      spec: specs.remote,
      txid: remoteTx.txid,
      remotePerCommitmentPoint: o.remoteFirstPerCommitmentPoint,
    }),
    localCommit: { index: 0n, spec: specs.local, txid: localTx.txid, remoteSig: msg.signature, htlcSigs: [] },
  }
  const fundingSigned: FundingSigned = { type: 'funding_signed', channelId, signature }
  const next: WaitForFundingConfirmed = {
    state: 'WAIT_FOR_FUNDING_CONFIRMED',
    remoteNodeId: data.remoteNodeId,
    commitments,
    minimumDepth: o.minimumDepth,
    waitingSince: ctx.blockHeight,
  }
  return result(
    next,
    { type: 'send', message: fundingSigned },
    { type: 'watch_confirmed', txid: txidHex, depth: o.minimumDepth },
    { type: 'watch_spent', outpoint: funding.outpoint },
  )
}

// ---- both: confirmations and channel_ready ---------------------------------

function channelReadyFor(c: Commitments, signer: ChannelSigner): ChannelReady {
  return {
    type: 'channel_ready',
    channelId: c.channelId,
    secondPerCommitmentPoint: signer.channel(c.localParams.keysId).perCommitmentPoint(1n),
  }
}

function withRemoteSecondPoint(c: Commitments, msg: ChannelReady): Commitments {
  return { ...c, remoteNextCommitInfo: { kind: 'ready', nextPerCommitmentPoint: msg.secondPerCommitmentPoint } }
}

export function handleFundingConfirmed(
  data: WaitForFundingConfirmed,
  blockHeight: number,
  txIndex: number,
  signer: ChannelSigner,
): StepResult {
  const c = data.commitments
  const scid = shortChannelId(blockHeight, txIndex, c.funding.outpoint.vout)
  const ready = channelReadyFor(c, signer)
  if (data.deferredChannelReady) {
    const next: Normal = {
      state: 'NORMAL',
      remoteNodeId: data.remoteNodeId,
      commitments: withRemoteSecondPoint(c, data.deferredChannelReady),
      shortChannelId: scid,
    }
    return result(next, { type: 'send', message: ready }, event({ type: 'channel_ready', shortChannelId: scid }))
  }
  const next: WaitForChannelReady = {
    state: 'WAIT_FOR_CHANNEL_READY',
    remoteNodeId: data.remoteNodeId,
    commitments: c,
    shortChannelId: scid,
    lastSent: ready,
  }
  return result(next, { type: 'send', message: ready })
}

export function handleEarlyChannelReady(data: WaitForFundingConfirmed, msg: ChannelReady): StepResult {
  if (!bytesEqual(msg.channelId, data.commitments.channelId))
    throw channelError('UNKNOWN_CHANNEL', 'channel_ready for another channel')
  return result({ ...data, deferredChannelReady: msg })
}

export function handleChannelReady(data: WaitForChannelReady, msg: ChannelReady): StepResult {
  if (!bytesEqual(msg.channelId, data.commitments.channelId))
    throw channelError('UNKNOWN_CHANNEL', 'channel_ready for another channel')
  const next: Normal = {
    state: 'NORMAL',
    remoteNodeId: data.remoteNodeId,
    commitments: withRemoteSecondPoint(data.commitments, msg),
    shortChannelId: data.shortChannelId,
  }
  return result(next, event({ type: 'channel_ready', shortChannelId: data.shortChannelId }))
}

/** BOLT #2: a fundee forgets a channel whose funding never confirmed. */
export function fundingTimedOut(data: WaitForFundingConfirmed, height: number): boolean {
  return !data.commitments.localParams.isFunder && height > data.waitingSince + FUNDING_TIMEOUT_BLOCKS
}

export function abortOpening(
  channelId: Uint8Array,
  remoteNodeId: Uint8Array,
  why: string,
  tellPeer: boolean,
): StepResult {
  const effects = tellPeer ? [{ type: 'send' as const, message: errorMsg(channelId, why) }] : []
  return {
    data: { state: 'CLOSED', remoteNodeId, channelId, how: 'aborted', why },
    effects: [...effects, event({ type: 'closed', how: 'aborted' })],
  }
}
