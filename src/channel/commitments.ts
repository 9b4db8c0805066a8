/**
 * The money of a channel: both commitments, the updates on their way into
 * them, and the revocation secrets received. Pure functions in the shape of
 * Eclair's Commitments: each takes a Commitments value and returns a new one
 * (or throws a ChannelError naming the broken rule, leaving the input as it was).
 *
 * How an update travels (BOLT #2 "Normal Operation"):
 *   local update:  localChanges.proposed → (we send commitment_signed) signed → (they revoke) acked → (they sign) gone
 *   remote update: remoteChanges.proposed → (they sign) acked → (we sign) signed → (they revoke) gone: irrevocably
 * committed
 */
import type { Sat } from '../core/amount.js'
import { bytesEqual } from '../core/bytes.js'
import { sha256 } from '../crypto/hash.js'
import { derivePrivateKey } from '../crypto/keyDerivation.js'
import { publicKeyOf, isValidPrivateKey } from '../crypto/secp256k1.js'
import { ShachainStore, shachainIndex, type ShachainStoreJson } from '../crypto/shachain.js'
import type {
  CommitmentSigned,
  RevokeAndAck,
  UpdateAddHtlc,
  UpdateFailHtlc,
  UpdateFailMalformedHtlc,
  UpdateFulfillHtlc,
} from '../wire/messages.js'
import { channelError } from './errors.js'
import {
  findHtlc,
  htlcTotalMsat,
  isSettlement,
  reduceSpec,
  specTotalMsat,
  type CommitmentSpec,
  type HtlcInSpec,
  type Update,
} from './commitmentSpec.js'
import {
  buildCommitmentTx,
  signFundingSpend,
  verifyFundingSpend,
  type CommitmentTx,
  type FundingInfo,
} from './commitmentTx.js'
import { commitTxFeeSat, isTrimmed } from './fees.js'
import { DEFAULT_FEE_LIMITS, FEE_SPIKE_BUFFER_MULTIPLE, type FeeLimits } from './constants.js'
import { dustExposure, feeSpikeBufferFeeSat } from './dustExposure.js'
import { buildHtlcTxs, signHtlcTx, verifyHtlcTx, type HtlcTx } from './htlcTx.js'
import type { CommitmentKeys } from './keys.js'
import { localCommitmentKeys, remoteCommitmentKeys, type ChannelSigner } from './signer.js'
import type { LocalParams, RemoteParams } from './params.js'

export interface LocalCommit {
  index: bigint
  spec: CommitmentSpec
  txid: string
  /** the peer's signature on this commitment: what lets us broadcast it */
  remoteSig: Uint8Array
  /** the peer's signatures on this commitment's HTLC transactions, in HTLC output order (buildHtlcTxs) */
  htlcSigs: Uint8Array[]
}

export interface RemoteCommit {
  index: bigint
  /** from the peer's point of view: toLocal is the peer's balance */
  spec: CommitmentSpec
  txid: string
  remotePerCommitmentPoint: Uint8Array
}

export type RemoteNextCommitInfo =
  | {
      kind: 'waiting_for_revocation'
      nextRemoteCommit: RemoteCommit
      sent: CommitmentSigned
      /** our localCommit.index when we sent it: orders retransmission against revoke_and_ack */
      sentAfterLocalCommitIndex: bigint
    }
  | { kind: 'ready'; nextPerCommitmentPoint: Uint8Array }

export interface Changes {
  proposed: Update[]
  signed: Update[]
  acked: Update[]
}

export interface Commitments {
  channelId: Uint8Array
  localParams: LocalParams
  remoteParams: RemoteParams
  channelFlags: number
  funding: FundingInfo
  capacitySat: Sat
  localCommit: LocalCommit
  remoteCommit: RemoteCommit
  localChanges: Changes
  remoteChanges: Changes
  localNextHtlcId: bigint
  remoteNextHtlcId: bigint
  remoteNextCommitInfo: RemoteNextCommitInfo
  remotePerCommitmentSecrets: ShachainStoreJson
}

const CLTV_MAX = 500_000_000

