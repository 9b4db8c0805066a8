/**
 * One realistic message of every type: real keys and signatures, amounts and
 * limits of the size a regtest channel uses. The type forces a sample for
 * every message lnsim speaks.
 */
import { all, older, sig, any } from '../../../src/chain/condition.js'
import { SeededRng } from '../../../src/core/rng.js'
import { shortChannelId } from '../../../src/core/shortChannelId.js'
import { utf8 } from '../../../src/core/bytes.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { publicKeyOf, signDigest } from '../../../src/crypto/secp256k1.js'
import { ONION_PACKET_SIZE } from '../../../src/wire/constants.js'
import { featureBits } from '../../../src/wire/features.js'
import type { Message, MessageOf, MessageType } from '../../../src/wire/messages.js'

const rng = new SeededRng('test/wire/samples')
const key = (label: string): Uint8Array => publicKeyOf(sha256(utf8(label)))
const signature = (label: string): Uint8Array => signDigest(sha256(utf8(`digest ${label}`)), sha256(utf8(label)))

export const CHAIN_HASH = sha256(utf8('lnsim regtest genesis'))
const channelId = rng.bytes(32)
const temporaryChannelId = rng.bytes(32)
const scid = shortChannelId(812, 3, 1)
const onion = new Uint8Array(ONION_PACKET_SIZE)
onion.set(key('onion session'), 1)
onion.set(rng.bytes(ONION_PACKET_SIZE - 34), 34)

const basepoints = (who: string) => ({
  fundingPubkey: key(`${who} funding`),
  revocationBasepoint: key(`${who} revocation`),
  paymentBasepoint: key(`${who} payment`),
  delayedPaymentBasepoint: key(`${who} delayed`),
  htlcBasepoint: key(`${who} htlc`),
  firstPerCommitmentPoint: key(`${who} per-commitment 0`),
})

const alias = new Uint8Array(32)
alias.set(utf8('alice ⚡'))

