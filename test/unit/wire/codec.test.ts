import { describe, expect, it } from 'vitest'
import { all, encodeCondition, sig } from '../../../src/chain/condition.js'
import { concatBytes, fromHex, toHex, u16be, u32be, u64be, utf8 } from '../../../src/core/bytes.js'
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js'
import { MAX_MESSAGE_SIZE, MESSAGE_TYPES, messageTypeName } from '../../../src/wire/constants.js'
import { WireDecodeError, WireEncodeError } from '../../../src/wire/errors.js'
import { MAX_CONDITION_BYTES } from '../../../src/wire/fields.js'
import type { Message, MessageType } from '../../../src/wire/messages.js'
import { ALL_SAMPLES, SAMPLES } from './samples.js'

const type = (t: MessageType) => u16be(MESSAGE_TYPES[t])
const u8 = (n: number) => Uint8Array.of(n)

function decodeError(bytes: Uint8Array): WireDecodeError {
  try {
    decodeMessage(bytes)
  } catch (err) {
    if (err instanceof WireDecodeError) return err
    throw err
  }
  throw new Error(`decoded without error: ${toHex(bytes)}`)
}

function encodeError(message: unknown): WireEncodeError {
  try {
    encodeMessage(message as Message)
  } catch (err) {
    if (err instanceof WireEncodeError) return err
    throw err
  }
  throw new Error('encoded without error')
}

/** The sample without its optional TLV records, so every byte belongs to a fixed field. */
function withoutTlvs(m: Message): Message {
  if (m.type === 'init') return { ...m, networks: [] }
  if (m.type === 'closing_signed')
    return { type: m.type, channelId: m.channelId, feeSatoshis: m.feeSatoshis, signature: m.signature }
  return m
}

describe('every message type', () => {
  it('has a sample and a known type number', () => {
    expect(ALL_SAMPLES.map((m) => m.type).sort()).toEqual(Object.keys(MESSAGE_TYPES).sort())
    for (const [name, n] of Object.entries(MESSAGE_TYPES)) expect(messageTypeName(n)).toBe(name)
    expect(messageTypeName(20)).toBeUndefined()
  })

  it.each(ALL_SAMPLES.map((m) => [m.type, m] as const))('%s round-trips', (_name, message) => {
    const bytes = encodeMessage(message)
    expect(toHex(bytes.subarray(0, 2))).toBe(toHex(type(message.type)))
    expect(decodeMessage(bytes)).toEqual({ kind: 'message', message })
  })
})