// ---- views ----------------------------------------------------------------

/** The remote commitment our next signature will build on: the one we last signed. */
export function latestRemoteCommit(c: Commitments): RemoteCommit {
  return c.remoteNextCommitInfo.kind === 'waiting_for_revocation'
    ? c.remoteNextCommitInfo.nextRemoteCommit
    : c.remoteCommit
}

/**
 * We have something to sign: our own new updates, or the peer's updates we acknowledged but they don't have in their
 * commitment yet.
 */
export function localHasChanges(c: Commitments): boolean {
  return c.localChanges.proposed.length > 0 || c.remoteChanges.acked.length > 0
}

export function remoteHasChanges(c: Commitments): boolean {
  return c.remoteChanges.proposed.length > 0 || c.localChanges.acked.length > 0
}

export function hasPendingChanges(c: Commitments): boolean {
  return (
    localHasChanges(c) ||
    remoteHasChanges(c) ||
    c.localChanges.signed.length > 0 ||
    c.remoteChanges.signed.length > 0 ||
    c.remoteNextCommitInfo.kind === 'waiting_for_revocation'
  )
}

export function hasNoHtlcs(c: Commitments): boolean {
  return (
    c.localCommit.spec.htlcs.length === 0 &&
    latestRemoteCommit(c).spec.htlcs.length === 0 &&
    c.remoteCommit.spec.htlcs.length === 0
  )
}

/** What we could send in one new HTLC now: our balance in the peer's next commitment, less reserve and fees. */
export function availableToSendMsat(c: Commitments): bigint {
  const spec = reduceSpec(latestRemoteCommit(c).spec, c.remoteChanges.acked, c.localChanges.proposed)
  // the funder keeps its fee-spike buffer: the fee at twice the feerate with the new HTLC and one more
  const withOneMore: CommitmentSpec = {
    ...spec,
    htlcs: [
      ...spec.htlcs,
      {
        direction: 'incoming',
        id: -1n,
        amountMsat: 2n ** 62n,
        paymentHash: new Uint8Array(32),
        cltvExpiry: 0,
      },
    ],
  }
  const fee = c.localParams.isFunder ? feeSpikeBufferFeeSat(withOneMore, c.remoteParams.dustLimitSat) * 1000n : 0n
  const available = spec.toRemoteMsat - c.remoteParams.channelReserveSat * 1000n - fee
  return available > 0n ? available : 0n
}

/** What the peer could send us: the mirror of availableToSendMsat. */
export function availableToReceiveMsat(c: Commitments): bigint {
  const spec = reduceSpec(c.localCommit.spec, c.localChanges.acked, c.remoteChanges.proposed)
  const fee = c.localParams.isFunder ? 0n : commitTxFeeSat(spec, c.localParams.dustLimitSat) * 1000n
  const available = spec.toRemoteMsat - c.localParams.channelReserveSat * 1000n - fee
  return available > 0n ? available : 0n
}

function isSettledLocally(c: Commitments, id: bigint): boolean {
  return [...c.localChanges.proposed, ...c.localChanges.signed, ...c.localChanges.acked].some(
    (u) => isSettlement(u) && u.id === id,
  )
}

function isSettledRemotely(c: Commitments, id: bigint): boolean {
  return [...c.remoteChanges.proposed, ...c.remoteChanges.acked, ...c.remoteChanges.signed].some(
    (u) => isSettlement(u) && u.id === id,
  )
}

/** An HTLC the peer offered that is in both commitments: only those may be settled (BOLT #2 "Removing an HTLC"). */
export function incomingHtlcCrossSigned(c: Commitments, id: bigint): HtlcInSpec | undefined {
  const local = findHtlc(c.localCommit.spec, 'incoming', id)
  const remote = findHtlc(latestRemoteCommit(c).spec, 'outgoing', id)
  return local && remote ? local : undefined
}

export function outgoingHtlcCrossSigned(c: Commitments, id: bigint): HtlcInSpec | undefined {
  const local = findHtlc(c.localCommit.spec, 'outgoing', id)
  const remote = findHtlc(latestRemoteCommit(c).spec, 'incoming', id)
  return local && remote ? local : undefined
}

