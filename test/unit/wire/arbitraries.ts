/**
 * fast-check generators for every message type, over the whole range each
 * wire field allows (not only values a channel would use), so the codec is
 * exercised at its edges. The type forces one per message.
 */
import fc from 'fast-check'
import type { Condition } from '../../../src/chain/condition.js'
import { isValidPrivateKey, publicKeyOf } from '../../../src/crypto/secp256k1.js'
import type { Message, MessageOf, MessageType } from '../../../src/wire/messages.js'

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })
const varBytes = (max = 300) => fc.uint8Array({ maxLength: max })
const b32 = bytes(32)
const sig = bytes(64)
// a public key of a random private key: the wire layer rejects 33 bytes that are not on the curve
const point = bytes(32)
  .filter(isValidPrivateKey)
  .map((secret) => publicKeyOf(secret))
const u8 = fc.integer({ min: 0, max: 0xff })
const u16 = fc.integer({ min: 0, max: 0xffff })
const u32 = fc.integer({ min: 0, max: 0xffff_ffff })
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })

// depth ≤ 3 with ≤ 3 branches keeps every condition within CONDITION_LIMITS (≤ 40 parts)
const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { maxDepth: 3, withCrossShrink: true },
    point.map((pubkey): Condition => ({ type: 'sig', pubkey })),
    fc.integer({ min: 1, max: 0x7fffffff }).map((height): Condition => ({ type: 'after', height })),
    fc.integer({ min: 1, max: 0xffff }).map((blocks): Condition => ({ type: 'older', blocks })),
    b32.map((hash): Condition => ({ type: 'sha256', hash })),
    fc.record({
      type: fc.constantFrom('all' as const, 'any' as const),
      conditions: fc.array(tie('c'), { minLength: 1, maxLength: 3 }),
    }),
  ),
})).c

const basepoints = {
  fundingPubkey: point,
  revocationBasepoint: point,
  paymentBasepoint: point,
  delayedPaymentBasepoint: point,
  htlcBasepoint: point,
  firstPerCommitmentPoint: point,
}