describe('layouts follow the BOLTs byte for byte', () => {
  it('open_channel (BOLT #2 field order)', () => {
    const m = SAMPLES.open_channel
    const expected = concatBytes(
      type('open_channel'),
      m.chainHash,
      m.temporaryChannelId,
      u64be(m.fundingSatoshis),
      u64be(m.pushMsat),
      u64be(m.dustLimitSatoshis),
      u64be(m.maxHtlcValueInFlightMsat),
      u64be(m.channelReserveSatoshis),
      u64be(m.htlcMinimumMsat),
      u32be(m.feeratePerKw),
      u16be(m.toSelfDelay),
      u16be(m.maxAcceptedHtlcs),
      m.fundingPubkey,
      m.revocationBasepoint,
      m.paymentBasepoint,
      m.delayedPaymentBasepoint,
      m.htlcBasepoint,
      m.firstPerCommitmentPoint,
      u8(m.channelFlags),
    )
    expect(toHex(encodeMessage(m))).toBe(toHex(expected))
    expect(expected.length).toBe(2 + 319)
  })

  it('accept_channel', () => {
    const m = SAMPLES.accept_channel
    const expected = concatBytes(
      type('accept_channel'),
      m.temporaryChannelId,
      u64be(m.dustLimitSatoshis),
      u64be(m.maxHtlcValueInFlightMsat),
      u64be(m.channelReserveSatoshis),
      u64be(m.htlcMinimumMsat),
      u32be(m.minimumDepth),
      u16be(m.toSelfDelay),
      u16be(m.maxAcceptedHtlcs),
      m.fundingPubkey,
      m.revocationBasepoint,
      m.paymentBasepoint,
      m.delayedPaymentBasepoint,
      m.htlcBasepoint,
      m.firstPerCommitmentPoint,
    )
    expect(toHex(encodeMessage(m))).toBe(toHex(expected))
  })

  it('update_add_htlc carries the 1366-byte onion last', () => {
    const m = SAMPLES.update_add_htlc
    const expected = concatBytes(
      type('update_add_htlc'),
      m.channelId,
      u64be(m.id),
      u64be(m.amountMsat),
      m.paymentHash,
      u32be(m.cltvExpiry),
      m.onionRoutingPacket,
    )
    expect(toHex(encodeMessage(m))).toBe(toHex(expected))
    expect(expected.length).toBe(1452)
  })

  it('commitment_signed writes num_htlcs then each HTLC signature (BOLT #2)', () => {
    const m = SAMPLES.commitment_signed
    expect(toHex(encodeMessage(m))).toBe(
      toHex(concatBytes(type('commitment_signed'), m.channelId, m.signature, u16be(2), ...m.htlcSignatures)),
    )
    expect(decodeMessage(encodeMessage(m))).toEqual({ kind: 'message', message: m })
  })

  it('shutdown carries the condition as u16 length + encodeCondition bytes', () => {
    const m = SAMPLES.shutdown
    const condition = encodeCondition(m.scriptpubkey)
    expect(toHex(encodeMessage(m))).toBe(
      toHex(concatBytes(type('shutdown'), m.channelId, u16be(condition.length), condition)),
    )
  })

  it('closing_signed puts fee_range in TLV type 1', () => {
    const m = SAMPLES.closing_signed
    const expected = concatBytes(
      type('closing_signed'),
      m.channelId,
      u64be(m.feeSatoshis),
      m.signature,
      fromHex('0110'),
      u64be(150n),
      u64be(400n),
    )
    expect(toHex(encodeMessage(m))).toBe(toHex(expected))
  })

  it('init sends an empty globalfeatures, the features, then networks in TLV type 1', () => {
    const m = SAMPLES.init
    const expected = concatBytes(
      type('init'),
      u16be(0),
      u16be(m.features.length),
      m.features,
      fromHex('0120'),
      m.networks[0]!,
    )
    expect(toHex(encodeMessage(m))).toBe(toHex(expected))
  })

  it("init merges a peer's globalfeatures into features (BOLT #1: bitwise OR)", () => {
    const bytes = concatBytes(type('init'), u16be(1), fromHex('22'), u16be(2), fromHex('0100'))
    expect(decodeMessage(bytes)).toEqual({
      kind: 'message',
      message: { type: 'init', features: fromHex('0122'), networks: [] },
    })
  })

  it('node_announcement lists addresses as u16-length UTF-8 strings inside addrlen', () => {
    const m = SAMPLES.node_announcement
    const addresses = concatBytes(...m.addresses.map((a) => concatBytes(u16be(utf8(a).length), utf8(a))))
    const expected = concatBytes(
      type('node_announcement'),
      m.signature,
      u16be(m.features.length),
      m.features,
      u32be(m.timestamp),
      m.nodeId,
      m.rgbColor,
      m.alias,
      u16be(addresses.length),
      addresses,
    )
    expect(toHex(encodeMessage(m))).toBe(toHex(expected))
  })

  it('channel_update and channel_announcement', () => {
    const u = SAMPLES.channel_update
    expect(toHex(encodeMessage(u))).toBe(
      toHex(
        concatBytes(
          type('channel_update'),
          u.signature,
          u.chainHash,
          u64be(u.shortChannelId),
          u32be(u.timestamp),
          u8(u.messageFlags),
          u8(u.channelFlags),
          u16be(u.cltvExpiryDelta),
          u64be(u.htlcMinimumMsat),
          u32be(u.feeBaseMsat),
          u32be(u.feeProportionalMillionths),
          u64be(u.htlcMaximumMsat),
        ),
      ),
    )
    const a = SAMPLES.channel_announcement
    expect(toHex(encodeMessage(a))).toBe(
      toHex(
        concatBytes(
          type('channel_announcement'),
          a.nodeSignature1,
          a.nodeSignature2,
          a.bitcoinSignature1,
          a.bitcoinSignature2,
          u16be(a.features.length),
          a.features,
          a.chainHash,
          u64be(a.shortChannelId),
          a.nodeId1,
          a.nodeId2,
          a.bitcoinKey1,
          a.bitcoinKey2,
        ),
      ),
    )
  })
})