// ---- adding HTLCs -----------------------------------------------------------

export interface AddHtlcCommand {
  amountMsat: bigint
  paymentHash: Uint8Array
  cltvExpiry: number
  onionRoutingPacket: Uint8Array
  /** sets update_add_htlc's `accountable` record (the switch decides, by the relay rules of lightning/bolts#1280) */
  accountable?: boolean
}

export function sendAdd(
  c: Commitments,
  cmd: AddHtlcCommand,
  limits: FeeLimits = DEFAULT_FEE_LIMITS,
): { commitments: Commitments; add: UpdateAddHtlc } {
  const add: UpdateAddHtlc = {
    type: 'update_add_htlc',
    channelId: c.channelId,
    id: c.localNextHtlcId,
    amountMsat: cmd.amountMsat,
    paymentHash: cmd.paymentHash,
    cltvExpiry: cmd.cltvExpiry,
    onionRoutingPacket: cmd.onionRoutingPacket,
    ...(cmd.accountable === true ? { accountable: true } : {}),
  }
  if (cmd.amountMsat <= 0n || cmd.amountMsat < c.remoteParams.htlcMinimumMsat) {
    throw channelError(
      'HTLC_BELOW_MINIMUM',
      `HTLC of ${cmd.amountMsat} msat is below the peer's minimum of ${c.remoteParams.htlcMinimumMsat} msat`,
    )
  }
  if (!Number.isInteger(cmd.cltvExpiry) || cmd.cltvExpiry <= 0 || cmd.cltvExpiry >= CLTV_MAX)
    throw channelError('INVALID_CLTV_EXPIRY', `cltv_expiry ${cmd.cltvExpiry} is not a block height`)
  if (cmd.paymentHash.length !== 32) throw channelError('INVALID_PAYMENT_HASH', 'payment hash must be 32 bytes')
  // the peer's next commitment, as it will be once it includes this HTLC
  const reduced = reduceSpec(latestRemoteCommit(c).spec, c.remoteChanges.acked, [...c.localChanges.proposed, add])
  const offered = reduced.htlcs.filter((h) => h.direction === 'incoming')
  if (offered.length > c.remoteParams.maxAcceptedHtlcs) {
    throw channelError('TOO_MANY_HTLCS', `the peer accepts at most ${c.remoteParams.maxAcceptedHtlcs} HTLCs in flight`)
  }
  if (htlcTotalMsat(reduced, 'incoming') > c.remoteParams.maxHtlcValueInFlightMsat) {
    throw channelError(
      'HTLC_VALUE_IN_FLIGHT_EXCEEDED',
      `the peer accepts at most ${c.remoteParams.maxHtlcValueInFlightMsat} msat in flight`,
    )
  }
  const fees = c.localParams.isFunder ? commitTxFeeSat(reduced, c.remoteParams.dustLimitSat) * 1000n : 0n
  const missing = reduced.toRemoteMsat - c.remoteParams.channelReserveSat * 1000n - fees
  if (missing < 0n) {
    throw channelError(
      'INSUFFICIENT_BALANCE',
      `cannot send ${cmd.amountMsat} msat: it would leave ${-missing} msat too little for the ` +
        `reserve${fees > 0n ? ' and fees' : ''}`,
      {
        availableMsat: availableToSendMsat(c).toString(),
      },
    )
  }
  if (!c.localParams.isFunder) {
    const funderFee = commitTxFeeSat(reduced, c.remoteParams.dustLimitSat) * 1000n
    if (reduced.toLocalMsat < funderFee)
      throw channelError(
        'FUNDER_CANNOT_AFFORD_FEE',
        'the peer (the funder) cannot pay the fee of a commitment with one more HTLC',
      )
  }
  if (c.localParams.isFunder) {
    const buffer = feeSpikeBufferFeeSat(reduced, c.remoteParams.dustLimitSat) * 1000n
    const short = c.remoteParams.channelReserveSat * 1000n + buffer - reduced.toRemoteMsat
    if (short > 0n)
      throw channelError(
        'FEE_SPIKE_BUFFER',
        `cannot send ${cmd.amountMsat} msat: as funder we keep ${buffer} msat for the commitment fee at ` +
          `${FEE_SPIKE_BUFFER_MULTIPLE}× the feerate with one more HTLC, and would be ${short} msat short`,
        { availableMsat: availableToSendMsat(c).toString() },
      )
  }
  const exposure = dustExposure(reduced, c.remoteParams.dustLimitSat, c.localParams.dustLimitSat)
  const exposureMsat = exposure.ownerMsat > exposure.otherMsat ? exposure.ownerMsat : exposure.otherMsat
  if (exposure.isDust('incoming', add.id) && exposureMsat > limits.maxDustExposureMsat)
    throw channelError(
      'DUST_EXPOSURE_EXCEEDED',
      `an HTLC of ${cmd.amountMsat} msat would be dust, bringing the channel's dust to ${exposureMsat} msat, ` +
        `above its limit of ${limits.maxDustExposureMsat} msat`,
    )
  return {
    commitments: {
      ...c,
      localChanges: { ...c.localChanges, proposed: [...c.localChanges.proposed, add] },
      localNextHtlcId: c.localNextHtlcId + 1n,
    },
    add,
  }
}

