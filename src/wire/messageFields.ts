/**
 * A message's fields by their BOLT names (snake_case: `next_per_commitment_point`, `node_signature_1`) and their
 * values as JSON writes them: hex for bytes, keys and signatures, numbers for integers (u64 also as a decimal
 * string), `BLOCKxTXxOUTPUT` for a short channel id. This is how a test scenario changes a message in flight or
 * crafts one: the values are checked against the field's wire type here, so what is sent encodes correctly and only
 * its meaning can be wrong.
 */
import { InvalidInputError } from '../core/errors.js'
import { fromHex, isHex } from '../core/bytes.js'
import { parseScid } from '../core/shortChannelId.js'
import { MESSAGE_TYPES } from './constants.js'
import { onionPacket, point, signature, u16, u32, u64, u8, varBytes, type FieldCodec } from './fields.js'
import { LAYOUTS, type TlvField } from './layouts.js'
import type { Message, MessageType } from './messages.js'

/** What a field holds, as JSON gives it. */
export type FieldKind =
  | { kind: 'integer'; max: number }
  | { kind: 'u64' }
  | { kind: 'short_channel_id' }
  | { kind: 'bytes'; size: number | undefined }
  | { kind: 'point' }
  /** a field whose value is not plain bytes or a number (a spending condition, a list of addresses) */
  | { kind: 'unsupported'; why: string }

export type JsonFieldValue = string | number

/** The error for a field name or value a message cannot take. */
export class MessageFieldError extends InvalidInputError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, details, 'INVALID_MESSAGE_FIELD')
    this.name = 'MessageFieldError'
  }
}

/** `nextPerCommitmentPoint` → `next_per_commitment_point`, `nodeSignature1` → `node_signature_1`. */
export function boltFieldName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/([a-z])(\d+)$/, '$1_$2')
}

function kindOf(key: string, codec: unknown): FieldKind {
  if (codec === u8) return { kind: 'integer', max: 0xff }
  if (codec === u16) return { kind: 'integer', max: 0xffff }
  if (codec === u32) return { kind: 'integer', max: 0xffff_ffff }
  // short_channel_id shares u64's codec
  if (codec === u64) return key === 'shortChannelId' ? { kind: 'short_channel_id' } : { kind: 'u64' }
  if (codec === point) return { kind: 'point' }
  if (codec === signature) return { kind: 'bytes', size: 64 }
  if (codec === onionPacket) return { kind: 'bytes', size: 1366 }
  if (codec === varBytes || codec === LAYOUTS.init.features) return { kind: 'bytes', size: undefined }
  if (typeof codec === 'object' && codec !== null && 'size' in codec && typeof codec.size === 'number')
    return { kind: 'bytes', size: codec.size }
  return { kind: 'unsupported', why: 'its value is not plain bytes or a number' }
}

interface FieldInfo {
  /** the key of the message object (camelCase) */
  key: string
  kind: FieldKind
  /** a TLV record: the value it has when left out (a crafted message may leave it out) */
  absent?: { value: unknown }
}

const FIELDS = new Map<MessageType, Map<string, FieldInfo>>()
for (const type of Object.keys(MESSAGE_TYPES) as MessageType[]) {
  const fields = new Map<string, FieldInfo>()
  for (const [key, codec] of Object.entries(LAYOUTS[type] as Record<string, FieldCodec<unknown>>)) {
    if (key.startsWith('_')) continue
    if (typeof codec === 'object' && codec !== null && 'whenCrafted' in codec) {
      const kind: FieldKind = { kind: 'unsupported', why: 'it is a list (a crafted message carries none)' }
      fields.set(boltFieldName(key), { key, kind, absent: { value: codec.whenCrafted } })
    } else if (typeof codec === 'object' && codec !== null && 'tlvType' in codec) {
      const tlv = codec as unknown as TlvField<unknown>
      const kind: FieldKind = { kind: 'unsupported', why: 'it is a TLV record lnsim fills itself' }
      fields.set(boltFieldName(key), { key, kind, absent: { value: tlv.decode(undefined, type, key) } })
    } else fields.set(boltFieldName(key), { key, kind: kindOf(key, codec) })
  }
  FIELDS.set(type, fields)
}

function fieldsOf(type: MessageType): Map<string, FieldInfo> {
  const f = FIELDS.get(type)
  if (!f) throw new MessageFieldError(`no peer message named ${JSON.stringify(type)}`, { messageType: type })
  return f
}

/** The fields a scenario may set on a message of this type, by BOLT name, in wire order. */
export function settableFields(type: MessageType): string[] {
  return [...fieldsOf(type)].filter(([, f]) => f.kind.kind !== 'unsupported').map(([name]) => name)
}