describe('decoding rejects what does not parse', () => {
  it.each(ALL_SAMPLES.map((m) => [m.type, withoutTlvs(m)] as const))(
    '%s cut at every byte is TRUNCATED',
    (_name, message) => {
      const bytes = encodeMessage(message)
      for (let n = 0; n < bytes.length; n++) expect(decodeError(bytes.subarray(0, n)).code).toBe('TRUNCATED')
    },
  )

  it('a message cut inside its TLV extension is TRAILING_BYTES; cut before it, it decodes without the record', () => {
    for (const message of [SAMPLES.init, SAMPLES.closing_signed]) {
      const full = encodeMessage(message)
      const fixedEnd = encodeMessage(withoutTlvs(message)).length
      expect(decodeMessage(full.subarray(0, fixedEnd))).toEqual({ kind: 'message', message: withoutTlvs(message) })
      for (let n = fixedEnd + 1; n < full.length; n++)
        expect(decodeError(full.subarray(0, n)).code).toBe('TRAILING_BYTES')
    }
  })

  it.each(ALL_SAMPLES.map((m) => [m.type, m] as const))(
    '%s with a stray trailing byte is TRAILING_BYTES',
    (_name, message) => {
      const bytes = encodeMessage(message)
      for (const stray of [0x00, 0x01, 0x2a, 0xfd, 0xff])
        expect(decodeError(concatBytes(bytes, u8(stray))).code).toBe('TRAILING_BYTES')
    },
  )

  it('ignores unknown odd TLV records after a message, and rejects unknown even ones', () => {
    const bytes = encodeMessage(SAMPLES.revoke_and_ack)
    expect(decodeMessage(concatBytes(bytes, fromHex('c9012afd01010102')))).toEqual({
      kind: 'message',
      message: SAMPLES.revoke_and_ack,
    })
    const err = decodeError(concatBytes(bytes, fromHex('ca012a')))
    expect(err.code).toBe('UNKNOWN_EVEN_TYPE')
    expect(err.details).toMatchObject({ messageType: 'revoke_and_ack', tlvType: '202' })
  })

  it('ignores an unknown odd message type and rejects an unknown even one', () => {
    expect(decodeMessage(fromHex('8001deadbeef'))).toEqual({ kind: 'unknown_odd', messageType: 0x8001 })
    expect(decodeMessage(fromHex('0117'))).toEqual({ kind: 'unknown_odd', messageType: 279 })
    for (const hex of ['8000deadbeef', '0118', '0000']) expect(decodeError(fromHex(hex)).code).toBe('UNKNOWN_EVEN_TYPE')
  })

  it('rejects a message over 65535 bytes as FRAME_TOO_LARGE', () => {
    const bytes = new Uint8Array(MAX_MESSAGE_SIZE + 1)
    bytes[1] = MESSAGE_TYPES.ping
    expect(decodeError(bytes).code).toBe('FRAME_TOO_LARGE')
  })

  it('rejects a point that is not 33 bytes with prefix 02 or 03', () => {
    const bytes = encodeMessage(SAMPLES.revoke_and_ack)
    for (const prefix of [0x00, 0x04, 0x06]) {
      const bad = bytes.slice()
      bad[2 + 32 + 32] = prefix
      const err = decodeError(bad)
      expect(err.code).toBe('INVALID_FIELD')
      expect(err.details).toMatchObject({ context: 'revoke_and_ack', field: 'nextPerCommitmentPoint' })
    }
  })

  it('rejects commitment_signed whose num_htlcs promises more signatures than it holds', () => {
    const m = SAMPLES.commitment_signed
    expect(
      decodeError(concatBytes(type('commitment_signed'), m.channelId, m.signature, u16be(2), m.signature)).code,
    ).toBe('TRUNCATED')
  })

  it('rejects a shutdown whose condition does not decode or is invalid', () => {
    const m = SAMPLES.shutdown
    const shutdown = (condition: Uint8Array) =>
      concatBytes(type('shutdown'), m.channelId, u16be(condition.length), condition)
    expect(decodeError(shutdown(fromHex('09'))).code).toBe('INVALID_FIELD') // unknown tag
    expect(decodeError(shutdown(fromHex('0200'))).code).toBe('INVALID_FIELD') // all() of nothing
    // sig() of a non-key
    expect(decodeError(shutdown(concatBytes(fromHex('01'), new Uint8Array(33)))).code).toBe('INVALID_FIELD')
    const valid = encodeCondition(sig(SAMPLES.channel_ready.secondPerCommitmentPoint))
    expect(decodeMessage(shutdown(valid))).toMatchObject({ kind: 'message' })
    // trailing byte inside the condition
    expect(decodeError(shutdown(concatBytes(valid, u8(0)))).code).toBe('INVALID_FIELD')
  })

  it('rejects a long chain of nested all() before decoding it', () => {
    const nested = new Uint8Array(60_000).fill(0x01)
    for (let i = 0; i < nested.length; i += 2) nested[i] = 0x02
    const m = SAMPLES.shutdown
    const err = decodeError(concatBytes(type('shutdown'), m.channelId, u16be(nested.length), nested))
    expect(err.code).toBe('INVALID_FIELD')
    const justOver = new Uint8Array(MAX_CONDITION_BYTES + 1)
    expect(decodeError(concatBytes(type('shutdown'), m.channelId, u16be(justOver.length), justOver)).code).toBe(
      'INVALID_FIELD',
    )
  })

  it('rejects malformed init networks and closing_signed fee_range records', () => {
    const init = concatBytes(type('init'), u16be(0), u16be(0), fromHex('0121'), new Uint8Array(33))
    expect(decodeError(init).code).toBe('INVALID_FIELD')
    const c = SAMPLES.closing_signed
    const closing = concatBytes(
      type('closing_signed'),
      c.channelId,
      u64be(c.feeSatoshis),
      c.signature,
      fromHex('010f'),
      new Uint8Array(15),
    )
    expect(decodeError(closing).code).toBe('INVALID_FIELD')
  })

  it('rejects node_announcement addresses that are not u16-length UTF-8 strings', () => {
    const m = SAMPLES.node_announcement
    const withAddresses = (list: Uint8Array) =>
      concatBytes(
        type('node_announcement'),
        m.signature,
        u16be(0),
        u32be(m.timestamp),
        m.nodeId,
        m.rgbColor,
        m.alias,
        u16be(list.length),
        list,
      )
    expect(decodeMessage(withAddresses(new Uint8Array(0)))).toMatchObject({ message: { addresses: [] } })
    expect(decodeError(withAddresses(fromHex('0002ffff'))).code).toBe('INVALID_FIELD') // not UTF-8
    expect(decodeError(withAddresses(fromHex('00052f6970'))).code).toBe('INVALID_FIELD') // longer than the list
    expect(decodeError(withAddresses(fromHex('00012f00'))).code).toBe('INVALID_FIELD') // ends inside a length
  })

  it('copies every field: decoded messages never alias the frame, even a Buffer', () => {
    const bytes = Buffer.from(encodeMessage(SAMPLES.update_fulfill_htlc))
    const decoded = decodeMessage(bytes)
    bytes.fill(0xee)
    expect(decoded).toEqual({ kind: 'message', message: SAMPLES.update_fulfill_htlc })
    if (decoded.kind !== 'message' || decoded.message.type !== 'update_fulfill_htlc') throw new Error('unreachable')
    expect(decoded.message.paymentPreimage.constructor).toBe(Uint8Array)
  })

  it("keeps a message's fields in one copy of the frame, not one allocation each", () => {
    const frame = encodeMessage(SAMPLES.channel_announcement)
    const decoded = decodeMessage(frame)
    if (decoded.kind !== 'message' || decoded.message.type !== 'channel_announcement') throw new Error('unreachable')
    const m = decoded.message
    const fields = [m.nodeSignature1, m.bitcoinSignature2, m.chainHash, m.nodeId1, m.bitcoinKey2]
    expect(new Set(fields.map((f) => f.buffer)).size).toBe(1)
    expect(m.nodeId1.buffer).not.toBe(frame.buffer)
    frame.fill(0)
    expect(m).toEqual(SAMPLES.channel_announcement)
  })

  it('makes no copy of bytes handed over (owned): the fields are views of them', () => {
    const frame = encodeMessage(SAMPLES.channel_announcement)
    const decoded = decodeMessage(frame, { owned: true })
    if (decoded.kind !== 'message' || decoded.message.type !== 'channel_announcement') throw new Error('unreachable')
    expect(decoded.message).toEqual(SAMPLES.channel_announcement)
    expect(decoded.message.nodeId1.buffer).toBe(frame.buffer)
    // a view of a larger buffer reads from its own offset
    const padded = new Uint8Array(frame.length + 7)
    padded.set(frame, 5)
    expect(decodeMessage(padded.subarray(5, 5 + frame.length), { owned: true })).toEqual(decoded)
  })
})

