import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, toHex, u16be, u32be, u64be, utf8 } from '../../../src/core/bytes.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { publicKeyOf, signDigest, verifyDigest } from '../../../src/crypto/secp256k1.js'
import { encodeMessage } from '../../../src/wire/codec.js'
import { WireDecodeError } from '../../../src/wire/errors.js'
import {
  channelAnnouncementDigest,
  channelUpdateChecksum,
  channelUpdateDigest,
  gossipDigest,
  nodeAnnouncementDigest,
} from '../../../src/wire/gossipDigest.js'
import { SAMPLES } from './samples.js'
import { crc32c } from '../../../src/core/crc32c.js'

const sha256d = (b: Uint8Array) => sha256(sha256(b))

describe('BOLT #7 signed digests', () => {
  it('channel_announcement: double-SHA256 from offset 256 of the payload (after the four signatures)', () => {
    const m = SAMPLES.channel_announcement
    const encoded = encodeMessage(m)
    expect(toHex(channelAnnouncementDigest(m))).toBe(toHex(sha256d(encoded.subarray(2 + 256))))
    // the signed bytes start at the features length
    expect(toHex(encoded.subarray(258, 260))).toBe('0000')
  })

  it('node_announcement and channel_update: everything after the signature', () => {
    const n = SAMPLES.node_announcement
    expect(toHex(nodeAnnouncementDigest(n))).toBe(toHex(sha256d(encodeMessage(n).subarray(2 + 64))))
    const u = SAMPLES.channel_update
    expect(toHex(channelUpdateDigest(u))).toBe(toHex(sha256d(encodeMessage(u).subarray(2 + 64))))
    expect(toHex(encodeMessage(u).subarray(66, 98))).toBe(toHex(u.chainHash))
  })

  it('ignores the signatures and covers every other field', () => {
    const u = SAMPLES.channel_update
    const { signature: _, ...unsigned } = u
    expect(toHex(channelUpdateDigest(unsigned))).toBe(toHex(channelUpdateDigest(u)))
    expect(toHex(channelUpdateDigest({ ...u, feeBaseMsat: u.feeBaseMsat + 1 }))).not.toBe(toHex(channelUpdateDigest(u)))
    const a = SAMPLES.channel_announcement
    expect(toHex(channelAnnouncementDigest({ ...a, nodeSignature2: new Uint8Array(64).fill(9) }))).toBe(
      toHex(channelAnnouncementDigest(a)),
    )
    expect(toHex(channelAnnouncementDigest({ ...a, shortChannelId: a.shortChannelId + 1n }))).not.toBe(
      toHex(channelAnnouncementDigest(a)),
    )
  })

  it('a node signs its update and a peer verifies it from the received bytes, extension included', () => {
    const nodeKey = sha256(utf8('alice node key'))
    const { signature: _, ...unsigned } = SAMPLES.channel_update
    const signed = { ...SAMPLES.channel_update, signature: signDigest(channelUpdateDigest(unsigned), nodeKey) }
    const received = encodeMessage(signed)
    expect(verifyDigest(signed.signature, gossipDigest(received), publicKeyOf(nodeKey))).toBe(true)
    // an extension the decoder would drop is still covered by the signature
    const extended = concatBytes(received, fromHex('c9012a'))
    expect(verifyDigest(signed.signature, gossipDigest(extended), publicKeyOf(nodeKey))).toBe(false)
  })

  it('refuses messages that are not signed gossip', () => {
    expect(() => gossipDigest(encodeMessage(SAMPLES.ping))).toThrow(WireDecodeError)
    expect(() => gossipDigest(encodeMessage(SAMPLES.channel_update).subarray(0, 30))).toThrow(
      expect.objectContaining({ code: 'TRUNCATED' }),
    )
    expect(() => gossipDigest(new Uint8Array(0))).toThrow(WireDecodeError)
  })
})

describe('channel_update checksum (gossip_queries_ex)', () => {
  it('is the CRC-32C of the update without its signature and timestamp, field by field', () => {
    const u = SAMPLES.channel_update
    const fields = concatBytes(
      u.chainHash,
      u64be(u.shortChannelId),
      Uint8Array.of(u.messageFlags, u.channelFlags),
      u16be(u.cltvExpiryDelta),
      u64be(u.htlcMinimumMsat),
      u32be(u.feeBaseMsat),
      u32be(u.feeProportionalMillionths),
      u64be(u.htlcMaximumMsat),
    )
    expect(channelUpdateChecksum(encodeMessage(u))).toBe(crc32c(fields))
  })

  it('stays the same when only the timestamp and signature change, and changes with the policy', () => {
    const u = SAMPLES.channel_update
    const checksum = channelUpdateChecksum(encodeMessage(u))
    const resigned = { ...u, timestamp: u.timestamp + 60, signature: new Uint8Array(64).fill(7) }
    expect(channelUpdateChecksum(encodeMessage(resigned))).toBe(checksum)
    expect(channelUpdateChecksum(encodeMessage({ ...u, feeBaseMsat: u.feeBaseMsat + 1 }))).not.toBe(checksum)
  })
})
