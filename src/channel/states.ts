/**
 * The states of a channel, named as BOLT #2 (and Eclair) name them, each with
 * exactly the data known in that state: a fundee waiting for open_channel has
 * no commitments, a NORMAL channel always has a short channel id.
 */
import type { Sat, Msat } from '../core/amount.js'
import type { ShortChannelId } from '../core/shortChannelId.js'
import type { Transaction } from '../chain/transaction.js'
import type {
  AcceptChannel,
  ChannelReady,
  ClosingSigned,
  FundingCreated,
  OpenChannel,
  Shutdown,
} from '../wire/messages.js'
import type { Claim } from './claims.js'
import type { Commitments, LocalCommit } from './commitments.js'
import type { ChannelConfig } from './constants.js'
import type { LocalParams, RemoteParams } from './params.js'

interface Peer {
  remoteNodeId: Uint8Array
}

/** What the funder decided before sending open_channel. */
export interface FunderInit {
  temporaryChannelId: Uint8Array
  fundingSat: Sat
  pushMsat: Msat
  feeratePerKw: number
  channelFlags: number
  localParams: LocalParams
  minimumDepth: number
}

/** The opening parameters both sides agreed on, before the funding transaction exists. */
export interface AgreedOpening {
  temporaryChannelId: Uint8Array
  fundingSat: Sat
  pushMsat: Msat
  feeratePerKw: number
  channelFlags: number
  localParams: LocalParams
  remoteParams: RemoteParams
  remoteFirstPerCommitmentPoint: Uint8Array
  minimumDepth: number
}

// ---- opening (BOLT #2 "Channel Establishment v1") ----
export interface WaitForOpenChannel extends Peer {
  state: 'WAIT_FOR_OPEN_CHANNEL'
  temporaryChannelId: Uint8Array
  config: ChannelConfig
  keysId: string
  finalCondition: LocalParams['finalCondition']
}
export interface WaitForAcceptChannel extends Peer {
  state: 'WAIT_FOR_ACCEPT_CHANNEL'
  init: FunderInit
  lastSent: OpenChannel
}
/** The funder asked its wallet for the funding transaction and waits for it. */
export interface WaitForFundingInternal extends Peer {
  state: 'WAIT_FOR_FUNDING_INTERNAL'
  opening: AgreedOpening
}
export interface WaitForFundingCreated extends Peer {
  state: 'WAIT_FOR_FUNDING_CREATED'
  opening: AgreedOpening
  lastSent: AcceptChannel
}
export interface WaitForFundingSigned extends Peer {
  state: 'WAIT_FOR_FUNDING_SIGNED'
  /** everything but our first commitment, which has no signature yet */
  commitments: Omit<Commitments, 'localCommit'>
  localCommit: Omit<LocalCommit, 'remoteSig'>
  fundingTx: Transaction
  minimumDepth: number
  lastSent: FundingCreated
}
export interface WaitForFundingConfirmed extends Peer {
  state: 'WAIT_FOR_FUNDING_CONFIRMED'
  commitments: Commitments
  /** the funder keeps it to broadcast again after a restart */
  fundingTx?: Transaction
  minimumDepth: number
  /** block height when we started waiting: a fundee gives up after FUNDING_TIMEOUT_BLOCKS */
  waitingSince: number
  /** the peer's channel_ready, if it came before our own confirmations */
  deferredChannelReady?: ChannelReady
}
export interface WaitForChannelReady extends Peer {
  state: 'WAIT_FOR_CHANNEL_READY'
  commitments: Commitments
  shortChannelId: ShortChannelId
  lastSent: ChannelReady
}