describe('encoding refuses a message that does not fit the wire', () => {
  it('names the field that is the wrong size or out of range', () => {
    const cases: Array<[unknown, string]> = [
      [{ ...SAMPLES.funding_signed, channelId: new Uint8Array(31) }, 'channelId'],
      [{ ...SAMPLES.update_add_htlc, onionRoutingPacket: new Uint8Array(1300) }, 'onionRoutingPacket'],
      [{ ...SAMPLES.update_add_htlc, amountMsat: -1n }, 'amountMsat'],
      [{ ...SAMPLES.update_add_htlc, id: 1n << 64n }, 'id'],
      [{ ...SAMPLES.update_add_htlc, cltvExpiry: 2 ** 32 }, 'cltvExpiry'],
      [{ ...SAMPLES.open_channel, toSelfDelay: 65536 }, 'toSelfDelay'],
      [{ ...SAMPLES.open_channel, feeratePerKw: 1.5 }, 'feeratePerKw'],
      [{ ...SAMPLES.open_channel, channelFlags: 256 }, 'channelFlags'],
      [{ ...SAMPLES.open_channel, fundingPubkey: new Uint8Array(33).fill(4) }, 'fundingPubkey'],
      [{ ...SAMPLES.shutdown, scriptpubkey: all() }, 'scriptpubkey'],
      [{ ...SAMPLES.init, networks: [new Uint8Array(31)] }, 'networks'],
      [
        { ...SAMPLES.closing_signed, feeRange: { minFeeSatoshis: -5n, maxFeeSatoshis: 10n } },
        'feeRange.minFeeSatoshis',
      ],
      [{ ...SAMPLES.node_announcement, addresses: ['/ip4/\ud800'] }, 'addresses'],
    ]
    for (const [message, field] of cases) {
      const err = encodeError(message)
      expect(err.code).toBe('INVALID_FIELD')
      expect(err.message).toContain(field)
    }
  })

  it('refuses a message over 65535 bytes', () => {
    expect(encodeError({ type: 'ping', numPongBytes: 0, ignored: new Uint8Array(65530) }).code).toBe(
      'MESSAGE_TOO_LARGE',
    )
    expect(encodeMessage({ type: 'ping', numPongBytes: 0, ignored: new Uint8Array(65529) }).length).toBe(
      MAX_MESSAGE_SIZE,
    )
  })

  it('refuses an unknown message type', () => {
    expect(encodeError({ type: 'open_channel2' }).code).toBe('INVALID_FIELD')
  })
})
