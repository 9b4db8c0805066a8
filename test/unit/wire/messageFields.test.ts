/**
 * Message fields by BOLT name with JSON values: how a scenario changes a
 * message in flight or crafts one. What it builds encodes and decodes as the
 * values say; a wrong name or value is refused naming what is allowed.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MESSAGE_TYPES } from '../../../src/wire/constants.js'
import { toHex } from '../../../src/core/bytes.js'
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js'
import {
  MessageFieldError,
  boltFieldName,
  describeMessageFields,
  messageFieldsFromJson,
  messageFromJson,
  settableFields,
} from '../../../src/wire/messageFields.js'
import type { Message } from '../../../src/wire/messages.js'

const POINT_OFF_CURVE = `02${'ff'.repeat(32)}`
const CHANNEL = '11'.repeat(32)

function roundTrip(m: Message): Message {
  const d = decodeMessage(encodeMessage(m))
  if (d.kind !== 'message') throw new Error('not a message')
  return d.message
}

function refusal(fn: () => unknown): MessageFieldError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(MessageFieldError)
    expect((err as MessageFieldError).code).toBe('INVALID_MESSAGE_FIELD')
    return err as MessageFieldError
  }
  throw new Error('accepted')
}

describe('message fields by BOLT name', () => {
  it('names fields as the BOLTs do', () => {
    expect(boltFieldName('nextPerCommitmentPoint')).toBe('next_per_commitment_point')
    expect(boltFieldName('nodeSignature1')).toBe('node_signature_1')
    expect(boltFieldName('sha256OfOnion')).toBe('sha256_of_onion')
    expect(settableFields('revoke_and_ack')).toEqual([
      'channel_id',
      'per_commitment_secret',
      'next_per_commitment_point',
    ])
    // commitment_signed's htlc_signatures are a list: a crafted one carries none
    expect(settableFields('commitment_signed')).toEqual(['channel_id', 'signature'])
  })

  it('crafts a whole message that encodes to exactly those values', () => {
    const m = messageFromJson('update_add_htlc', {
      channel_id: CHANNEL,
      id: 7,
      amount_msat: '18446744073709551615',
      payment_hash: '22'.repeat(32),
      cltv_expiry: 500_000,
      onion_routing_packet: '00'.repeat(1366),
    })
    const back = roundTrip(m)
    expect(back).toMatchObject({ type: 'update_add_htlc', id: 7n, amountMsat: 2n ** 64n - 1n, cltvExpiry: 500_000 })
    expect(toHex((back as { channelId: Uint8Array }).channelId)).toBe(CHANNEL)
  })

  it('changes only the fields given; a point off the curve encodes and the receiver refuses it', () => {
    const set = messageFieldsFromJson('revoke_and_ack', { next_per_commitment_point: POINT_OFF_CURVE }, false)
    expect(Object.keys(set)).toEqual(['nextPerCommitmentPoint'])
    const m = {
      ...messageFromJson('revoke_and_ack', {
        channel_id: CHANNEL,
        per_commitment_secret: '33'.repeat(32),
        next_per_commitment_point: `02${'79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'}`,
      }),
      ...set,
    } as Message
    expect(() => decodeMessage(encodeMessage(m))).toThrow(expect.objectContaining({ code: 'INVALID_POINT' }))
  })

  it('takes integers as YAML files write them, with underscores', () => {
    expect(messageFieldsFromJson('update_fee', { feerate_per_kw: '50_000' }, false)).toEqual({ feeratePerKw: 50_000 })
    expect(messageFieldsFromJson('update_add_htlc', { amount_msat: '1_000_000' }, false)).toEqual({
      amountMsat: 1_000_000n,
    })
    refusal(() => messageFieldsFromJson('update_fee', { feerate_per_kw: '0x10' }, false))
    refusal(() => messageFieldsFromJson('update_fee', { feerate_per_kw: '' }, false))
  })

  it('fills TLV records a crafted message leaves out', () => {
    const m = messageFromJson('closing_signed', { channel_id: CHANNEL, fee_satoshis: 300, signature: '44'.repeat(64) })
    const back = roundTrip(m)
    expect(back).toMatchObject({ type: 'closing_signed', feeSatoshis: 300n })
    expect((back as { feeRange?: unknown }).feeRange).toBeUndefined()
  })

  it('refuses an unknown field naming the allowed ones', () => {
    const e = refusal(() => messageFieldsFromJson('revoke_and_ack', { next_point: POINT_OFF_CURVE }, false))
    expect(e.message).toContain('revoke_and_ack has no field "next_point"')
    expect(e.message).toContain('channel_id, per_commitment_secret, next_per_commitment_point')
  })

  it.each([
    ['a signature of the wrong length', 'commitment_signed', { signature: 'ab' }, '64 bytes in hex'],
    ['a point without its prefix', 'revoke_and_ack', { next_per_commitment_point: '04'.repeat(33) }, 'compressed'],
    ['a u16 out of range', 'update_fail_malformed_htlc', { failure_code: 70_000 }, 'from 0 to 65535'],
    ['a fraction', 'update_add_htlc', { cltv_expiry: 1.5 }, 'from 0 to 4294967295'],
    ['a negative amount', 'update_add_htlc', { amount_msat: -1 }, 'is not a u64'],
    ['a spending condition', 'shutdown', { scriptpubkey: '00' }, 'not settable'],
  ])('refuses %s', (_what, type, values, says) => {
    const e = refusal(() => messageFieldsFromJson(type as Message['type'], values, false))
    expect(e.message).toContain(says)
  })

  it('refuses a crafted message with fields missing, naming them', () => {
    const e = refusal(() => messageFromJson('update_fee', { channel_id: CHANNEL }))
    expect(e.message).toBe('a crafted update_fee needs every field: missing feerate_per_kw')
  })

  it('are all in the scenario guide, as the code names them', () => {
    const guide = readFileSync(resolve(__dirname, '../../../docs/scenarios.md'), 'utf8')
    for (const type of Object.keys(MESSAGE_TYPES) as Message['type'][])
      expect(guide, type).toMatch(
        new RegExp(`^\\| [^|]*\`${type}\`[^|]* \\| ${escape(describeMessageFields(type))} \\|$`, 'm'),
      )
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