export const SAMPLES: { [T in MessageType]: MessageOf<T> } = {
  init: { type: 'init', features: featureBits(1, 8, 15, 17), networks: [CHAIN_HASH] },
  error: { type: 'error', channelId, data: utf8('channel reserve would be violated') },
  warning: { type: 'warning', channelId: new Uint8Array(32), data: utf8('TRUNCATED: update_add_htlc is truncated') },
  ping: { type: 'ping', numPongBytes: 12, ignored: new Uint8Array(20) },
  pong: { type: 'pong', ignored: new Uint8Array(12) },
  open_channel: {
    type: 'open_channel',
    chainHash: CHAIN_HASH,
    temporaryChannelId,
    fundingSatoshis: 1_000_000n,
    pushMsat: 25_000_000n,
    dustLimitSatoshis: 354n,
    maxHtlcValueInFlightMsat: 990_000_000n,
    channelReserveSatoshis: 10_000n,
    htlcMinimumMsat: 1n,
    feeratePerKw: 253,
    toSelfDelay: 144,
    maxAcceptedHtlcs: 483,
    ...basepoints('alice'),
    channelFlags: 1,
  },
  accept_channel: {
    type: 'accept_channel',
    temporaryChannelId,
    dustLimitSatoshis: 354n,
    maxHtlcValueInFlightMsat: 990_000_000n,
    channelReserveSatoshis: 10_000n,
    htlcMinimumMsat: 1000n,
    minimumDepth: 3,
    toSelfDelay: 144,
    maxAcceptedHtlcs: 30,
    ...basepoints('bob'),
  },
  funding_created: {
    type: 'funding_created',
    temporaryChannelId,
    fundingTxid: rng.bytes(32),
    fundingOutputIndex: 1,
    signature: signature('funding created'),
  },
  funding_signed: { type: 'funding_signed', channelId, signature: signature('funding signed') },
  channel_ready: { type: 'channel_ready', channelId, secondPerCommitmentPoint: key('alice per-commitment 1') },
  shutdown: {
    type: 'shutdown',
    channelId,
    scriptpubkey: any(sig(key('alice closing')), all(sig(key('alice cold')), older(1008))),
  },
  closing_signed: {
    type: 'closing_signed',
    channelId,
    feeSatoshis: 183n,
    signature: signature('closing'),
    feeRange: { minFeeSatoshis: 150n, maxFeeSatoshis: 400n },
  },
  update_add_htlc: {
    type: 'update_add_htlc',
    channelId,
    id: 7n,
    amountMsat: 100_000_042n,
    paymentHash: sha256(utf8('preimage 7')),
    cltvExpiry: 960,
    onionRoutingPacket: onion,
  },
  update_fulfill_htlc: {
    type: 'update_fulfill_htlc',
    channelId,
    id: 7n,
    paymentPreimage: sha256(utf8('preimage seed 7')),
  },
  update_fail_htlc: { type: 'update_fail_htlc', channelId, id: 8n, reason: rng.bytes(292) },
  update_fail_malformed_htlc: {
    type: 'update_fail_malformed_htlc',
    channelId,
    id: 9n,
    sha256OfOnion: sha256(onion),
    failureCode: 0x8000 | 0x4000 | 5,
  },
  commitment_signed: {
    type: 'commitment_signed',
    channelId,
    signature: signature('commitment 12'),
    htlcSignatures: [signature('htlc 1'), signature('htlc 2')],
  },
  revoke_and_ack: {
    type: 'revoke_and_ack',
    channelId,
    perCommitmentSecret: rng.bytes(32),
    nextPerCommitmentPoint: key('bob per-commitment 13'),
  },
  update_fee: { type: 'update_fee', channelId, feeratePerKw: 2_500 },
  channel_reestablish: {
    type: 'channel_reestablish',
    channelId,
    nextCommitmentNumber: 13n,
    nextRevocationNumber: 12n,
    yourLastPerCommitmentSecret: rng.bytes(32),
    myCurrentPerCommitmentPoint: key('alice per-commitment 12'),
  },
  announcement_signatures: {
    type: 'announcement_signatures',
    channelId,
    shortChannelId: scid,
    nodeSignature: signature('node ann'),
    bitcoinSignature: signature('bitcoin ann'),
  },
  channel_announcement: {
    type: 'channel_announcement',
    nodeSignature1: signature('n1'),
    nodeSignature2: signature('n2'),
    bitcoinSignature1: signature('b1'),
    bitcoinSignature2: signature('b2'),
    features: new Uint8Array(0),
    chainHash: CHAIN_HASH,
    shortChannelId: scid,
    nodeId1: key('alice node'),
    nodeId2: key('bob node'),
    bitcoinKey1: key('alice funding'),
    bitcoinKey2: key('bob funding'),
  },
  node_announcement: {
    type: 'node_announcement',
    signature: signature('node announcement'),
    features: featureBits(9, 15),
    timestamp: 1_767_225_600,
    nodeId: key('alice node'),
    rgbColor: Uint8Array.of(0xf7, 0x93, 0x1a),
    alias,
    addresses: [
      '/ip4/127.0.0.1/tcp/39735',
      '/ip4/127.0.0.1/tcp/39736/p2p/12D3KooWLRPJAA5o6Z6QkFfVr7yAqrKm2jtoRV8nKoNT8Q6WfZQG',
    ],
  },
  channel_update: {
    type: 'channel_update',
    signature: signature('channel update'),
    chainHash: CHAIN_HASH,
    shortChannelId: scid,
    timestamp: 1_767_225_601,
    messageFlags: 1,
    channelFlags: 0,
    cltvExpiryDelta: 40,
    htlcMinimumMsat: 1000n,
    feeBaseMsat: 1000,
    feeProportionalMillionths: 100,
    htlcMaximumMsat: 990_000_000n,
  },
  query_short_channel_ids: { type: 'query_short_channel_ids', chainHash: CHAIN_HASH, shortChannelIds: [scid] },
  reply_short_channel_ids_end: { type: 'reply_short_channel_ids_end', chainHash: CHAIN_HASH, fullInformation: 1 },
  query_channel_range: {
    type: 'query_channel_range',
    chainHash: CHAIN_HASH,
    firstBlocknum: 0,
    numberOfBlocks: 0xffff_ffff,
  },
  reply_channel_range: {
    type: 'reply_channel_range',
    chainHash: CHAIN_HASH,
    firstBlocknum: 0,
    numberOfBlocks: 0xffff_ffff,
    syncComplete: 1,
    shortChannelIds: [scid],
  },
  gossip_timestamp_filter: {
    type: 'gossip_timestamp_filter',
    chainHash: CHAIN_HASH,
    firstTimestamp: 1_767_225_601,
    timestampRange: 0xffff_ffff,
  },
}

export const ALL_SAMPLES: Message[] = Object.values(SAMPLES)