export function receiveAdd(c: Commitments, add: UpdateAddHtlc): Commitments {
  if (add.id !== c.remoteNextHtlcId)
    throw channelError('HTLC_ID_OUT_OF_ORDER', `expected HTLC id ${c.remoteNextHtlcId}, got ${add.id}`)
  if (add.amountMsat <= 0n || add.amountMsat < c.localParams.htlcMinimumMsat) {
    throw channelError(
      'HTLC_BELOW_MINIMUM',
      `HTLC of ${add.amountMsat} msat is below our minimum of ${c.localParams.htlcMinimumMsat} msat`,
    )
  }
  if (add.cltvExpiry <= 0 || add.cltvExpiry >= CLTV_MAX)
    throw channelError('INVALID_CLTV_EXPIRY', `cltv_expiry ${add.cltvExpiry} is not a block height`)
  const reduced = reduceSpec(c.localCommit.spec, c.localChanges.acked, [...c.remoteChanges.proposed, add])
  const incoming = reduced.htlcs.filter((h) => h.direction === 'incoming')
  if (incoming.length > c.localParams.maxAcceptedHtlcs)
    throw channelError('TOO_MANY_HTLCS', `we accept at most ${c.localParams.maxAcceptedHtlcs} HTLCs in flight`)
  if (htlcTotalMsat(reduced, 'incoming') > c.localParams.maxHtlcValueInFlightMsat) {
    throw channelError(
      'HTLC_VALUE_IN_FLIGHT_EXCEEDED',
      `we accept at most ${c.localParams.maxHtlcValueInFlightMsat} msat in flight`,
    )
  }
  const fees = c.localParams.isFunder ? 0n : commitTxFeeSat(reduced, c.localParams.dustLimitSat) * 1000n
  const missing = reduced.toRemoteMsat - c.localParams.channelReserveSat * 1000n - fees
  if (missing < 0n) {
    throw channelError(
      'INSUFFICIENT_BALANCE',
      `peer cannot afford an HTLC of ${add.amountMsat} msat: it would be ${-missing} msat short of its ` +
        `reserve${fees > 0n ? ' and fees' : ''}`,
    )
  }
  return {
    ...c,
    remoteChanges: { ...c.remoteChanges, proposed: [...c.remoteChanges.proposed, add] },
    remoteNextHtlcId: c.remoteNextHtlcId + 1n,
  }
}

// ---- settling HTLCs ---------------------------------------------------------