// ---- operating ----
export interface Normal extends Peer {
  state: 'NORMAL'
  commitments: Commitments
  shortChannelId: ShortChannelId
  /** the peer's shutdown, received while we still had unsigned changes: we answer once they are signed */
  remoteShutdown?: Shutdown
  /** our shutdown, sent; we wait for the peer's */
  localShutdown?: Shutdown
  /** a close we were asked for while we still had unsigned changes: sent once they are signed */
  pendingLocalShutdown?: Shutdown
}
export interface ShutdownState extends Peer {
  state: 'SHUTDOWN'
  commitments: Commitments
  shortChannelId: ShortChannelId
  localShutdown: Shutdown
  remoteShutdown: Shutdown
}
export interface Negotiating extends Peer {
  state: 'NEGOTIATING'
  commitments: Commitments
  shortChannelId: ShortChannelId
  localShutdown: Shutdown
  remoteShutdown: Shutdown
  lastSent?: ClosingSigned
  /** txids of every closing transaction we signed: any of them may end up on chain */
  signedClosingTxids: string[]
}

// ---- closing ----
export interface PublishedCommitment {
  whose: 'local' | 'remote' | 'next_remote' | 'revoked' | 'unknown'
  tx: Transaction
  txid: string
  /** the revoked commitment's number, for a penalty */
  revokedIndex?: bigint
  confirmedAt?: number
}
export interface ClosingState extends Peer {
  state: 'CLOSING'
  commitments: Commitments
  shortChannelId?: ShortChannelId
  mutualCloseTx?: { tx: Transaction; txid: string }
  signedClosingTxids: string[]
  published?: PublishedCommitment
  claims: Claim[]
  /** outpoints of the published commitment (or closing tx) still waiting to be spent on chain */
  unresolved: string[]
  why: string
}
export interface Closed extends Peer {
  state: 'CLOSED'
  channelId: Uint8Array
  how: 'mutual' | 'local_force' | 'remote_force' | 'penalty' | 'aborted'
  closingTxid?: string
  why: string
}

/** We learned from channel_reestablish that the peer holds a newer state than we do: never broadcast ours. */
export interface ErrInformationLeak extends Peer {
  state: 'ERR_INFORMATION_LEAK'
  commitments: Commitments
}

/** The states a disconnection suspends rather than ends. */
export type ConnectedState = WaitForFundingConfirmed | WaitForChannelReady | Normal | ShutdownState | Negotiating
export interface Offline extends Peer {
  state: 'OFFLINE'
  prior: ConnectedState
}
/** Reconnected: we sent channel_reestablish and wait for the peer's. */
export interface Syncing extends Peer {
  state: 'SYNCING'
  prior: ConnectedState
}

export type ChannelData =
  | WaitForOpenChannel
  | WaitForAcceptChannel
  | WaitForFundingInternal
  | WaitForFundingCreated
  | WaitForFundingSigned
  | WaitForFundingConfirmed
  | WaitForChannelReady
  | Normal
  | ShutdownState
  | Negotiating
  | ClosingState
  | Closed
  | ErrInformationLeak
  | Offline
  | Syncing

export type ChannelStateName = ChannelData['state']

/** The commitments of any state that has them (through OFFLINE/SYNCING too). */
export function commitmentsOf(data: ChannelData): Commitments | undefined {
  if (data.state === 'OFFLINE' || data.state === 'SYNCING') return data.prior.commitments
  if ('commitments' in data && data.state !== 'WAIT_FOR_FUNDING_SIGNED') return data.commitments
  return undefined
}

export function channelIdOf(data: ChannelData): Uint8Array {
  switch (data.state) {
    case 'WAIT_FOR_OPEN_CHANNEL':
      return data.temporaryChannelId
    case 'WAIT_FOR_ACCEPT_CHANNEL':
      return data.init.temporaryChannelId
    case 'WAIT_FOR_FUNDING_INTERNAL':
    case 'WAIT_FOR_FUNDING_CREATED':
      return data.opening.temporaryChannelId
    case 'CLOSED':
      return data.channelId
    case 'OFFLINE':
    case 'SYNCING':
      return data.prior.commitments.channelId
    default:
      return data.commitments.channelId
  }
}