const record = <T extends MessageType>(type: T, fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.record({ type: fc.constant(type), ...fields }) as unknown as fc.Arbitrary<MessageOf<T>>

export const MESSAGE_ARBITRARIES: { [T in MessageType]: fc.Arbitrary<MessageOf<T>> } = {
  init: record('init', { features: varBytes(40), networks: fc.array(b32, { maxLength: 4 }) }),
  error: record('error', { channelId: b32, data: varBytes() }),
  warning: record('warning', { channelId: b32, data: varBytes() }),
  ping: record('ping', { numPongBytes: u16, ignored: varBytes() }),
  pong: record('pong', { ignored: varBytes() }),
  open_channel: record('open_channel', {
    chainHash: b32,
    temporaryChannelId: b32,
    fundingSatoshis: u64,
    pushMsat: u64,
    dustLimitSatoshis: u64,
    maxHtlcValueInFlightMsat: u64,
    channelReserveSatoshis: u64,
    htlcMinimumMsat: u64,
    feeratePerKw: u32,
    toSelfDelay: u16,
    maxAcceptedHtlcs: u16,
    ...basepoints,
    channelFlags: u8,
  }),
  accept_channel: record('accept_channel', {
    temporaryChannelId: b32,
    dustLimitSatoshis: u64,
    maxHtlcValueInFlightMsat: u64,
    channelReserveSatoshis: u64,
    htlcMinimumMsat: u64,
    minimumDepth: u32,
    toSelfDelay: u16,
    maxAcceptedHtlcs: u16,
    ...basepoints,
  }),
  funding_created: record('funding_created', {
    temporaryChannelId: b32,
    fundingTxid: b32,
    fundingOutputIndex: u16,
    signature: sig,
  }),
  funding_signed: record('funding_signed', { channelId: b32, signature: sig }),
  channel_ready: record('channel_ready', { channelId: b32, secondPerCommitmentPoint: point }),
  shutdown: record('shutdown', { channelId: b32, scriptpubkey: condition }),
  closing_signed: record('closing_signed', {
    channelId: b32,
    feeSatoshis: u64,
    signature: sig,
    feeRange: fc.option(fc.record({ minFeeSatoshis: u64, maxFeeSatoshis: u64 }), { nil: undefined }),
  }),
  update_add_htlc: record('update_add_htlc', {
    channelId: b32,
    id: u64,
    amountMsat: u64,
    paymentHash: b32,
    cltvExpiry: u32,
    onionRoutingPacket: bytes(1366),
    accountable: fc.option(fc.constant(true), { nil: undefined }),
  }),
  update_fulfill_htlc: record('update_fulfill_htlc', { channelId: b32, id: u64, paymentPreimage: b32 }),
  update_fail_htlc: record('update_fail_htlc', { channelId: b32, id: u64, reason: varBytes() }),
  update_fail_malformed_htlc: record('update_fail_malformed_htlc', {
    channelId: b32,
    id: u64,
    sha256OfOnion: b32,
    failureCode: u16,
  }),
  commitment_signed: record('commitment_signed', {
    channelId: b32,
    signature: sig,
    htlcSignatures: fc.array(sig, { maxLength: 3 }),
  }),
  revoke_and_ack: record('revoke_and_ack', { channelId: b32, perCommitmentSecret: b32, nextPerCommitmentPoint: point }),
  update_fee: record('update_fee', { channelId: b32, feeratePerKw: u32 }),
  channel_reestablish: record('channel_reestablish', {
    channelId: b32,
    nextCommitmentNumber: u64,
    nextRevocationNumber: u64,
    yourLastPerCommitmentSecret: b32,
    myCurrentPerCommitmentPoint: point,
  }),
  announcement_signatures: record('announcement_signatures', {
    channelId: b32,
    shortChannelId: u64,
    nodeSignature: sig,
    bitcoinSignature: sig,
  }),
  channel_announcement: record('channel_announcement', {
    nodeSignature1: sig,
    nodeSignature2: sig,
    bitcoinSignature1: sig,
    bitcoinSignature2: sig,
    features: varBytes(40),
    chainHash: b32,
    shortChannelId: u64,
    nodeId1: point,
    nodeId2: point,
    bitcoinKey1: point,
    bitcoinKey2: point,
  }),
  node_announcement: record('node_announcement', {
    signature: sig,
    features: varBytes(40),
    timestamp: u32,
    nodeId: point,
    rgbColor: bytes(3),
    alias: bytes(32),
    addresses: fc.array(fc.string({ unit: 'binary', maxLength: 60 }), { maxLength: 4 }),
  }),
  channel_update: record('channel_update', {
    signature: sig,
    chainHash: b32,
    shortChannelId: u64,
    timestamp: u32,
    messageFlags: u8,
    channelFlags: u8,
    cltvExpiryDelta: u16,
    htlcMinimumMsat: u64,
    feeBaseMsat: u32,
    feeProportionalMillionths: u32,
    htlcMaximumMsat: u64,
  }),
  // a u16-length list of encoding byte + 8-byte ids holds at most 8191 ids
  query_short_channel_ids: record('query_short_channel_ids', {
    chainHash: b32,
    shortChannelIds: fc.array(u64, { maxLength: 300 }),
    // not one flag per id: the codec leaves that rule to the sync, which answers such a query as unknown
    queryFlags: fc.option(fc.array(u64, { maxLength: 300 }), { nil: undefined }),
  }),
  reply_short_channel_ids_end: record('reply_short_channel_ids_end', { chainHash: b32, fullInformation: u8 }),
  query_channel_range: record('query_channel_range', {
    chainHash: b32,
    firstBlocknum: u32,
    numberOfBlocks: u32,
    queryOption: fc.option(u64, { nil: undefined }),
  }),
  reply_channel_range: record('reply_channel_range', {
    chainHash: b32,
    firstBlocknum: u32,
    numberOfBlocks: u32,
    syncComplete: u8,
    shortChannelIds: fc.array(u64, { maxLength: 300 }),
    timestamps: fc.option(fc.array(fc.record({ node1: u32, node2: u32 }), { maxLength: 300 }), { nil: undefined }),
    checksums: fc.option(fc.array(fc.record({ node1: u32, node2: u32 }), { maxLength: 300 }), { nil: undefined }),
  }),
  gossip_timestamp_filter: record('gossip_timestamp_filter', {
    chainHash: b32,
    firstTimestamp: u32,
    timestampRange: u32,
  }),
}

export const anyMessage: fc.Arbitrary<Message> = fc.oneof(
  ...(Object.values(MESSAGE_ARBITRARIES) as fc.Arbitrary<Message>[]),
)