export function sendFulfill(
  c: Commitments,
  id: bigint,
  preimage: Uint8Array,
): { commitments: Commitments; fulfill: UpdateFulfillHtlc } {
  const htlc = incomingHtlcCrossSigned(c, id)
  if (!htlc) throw channelError('UNKNOWN_HTLC', `no incoming HTLC ${id} is committed on both sides`)
  if (isSettledLocally(c, id))
    throw channelError('HTLC_ALREADY_SETTLED', `incoming HTLC ${id} is already being settled`)
  if (!bytesEqual(sha256(preimage), htlc.paymentHash))
    throw channelError('INVALID_PREIMAGE', `preimage does not match the payment hash of HTLC ${id}`)
  const fulfill: UpdateFulfillHtlc = {
    type: 'update_fulfill_htlc',
    channelId: c.channelId,
    id,
    paymentPreimage: preimage,
  }
  return {
    commitments: { ...c, localChanges: { ...c.localChanges, proposed: [...c.localChanges.proposed, fulfill] } },
    fulfill,
  }
}

export function receiveFulfill(c: Commitments, msg: UpdateFulfillHtlc): { commitments: Commitments; htlc: HtlcInSpec } {
  const htlc = outgoingHtlcCrossSigned(c, msg.id)
  if (!htlc) throw channelError('UNKNOWN_HTLC', `no outgoing HTLC ${msg.id} is committed on both sides`)
  if (isSettledRemotely(c, msg.id))
    throw channelError('HTLC_ALREADY_SETTLED', `outgoing HTLC ${msg.id} is already being settled`)
  if (!bytesEqual(sha256(msg.paymentPreimage), htlc.paymentHash))
    throw channelError('INVALID_PREIMAGE', `preimage does not match the payment hash of HTLC ${msg.id}`)
  return {
    commitments: { ...c, remoteChanges: { ...c.remoteChanges, proposed: [...c.remoteChanges.proposed, msg] } },
    htlc,
  }
}

export function sendFail(c: Commitments, update: UpdateFailHtlc | UpdateFailMalformedHtlc): Commitments {
  if (!incomingHtlcCrossSigned(c, update.id))
    throw channelError('UNKNOWN_HTLC', `no incoming HTLC ${update.id} is committed on both sides`)
  if (isSettledLocally(c, update.id))
    throw channelError('HTLC_ALREADY_SETTLED', `incoming HTLC ${update.id} is already being settled`)
  if (update.type === 'update_fail_malformed_htlc' && (update.failureCode & 0x8000) === 0) {
    throw channelError('INVALID_FAILURE_CODE', 'update_fail_malformed_htlc needs a failure code with the BADONION bit')
  }
  return { ...c, localChanges: { ...c.localChanges, proposed: [...c.localChanges.proposed, update] } }
}

export function receiveFail(
  c: Commitments,
  update: UpdateFailHtlc | UpdateFailMalformedHtlc,
): { commitments: Commitments; htlc: HtlcInSpec } {
  const htlc = outgoingHtlcCrossSigned(c, update.id)
  if (!htlc) throw channelError('UNKNOWN_HTLC', `no outgoing HTLC ${update.id} is committed on both sides`)
  if (isSettledRemotely(c, update.id))
    throw channelError('HTLC_ALREADY_SETTLED', `outgoing HTLC ${update.id} is already being settled`)
  if (update.type === 'update_fail_malformed_htlc' && (update.failureCode & 0x8000) === 0) {
    throw channelError(
      'INVALID_FAILURE_CODE',
      'update_fail_malformed_htlc must carry a failure code with the BADONION bit',
    )
  }
  return {
    commitments: { ...c, remoteChanges: { ...c.remoteChanges, proposed: [...c.remoteChanges.proposed, update] } },
    htlc,
  }
}

// ---- commitment transactions ----------------------------------------------

export type CommitmentBase = Pick<Commitments, 'funding' | 'localParams' | 'remoteParams'>

export function buildLocalCommitTx(
  c: CommitmentBase,
  index: bigint,
  spec: CommitmentSpec,
  signer: ChannelSigner,
): CommitmentTx {
  return buildCommitmentTx({
    funding: c.funding,
    ownerIsFunder: c.localParams.isFunder,
    spec,
    ownerDustLimitSat: c.localParams.dustLimitSat,
    ownerToSelfDelay: c.remoteParams.toSelfDelay,
    keys: localCommitmentKeys(signer, c.localParams, c.remoteParams.basepoints, index),
  })
}

