/**
 * What goes into the channel state machine (inputs, with a context of plain
 * values) and what comes out (effects the node carries out, in order, after
 * persisting the new state).
 */
import type { Msat } from '../core/amount.js'
import type { ShortChannelId } from '../core/shortChannelId.js'
import type { Condition } from '../chain/condition.js'
import type { OutPoint, Transaction } from '../chain/transaction.js'
import type { ChannelMessage, ErrorMessage, Message, UpdateAddHtlc, Warning } from '../wire/messages.js'
import type { HtlcInSpec, Update } from './commitmentSpec.js'
import type { ChannelStateName } from './states.js'
import type { ChannelSigner } from './signer.js'
import type { ChannelErrorCode } from './errors.js'
import type { FeeLimits } from './constants.js'

export type ChannelCommand =
  | {
      type: 'add_htlc'
      commandId: string
      amountMsat: Msat
      paymentHash: Uint8Array
      cltvExpiry: number
      onionRoutingPacket: Uint8Array
      /** update_add_htlc's `accountable` record (lightning/bolts#1280) */
      accountable?: boolean
    }
  | { type: 'fulfill_htlc'; id: bigint; preimage: Uint8Array }
  | { type: 'fail_htlc'; id: bigint; reason: Uint8Array }
  | { type: 'fail_malformed_htlc'; id: bigint; sha256OfOnion: Uint8Array; failureCode: number }
  | { type: 'sign' }
  /** as funder, move the commitment feerate (BOLT #2 update_fee) */
  | { type: 'update_fee'; feeratePerKw: number }
  | { type: 'close'; scriptpubkey?: Condition }
  | { type: 'force_close'; why?: string }

export type ChannelInput =
  | { type: 'message'; message: ChannelMessage | ErrorMessage | Warning }
  | { type: 'command'; command: ChannelCommand }
  /** the funder's wallet built (and signed its own inputs of) the funding transaction */
  | { type: 'funding_tx_created'; tx: Transaction; outputIndex: number }
  | { type: 'funding_tx_failed'; reason: string }
  /** a watched transaction reached its depth */
  | { type: 'tx_confirmed'; txid: string; blockHeight: number; txIndex: number }
  /**
   * a watched output was spent in a block; for the funding output the node adds the revoked commitment number if the
   * txid is in its revocation log
   */
  | { type: 'output_spent'; outpoint: OutPoint; tx: Transaction; blockHeight: number; revokedIndex?: bigint }
  | { type: 'block'; height: number }
  | { type: 'connected' }
  | { type: 'disconnected' }
  /**
   * The channel cannot go on: the peer sent a message for it that does not parse
   * (`byPeer`), or the node could not carry out its work. It fails as BOLT #2 says:
   * the peer is told, and a funded channel closes with our latest commitment.
   */
  | { type: 'fail'; code: ChannelErrorCode; reason: string; byPeer: boolean }

export interface ChannelContext {
  blockHeight: number
  chainHash: Uint8Array
  /** the chain's feerate estimate: for new on-chain transactions (claims, closing) and to judge a peer's update_fee */
  feeratePerKw: number
  /** this node's limits on fees and dust (DEFAULT_FEE_LIMITS when absent) */
  feeLimits?: FeeLimits
  /** the node's keys: the channel's state names its own with `localParams.keysId` */
  signer: ChannelSigner
  /** preimages the node knows (e.g. learned downstream), for claiming incoming HTLCs on chain */
  preimageFor?: (paymentHash: Uint8Array) => Uint8Array | undefined
}

export type ChannelEvent =
  | { type: 'state_changed'; from: ChannelStateName; to: ChannelStateName }
  | { type: 'channel_ready'; shortChannelId: ShortChannelId }
  /**
   * the peer proposed an HTLC, not yet committed: nothing may be done with it yet but getting ready (peeling its onion)
   */
  | { type: 'htlc_proposed'; add: UpdateAddHtlc }
  /** an HTLC the peer offered is now irrevocably committed: forward it, settle it, or fail it */
  | { type: 'htlc_received'; add: UpdateAddHtlc }
  /** the peer fulfilled an HTLC we offered (off chain or, with onChain, from a claim): settle upstream now */
  | { type: 'htlc_fulfilled'; htlc: HtlcInSpec; preimage: Uint8Array; onChain: boolean }
  /** an HTLC we offered is irrevocably failed (or timed out on chain): fail upstream */
  | {
      type: 'htlc_failed'
      htlc: HtlcInSpec
      reason?: Uint8Array
      malformedCode?: number
      /** with malformedCode: the hash of the onion the peer could not read, as it reported it (BOLT #4) */
      sha256OfOnion?: Uint8Array
      onChain: boolean
    }
  /** our settlement of an incoming HTLC is now irrevocable */
  | { type: 'htlc_settled'; htlc: HtlcInSpec; fulfilled: boolean }
  /** an update of ours was forgotten on disconnection before it was signed */
  | { type: 'update_discarded'; update: Update }
  | { type: 'balance_changed'; localMsat: Msat; remoteMsat: Msat }
  /** our commitment now pays this feerate (an update_fee is committed in it) */
  | { type: 'feerate_changed'; feeratePerKw: number }
  | { type: 'protocol_violation'; code: string; message: string; fatal: boolean }
  | { type: 'peer_error'; message: string }
  | { type: 'closing'; why: string; txid: string; whose: string }
  | { type: 'claim'; kind: string; txid: string; amountSat: bigint; validFromHeight: number }
  | { type: 'closed'; how: string; txid?: string }

export type ChannelEffect =
  | { type: 'send'; message: Message }
  /** close the connection (after a warning), so both sides forget unsigned updates and re-sync */
  | { type: 'disconnect'; reason: string }
  /** validFromHeight: hold the transaction until the chain reaches that height */
  | { type: 'broadcast'; tx: Transaction; txid: string; label: string; validFromHeight: number }
  | { type: 'watch_confirmed'; txid: string; depth: number }
  | { type: 'watch_spent'; outpoint: OutPoint }
  | { type: 'make_funding_tx'; amountSat: bigint; condition: Condition }
  /**
   * changes wait to be signed: send a `sign` command once this input, and any that
   * arrived with it, are handled, so they share one commitment_signed (Eclair's
   * `self ! CMD_SIGN`). Signing at once would leave an add that arrives a moment
   * later waiting a whole round trip for the peer's revocation.
   */
  | { type: 'sign_soon' }
  /** the node keeps a log of revoked commitment txids, to recognise them on chain */
  | { type: 'store_revoked_commitment'; txid: string; index: bigint }
  | { type: 'event'; event: ChannelEvent }
