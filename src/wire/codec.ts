/**
 * Messages to bytes and back: a 2-byte type, the fields of its layout in BOLT
 * order, then the optional TLV extension (BOLT #1 "Lightning Message Format").
 * Decoding is strict: every byte after the fields must parse as the message's
 * TLV stream, and anything else is a WireDecodeError with a stable code.
 * https://github.com/lightning/bolts/blob/master/01-messaging.md#lightning-message-format
 */
import { MAX_MESSAGE_SIZE, MESSAGE_TYPES } from './constants.js'
import { WireDecodeError, WireEncodeError } from './errors.js'
import { WireReader, WireWriter, type FieldCodec } from './fields.js'
import { LAYOUTS, type TlvField } from './layouts.js'
import type { Message, MessageType } from './messages.js'
import { decodeTlvStream, encodeTlvStream, type TlvRecords } from './tlv.js'

export type DecodeResult =
  | { kind: 'message'; message: Message }
  /** BOLT #1: a message of unknown odd type is ignored. */
  | { kind: 'unknown_odd'; messageType: number }

interface CompiledLayout {
  name: MessageType
  typeNumber: number
  /** `keep` is false for wire-only fields (keys starting with `_`). */
  fixed: Array<{ key: string; codec: FieldCodec<unknown>; keep: boolean }>
  tlvs: Array<{ key: string; tlv: TlvField<unknown> }>
  knownTlvTypes: ReadonlySet<bigint>
  /** the largest message of this type encoded so far: the next writer starts this big */
  sizeHint: number
}

function compile(name: MessageType): CompiledLayout {
  const fixed: CompiledLayout['fixed'] = []
  const tlvs: CompiledLayout['tlvs'] = []
  for (const [key, entry] of Object.entries(LAYOUTS[name] as Record<string, FieldCodec<unknown> | TlvField<unknown>>)) {
    if ('tlvType' in entry) tlvs.push({ key, tlv: entry })
    else fixed.push({ key, codec: entry, keep: !key.startsWith('_') })
  }
  return {
    name,
    typeNumber: MESSAGE_TYPES[name],
    fixed,
    tlvs,
    knownTlvTypes: new Set(tlvs.map((t) => t.tlv.tlvType)),
    sizeHint: 64,
  }
}

const BY_NAME = new Map<MessageType, CompiledLayout>()
const BY_NUMBER = new Map<number, CompiledLayout>()
for (const name of Object.keys(MESSAGE_TYPES) as MessageType[]) {
  const layout = compile(name)
  BY_NAME.set(name, layout)
  BY_NUMBER.set(layout.typeNumber, layout)
}

/** Throws WireEncodeError if a field does not fit its wire type or the message exceeds MAX_MESSAGE_SIZE. */
export function encodeMessage(message: Message): Uint8Array {
  const layout = BY_NAME.get(message.type)
  if (layout === undefined)
    throw new WireEncodeError('INVALID_FIELD', `unknown message type ${JSON.stringify(message.type)}`)
  const fields = message as unknown as Record<string, unknown>
  const w = new WireWriter(layout.name, layout.sizeHint)
  w.u16(layout.typeNumber, 'type')
  for (const { key, codec } of layout.fixed) codec.write(w, fields[key], key)
  if (layout.tlvs.length > 0) {
    const records: TlvRecords = new Map()
    for (const { key, tlv } of layout.tlvs) {
      const value = tlv.encode(fields[key], layout.name, key)
      if (value !== undefined) records.set(tlv.tlvType, value)
    }
    if (records.size > 0) w.bytes(encodeTlvStream(records), 'tlvs')
  }
  if (w.size > MAX_MESSAGE_SIZE) {
    throw new WireEncodeError(
      'MESSAGE_TOO_LARGE',
      `${layout.name} would be ${w.size} bytes; messages are at most ${MAX_MESSAGE_SIZE}`,
      { messageType: layout.name, size: w.size },
    )
  }
  if (w.size > layout.sizeHint) layout.sizeHint = w.size
  return w.finish()
}

/**
 * Decodes one whole message (a frame's payload). Throws WireDecodeError:
 * FRAME_TOO_LARGE, TRUNCATED, UNKNOWN_EVEN_TYPE (of the message or of a TLV
 * record in it), TRAILING_BYTES (bytes after the fields that are not a valid
 * TLV stream) or INVALID_FIELD.
 *
 * `owned`: the caller hands `bytes` over to the message (nothing writes them later), whose byte fields are then views
 * of them instead of a copy: a reader that keeps the frame too (the gossip store) holds one allocation, not two.
 */
export function decodeMessage(bytes: Uint8Array, options: { owned?: boolean } = {}): DecodeResult {
  if (bytes.length > MAX_MESSAGE_SIZE) {
    throw new WireDecodeError(
      'FRAME_TOO_LARGE',
      `message is ${bytes.length} bytes; messages are at most ${MAX_MESSAGE_SIZE}`,
      { size: bytes.length },
    )
  }
  if (bytes.length < 2)
    throw new WireDecodeError('TRUNCATED', `message is ${bytes.length} bytes, too short for its 2-byte type`)
  const typeNumber = (bytes[0]! << 8) | bytes[1]!
  const layout = BY_NUMBER.get(typeNumber)
  if (layout === undefined) {
    if (typeNumber % 2 === 1) return { kind: 'unknown_odd', messageType: typeNumber }
    throw new WireDecodeError('UNKNOWN_EVEN_TYPE', `unknown even message type ${typeNumber}`, {
      messageType: typeNumber,
    })
  }
  const r = new WireReader(bytes.subarray(2), layout.name, options.owned)
  const message: Record<string, unknown> = { type: layout.name }
  try {
    for (const { key, codec, keep } of layout.fixed) {
      const value = codec.read(r, key)
      if (keep) message[key] = value
    }
  } catch (err) {
    throw withMessageContext(err, layout.name, message)
  }
  const records = r.remaining > 0 ? readExtension(r.rest(), layout) : undefined
  for (const { key, tlv } of layout.tlvs) {
    const value = tlv.decode(records?.get(tlv.tlvType), layout.name, key)
    if (value !== undefined) message[key] = value
  }
  return { kind: 'message', message: message as unknown as Message }
}

/**
 * Names the message and, once its first field was read, the channel it was for:
 * a bad field in a channel's message fails that channel (BOLT #2), which the
 * receiver can only do if it knows which one.
 */
function withMessageContext(err: unknown, messageType: string, decoded: Record<string, unknown>): unknown {
  if (!(err instanceof WireDecodeError)) return err
  const channelId = decoded.channelId ?? decoded.temporaryChannelId
  return new WireDecodeError(err.code, err.message, {
    ...err.details,
    messageType,
    ...(channelId instanceof Uint8Array ? { channelId } : {}),
  })
}

function readExtension(bytes: Uint8Array, layout: CompiledLayout): TlvRecords {
  try {
    return decodeTlvStream(bytes, layout.knownTlvTypes)
  } catch (err) {
    if (!(err instanceof WireDecodeError)) throw err
    if (err.code === 'UNKNOWN_EVEN_TYPE') {
      throw new WireDecodeError('UNKNOWN_EVEN_TYPE', `${layout.name} extension: ${err.message}`, {
        ...err.details,
        messageType: layout.name,
      })
    }
    throw new WireDecodeError(
      'TRAILING_BYTES',
      `${layout.name} has ${bytes.length} bytes after its fields that are not a valid TLV extension: ${err.message}`,
      { messageType: layout.name, tlvError: err.code },
    )
  }
}