/** Our commitment `index` and its HTLC transactions, which the peer signs for us. */
export function buildLocalHtlcTxs(
  c: CommitmentBase,
  index: bigint,
  spec: CommitmentSpec,
  signer: ChannelSigner,
): { commitTx: CommitmentTx; htlcTxs: HtlcTx[]; keys: CommitmentKeys } {
  const keys = localCommitmentKeys(signer, c.localParams, c.remoteParams.basepoints, index)
  const commitTx = buildCommitmentTx({
    funding: c.funding,
    ownerIsFunder: c.localParams.isFunder,
    spec,
    ownerDustLimitSat: c.localParams.dustLimitSat,
    ownerToSelfDelay: c.remoteParams.toSelfDelay,
    keys,
  })
  return { commitTx, htlcTxs: buildHtlcTxs(commitTx, keys, c.remoteParams.toSelfDelay, spec.feeratePerKw), keys }
}

export function buildRemoteCommitTx(
  c: CommitmentBase,
  spec: CommitmentSpec,
  remotePoint: Uint8Array,
  signer: ChannelSigner,
): CommitmentTx {
  return buildCommitmentTx({
    funding: c.funding,
    ownerIsFunder: !c.localParams.isFunder,
    spec,
    ownerDustLimitSat: c.remoteParams.dustLimitSat,
    ownerToSelfDelay: c.localParams.toSelfDelay,
    keys: remoteCommitmentKeys(signer, c.localParams, c.remoteParams.basepoints, remotePoint),
  })
}

/**
 * Derives now, into the signer's memory, the keys of the next commitment each side
 * will sign, and the point our next revoke_and_ack will carry: a node calls this
 * while it waits for the peer, so the curve work is done before the peer's
 * commitment_signed arrives instead of after. The results are the same either way.
 */
export function deriveNextCommitmentKeys(c: Commitments, signer: ChannelSigner): void {
  // the HTLC keys only if HTLC outputs are likely: HTLCs below the owner's dust limit have none
  const touch = (keys: CommitmentKeys, spec: CommitmentSpec, dustLimitSat: Sat): void => {
    void keys.revocationPubkey
    void keys.ownerDelayedPubkey
    if (spec.htlcs.some((h) => !isTrimmed(h, dustLimitSat, spec.feeratePerKw)))
      void [keys.ownerHtlcPubkey, keys.otherHtlcPubkey]
  }
  const index = c.localCommit.index + 1n
  touch(
    localCommitmentKeys(signer, c.localParams, c.remoteParams.basepoints, index),
    c.localCommit.spec,
    c.localParams.dustLimitSat,
  )
  signer.channel(c.localParams.keysId).perCommitmentPoint(index + 1n)
  if (c.remoteNextCommitInfo.kind === 'ready') {
    touch(
      remoteCommitmentKeys(
        signer,
        c.localParams,
        c.remoteParams.basepoints,
        c.remoteNextCommitInfo.nextPerCommitmentPoint,
      ),
      c.remoteCommit.spec,
      c.remoteParams.dustLimitSat,
    )
  }
}

function assertConserved(c: Commitments, spec: CommitmentSpec, what: string): void {
  if (specTotalMsat(spec) !== c.capacitySat * 1000n)
    throw new Error(`BUG: ${what} holds ${specTotalMsat(spec)} msat in a ${c.capacitySat} sat channel`)
  if (spec.toLocalMsat < 0n || spec.toRemoteMsat < 0n) throw new Error(`BUG: ${what} has a negative balance`)
}

/**
 * Signs the peer's next commitment, covering every update so far. Call only when localHasChanges and not waiting for a
 * revocation.
 */