/** The field's kind, in words, for error messages and docs. */
export function describeFieldKind(k: FieldKind): string {
  switch (k.kind) {
    case 'integer':
      return `an integer from 0 to ${k.max}`
    case 'u64':
      return 'an integer from 0 to 2^64-1 (a decimal string above 2^53)'
    case 'short_channel_id':
      return 'a short channel id, BLOCKxTXxOUTPUT'
    case 'bytes':
      return k.size === undefined ? 'hex bytes' : `${k.size} bytes in hex`
    case 'point':
      return '33 bytes in hex starting 02 or 03 (a compressed point; it need not be on the curve)'
    case 'unsupported':
      return `not settable: ${k.why}`
  }
}

/** A decimal string as YAML files write big numbers (`1_000_000`), as a number; anything else as it is. */
function decimal(value: unknown): unknown {
  return typeof value === 'string' && /^\d[\d_]*$/.test(value) ? value.replaceAll('_', '') : value
}

function convert(type: MessageType, name: string, kind: FieldKind, given: unknown): unknown {
  const value = kind.kind === 'integer' || kind.kind === 'u64' ? decimal(given) : given
  const bad = (why: string): MessageFieldError =>
    new MessageFieldError(`${type}.${name}: ${why}; it takes ${describeFieldKind(kind)}`, {
      messageType: type,
      field: name,
    })
  switch (kind.kind) {
    case 'integer': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? +value : NaN
      if (!Number.isInteger(n) || n < 0 || n > kind.max) throw bad(`${JSON.stringify(given)} is out of range`)
      return n
    }
    case 'u64': {
      const ok =
        (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ||
        (typeof value === 'string' && /^\d{1,20}$/.test(value))
      const v = ok ? BigInt(value as number | string) : -1n
      if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw bad(`${JSON.stringify(given)} is not a u64`)
      return v
    }
    case 'short_channel_id':
      try {
        return parseScid(String(value))
      } catch {
        throw bad(`${JSON.stringify(value)} is not a short channel id`)
      }
    case 'bytes':
      if (!isHex(value) || (kind.size !== undefined && value.length !== kind.size * 2))
        throw bad(`${JSON.stringify(String(value).slice(0, 80))} is not ${describeFieldKind(kind)}`)
      return fromHex(value)
    case 'point':
      if (!isHex(value, 33) || !/^0[23]/.test(value)) throw bad(`${JSON.stringify(value)} is not a compressed point`)
      return fromHex(value)
    case 'unsupported':
      throw bad('a scenario cannot set it')
  }
}

/**
 * The message's fields from BOLT names and JSON values, checked against their wire types. With `complete`, every
 * field must be given (a message crafted whole); otherwise any subset (fields to change on a message in flight).
 */
export function messageFieldsFromJson(
  type: MessageType,
  values: Readonly<Record<string, unknown>>,
  complete: boolean,
): Partial<Message> {
  const fields = fieldsOf(type)
  const allowed = (): string => settableFields(type).join(', ') || 'none'
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(values)) {
    const f = fields.get(name)
    if (!f)
      throw new MessageFieldError(`${type} has no field ${JSON.stringify(name)}; its fields are: ${allowed()}`, {
        messageType: type,
        field: name,
      })
    out[f.key] = convert(type, name, f.kind, value)
  }
  if (complete) {
    for (const f of fields.values()) if (f.absent && !(f.key in out)) out[f.key] = f.absent.value
    const missing = [...fields].filter(([name, f]) => !(name in values) && !f.absent).map(([name]) => name)
    if (missing.length > 0)
      throw new MessageFieldError(`a crafted ${type} needs every field: missing ${missing.join(', ')}`, {
        messageType: type,
        missing,
      })
  }
  return out as Partial<Message>
}

/** A whole message of this type from BOLT names and JSON values (every field given). */
export function messageFromJson(type: MessageType, values: Readonly<Record<string, unknown>>): Message {
  return { ...messageFieldsFromJson(type, values, true), type } as Message
}

/** A field's wire type in a word: u8…u64, short_channel_id, point, bytesN, bytes (length-prefixed), or fixed. */
function wireType(k: FieldKind): string {
  switch (k.kind) {
    case 'integer':
      return k.max === 0xff ? 'u8' : k.max === 0xffff ? 'u16' : 'u32'
    case 'u64':
    case 'short_channel_id':
    case 'point':
      return k.kind
    case 'bytes':
      return k.size === undefined ? 'bytes' : `bytes${k.size}`
    case 'unsupported':
      return 'not settable'
  }
}

/** Every field of a message type with its wire type, in wire order: `channel_id` (bytes32), `id` (u64), … */
export function describeMessageFields(type: MessageType): string {
  return [...fieldsOf(type)].map(([name, f]) => `\`${name}\` (${wireType(f.kind)})`).join(', ')
}