export function sendCommit(
  c: Commitments,
  signer: ChannelSigner,
): { commitments: Commitments; commitSig: CommitmentSigned } {
  if (c.remoteNextCommitInfo.kind !== 'ready')
    throw channelError('WAITING_FOR_REVOCATION', 'cannot sign again before the peer revokes its previous commitment')
  if (!localHasChanges(c)) throw channelError('NOTHING_TO_SIGN', 'there are no changes to sign')
  const spec = reduceSpec(c.remoteCommit.spec, c.remoteChanges.acked, c.localChanges.proposed)
  assertConserved(c, spec, "the peer's next commitment")
  const point = c.remoteNextCommitInfo.nextPerCommitmentPoint
  const commitTx = buildRemoteCommitTx(c, spec, point, signer)
  const secrets = signer.channel(c.localParams.keysId).secrets
  const signature = signFundingSpend(commitTx.tx, c.funding, secrets.fundingPrivkey)
  // BOLT #2: one signature per HTLC transaction of the peer's commitment, by our HTLC key for its point
  const htlcTxs = buildHtlcTxs(
    commitTx,
    remoteCommitmentKeys(signer, c.localParams, c.remoteParams.basepoints, point),
    c.localParams.toSelfDelay,
    spec.feeratePerKw,
  )
  const htlcKey =
    htlcTxs.length > 0
      ? derivePrivateKey(secrets.htlcBasepointSecret, point, secrets.basepoints.htlcBasepoint)
      : undefined
  const htlcSignatures = htlcTxs.map((h) => signHtlcTx(h, htlcKey!))
  const commitSig: CommitmentSigned = { type: 'commitment_signed', channelId: c.channelId, signature, htlcSignatures }
  return {
    commitments: {
      ...c,
      remoteNextCommitInfo: {
        kind: 'waiting_for_revocation',
        nextRemoteCommit: {
          index: c.remoteCommit.index + 1n,
          spec,
          txid: commitTx.txid,
          remotePerCommitmentPoint: point,
        },
        sent: commitSig,
        sentAfterLocalCommitIndex: c.localCommit.index,
      },
      localChanges: { proposed: [], signed: c.localChanges.proposed, acked: c.localChanges.acked },
      remoteChanges: { proposed: c.remoteChanges.proposed, acked: [], signed: c.remoteChanges.acked },
    },
    commitSig,
  }
}

/** The revoke_and_ack that revokes our commitment `index`. */
export function revocationFor(c: Commitments, index: bigint, signer: ChannelSigner): RevokeAndAck {
  const keys = signer.channel(c.localParams.keysId)
  return {
    type: 'revoke_and_ack',
    channelId: c.channelId,
    perCommitmentSecret: keys.perCommitmentSecret(index),
    nextPerCommitmentPoint: keys.perCommitmentPoint(index + 2n),
  }
}

/** Checks the peer's signature on our next commitment, then revokes our current one. */
export function receiveCommit(
  c: Commitments,
  msg: CommitmentSigned,
  signer: ChannelSigner,
): { commitments: Commitments; revocation: RevokeAndAck } {
  if (!remoteHasChanges(c)) throw channelError('COMMITMENT_WITHOUT_CHANGES', 'commitment_signed covers no update')
  const spec = reduceSpec(c.localCommit.spec, c.localChanges.acked, c.remoteChanges.proposed)
  assertConserved(c, spec, 'our next commitment')
  const index = c.localCommit.index + 1n
  const { commitTx, htlcTxs, keys } = buildLocalHtlcTxs(c, index, spec, signer)
  if (!verifyFundingSpend(commitTx.tx, c.funding, msg.signature, c.remoteParams.basepoints.fundingPubkey)) {
    throw channelError(
      'INVALID_COMMITMENT_SIGNATURE',
      `the signature does not sign our commitment #${index} (txid ${commitTx.txid})`,
    )
  }
  if (msg.htlcSignatures.length !== htlcTxs.length) {
    throw channelError(
      'HTLC_SIGNATURE_COUNT_MISMATCH',
      `commitment_signed carries ${msg.htlcSignatures.length} HTLC signatures; our commitment #${index} has ` +
        `${htlcTxs.length} HTLC outputs`,
    )
  }
  htlcTxs.forEach((h, i) => {
    if (!verifyHtlcTx(h, msg.htlcSignatures[i]!, keys.otherHtlcPubkey)) {
      throw channelError(
        'INVALID_HTLC_SIGNATURE',
        `htlc_signature ${i} does not sign the ${h.kind.replace('_', '-')} transaction of HTLC ${h.htlc.id} ` +
          `in our commitment #${index}`,
      )
    }
  })
  const revocation = revocationFor(c, c.localCommit.index, signer)
  return {
    commitments: {
      ...c,
      localCommit: { index, spec, txid: commitTx.txid, remoteSig: msg.signature, htlcSigs: msg.htlcSignatures },
      localChanges: { ...c.localChanges, acked: [] },
      remoteChanges: {
        proposed: [],
        acked: [...c.remoteChanges.acked, ...c.remoteChanges.proposed],
        signed: c.remoteChanges.signed,
      },
    },
    revocation,
  }
}

export interface RevocationResult {
  commitments: Commitments
  /** the peer's updates that are now irrevocably committed: adds to forward, settlements to pass upstream */
  irrevocable: Update[]
  /** our updates now irrevocably in the peer's commitment */
  ackedByRemote: Update[]
  revokedCommitment: { index: bigint; txid: string }
}

/** Checks that the revealed secret is the one of the peer's commitment we hold a signature for, and moves on. */
export function receiveRevocation(c: Commitments, msg: RevokeAndAck): RevocationResult {
  if (c.remoteNextCommitInfo.kind !== 'waiting_for_revocation')
    throw channelError('UNEXPECTED_REVOCATION', 'revoke_and_ack without a commitment_signed to answer')
  if (
    !isValidPrivateKey(msg.perCommitmentSecret) ||
    !bytesEqual(publicKeyOf(msg.perCommitmentSecret), c.remoteCommit.remotePerCommitmentPoint)
  ) {
    throw channelError(
      'INVALID_REVOCATION_SECRET',
      `the secret does not match the per-commitment point of the peer's commitment #${c.remoteCommit.index}`,
    )
  }
  const store = ShachainStore.fromJSON(c.remotePerCommitmentSecrets)
  try {
    store.insert(shachainIndex(c.remoteCommit.index), msg.perCommitmentSecret)
  } catch (err) {
    throw channelError('INVALID_REVOCATION_SECRET', (err as Error).message)
  }
  const next = c.remoteNextCommitInfo.nextRemoteCommit
  return {
    commitments: {
      ...c,
      remoteCommit: next,
      remoteNextCommitInfo: { kind: 'ready', nextPerCommitmentPoint: msg.nextPerCommitmentPoint },
      localChanges: {
        proposed: c.localChanges.proposed,
        signed: [],
        acked: [...c.localChanges.acked, ...c.localChanges.signed],
      },
      remoteChanges: { ...c.remoteChanges, signed: [] },
      remotePerCommitmentSecrets: store.toJSON(),
    },
    irrevocable: c.remoteChanges.signed,
    ackedByRemote: c.localChanges.signed,
    revokedCommitment: { index: c.remoteCommit.index, txid: c.remoteCommit.txid },
  }
}

/**
 * BOLT #2: on disconnection, updates not yet covered by a commitment_signed are
 * forgotten, on both sides. Our own forgotten updates are returned so the node
 * can act on them: an add never reached the peer, a fulfill or fail must be sent again.
 */
export function discardUnsignedUpdates(c: Commitments): { commitments: Commitments; discarded: Update[] } {
  const localAdds = BigInt(c.localChanges.proposed.filter((u) => u.type === 'update_add_htlc').length)
  const remoteAdds = BigInt(c.remoteChanges.proposed.filter((u) => u.type === 'update_add_htlc').length)
  return {
    commitments: {
      ...c,
      localChanges: { ...c.localChanges, proposed: [] },
      remoteChanges: { ...c.remoteChanges, proposed: [] },
      localNextHtlcId: c.localNextHtlcId - localAdds,
      remoteNextHtlcId: c.remoteNextHtlcId - remoteAdds,
    },
    discarded: c.localChanges.proposed,
  }
}

export function remoteSecretFor(c: Commitments, index: bigint): Uint8Array | undefined {
  return ShachainStore.fromJSON(c.remotePerCommitmentSecrets).lookup(shachainIndex(index))
}
