import type { Stream } from '@libp2p/interface'
import { streamPair } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { concatBytes, fromHex, u16be } from '../../../src/core/bytes.js'
import { encodeMessage } from '../../../src/wire/codec.js'
import { MAX_MESSAGE_SIZE, MESSAGE_TYPES } from '../../../src/wire/constants.js'
import { SendQueueFullError, WireEncodeError } from '../../../src/wire/errors.js'
import { frameStream, type FrameResult, type FramedStream } from '../../../src/wire/framing.js'
import type { Message } from '../../../src/wire/messages.js'
import { ALL_SAMPLES, SAMPLES } from './samples.js'

/** Unsigned LEB128, the length prefix lpStream uses. */
function varint(n: number): Uint8Array {
  const out: number[] = []
  do {
    out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0))
    n = Math.floor(n / 0x80)
  } while (n > 0)
  return Uint8Array.from(out)
}

/** Writes a frame the way a misbehaving peer could: any length, any payload. */
function sendRawFrame(stream: Stream, payload: Uint8Array, length = payload.length): void {
  stream.send(concatBytes(varint(length), payload))
}

let streams: Stream[] = []
afterEach(() => {
  for (const s of streams) s.abort(new Error('test over'))
  streams = []
})

async function pair(): Promise<{ a: FramedStream; b: FramedStream; rawA: Stream }> {
  const [rawA, rawB] = await streamPair()
  streams.push(rawA, rawB)
  return { a: frameStream(rawA), b: frameStream(rawB), rawA }
}

function messageOf(result: FrameResult | null): Message {
  if (result?.kind !== 'message') throw new Error(`expected a message, got ${JSON.stringify(result?.kind ?? null)}`)
  return result.message
}

describe('frameStream', () => {
  it('carries every message type in order, with the frame as sent', async () => {
    const { a, b } = await pair()
    for (const m of ALL_SAMPLES) void a.write(m)
    const received: Message[] = []
    for (const m of ALL_SAMPLES) {
      const result = await b.read()
      expect(result).toMatchObject({ kind: 'message', frame: encodeMessage(m) })
      received.push(messageOf(result))
    }
    expect(received).toEqual(ALL_SAMPLES)
  })

  it('writes a message given as bytes as it is, between messages it encodes', async () => {
    const { a, b } = await pair()
    // a node_announcement with an unknown odd TLV after its addresses, which a decode and encode again would drop
    const withExtension = concatBytes(encodeMessage(SAMPLES.node_announcement), fromHex('0701ff'))
    void a.writeMany([SAMPLES.ping, withExtension, SAMPLES.pong])
    expect(messageOf(await b.read())).toEqual(SAMPLES.ping)
    expect(await b.read()).toMatchObject({ kind: 'message', frame: withExtension })
    expect(messageOf(await b.read())).toEqual(SAMPLES.pong)
  })

  it('hands on undecoded, in order, the frames its skip option picks', async () => {
    const [rawA, rawB] = await streamPair()
    streams.push(rawA, rawB)
    const a = frameStream(rawA)
    const b = frameStream(rawB, { skip: (frame) => frame[1] === 1 })
    void a.writeMany([SAMPLES.ping, SAMPLES.node_announcement, SAMPLES.pong])
    expect(messageOf(await b.read())).toEqual(SAMPLES.ping)
    // node_announcement is type 257 (0x0101): not decoded, its bytes passed on as they came
    expect(await b.read()).toEqual({ kind: 'skipped', frame: encodeMessage(SAMPLES.node_announcement) })
    expect(messageOf(await b.read())).toEqual(SAMPLES.pong)
  })

  it('keeps order under backpressure for thousands of update_add_htlc', async () => {
    const { a, b } = await pair()
    const count = 3000
    const writes = Array.from({ length: count }, (_, i) => a.write({ ...SAMPLES.update_add_htlc, id: BigInt(i) }))
    const ids: bigint[] = []
    for (let i = 0; i < count; i++) {
      const m = messageOf(await b.read())
      if (m.type === 'update_add_htlc') ids.push(m.id)
    }
    await Promise.all(writes)
    expect(ids).toEqual(Array.from({ length: count }, (_, i) => BigInt(i)))
  })

  it('ends iteration when the peer closes, after the last message', async () => {
    const { a, b } = await pair()
    await a.write(SAMPLES.ping)
    await a.write(SAMPLES.pong)
    await a.close()
    const seen: string[] = []
    for await (const result of b) seen.push(messageOf(result).type)
    expect(seen).toEqual(['ping', 'pong'])
    expect(await b.read()).toBeNull()
  })

  it('reports a malformed message as a decode error and keeps reading', async () => {
    const { a, b, rawA } = await pair()
    const valid = encodeMessage(SAMPLES.update_fee)
    sendRawFrame(rawA, valid.subarray(0, 20))
    sendRawFrame(rawA, concatBytes(valid, fromHex('00')))
    sendRawFrame(rawA, fromHex('8000'))
    sendRawFrame(rawA, fromHex('8001ff'))
    sendRawFrame(rawA, new Uint8Array(0))
    await a.write(SAMPLES.update_fee)
    const results = [await b.read(), await b.read(), await b.read(), await b.read(), await b.read()]
    expect(results.map((r) => (r?.kind === 'invalid' ? r.error.code : r?.kind))).toEqual([
      'TRUNCATED',
      'TRAILING_BYTES',
      'UNKNOWN_EVEN_TYPE',
      'unknown_odd',
      'TRUNCATED',
    ])
    expect(messageOf(await b.read())).toEqual(SAMPLES.update_fee)
  })

  it('accepts a frame of exactly 65535 bytes', async () => {
    const { a, b } = await pair()
    const ping: Message = { type: 'ping', numPongBytes: 0, ignored: new Uint8Array(MAX_MESSAGE_SIZE - 6) }
    await a.write(ping)
    expect(messageOf(await b.read())).toEqual(ping)
  })

  for (const [name, length] of [
    ['65536 bytes', MAX_MESSAGE_SIZE + 1],
    ['2^28 bytes (a 4-byte length)', 2 ** 28],
  ] as const) {
    it(`reports a frame of ${name} as FRAME_TOO_LARGE and ends, without crashing`, async () => {
      const { b, rawA } = await pair()
      sendRawFrame(rawA, concatBytes(u16be(MESSAGE_TYPES.ping), new Uint8Array(100)), length)
      const result = await b.read()
      expect(result).toMatchObject({ kind: 'invalid', error: { name: 'WireDecodeError', code: 'FRAME_TOO_LARGE' } })
      expect(await b.read()).toBeNull()
    })
  }

  it('rejects a write that does not encode, and later writes still go out', async () => {
    const { a, b } = await pair()
    await expect(a.write({ ...SAMPLES.update_fee, channelId: new Uint8Array(3) })).rejects.toBeInstanceOf(
      WireEncodeError,
    )
    await a.write(SAMPLES.update_fee)
    expect(messageOf(await b.read())).toEqual(SAMPLES.update_fee)
  })

  it('reassembles frames however the bytes arrive: a byte at a time, or several frames in one chunk', async () => {
    const { b, rawA } = await pair()
    const messages = [SAMPLES.update_add_htlc, SAMPLES.commitment_signed, SAMPLES.revoke_and_ack]
    const bytes = concatBytes(...messages.map((m) => concatBytes(varint(encodeMessage(m).length), encodeMessage(m))))
    for (let at = 0; at < 300; at++) rawA.send(bytes.subarray(at, at + 1))
    rawA.send(bytes.subarray(300))
    rawA.send(bytes)
    const seen: Message[] = []
    for (let i = 0; i < 6; i++) seen.push(messageOf(await b.read()))
    expect(seen).toEqual([...messages, ...messages])
  })

  it('gives each message its frame as an exact copy its fields view, not the chunk the frames came in', async () => {
    const { b, rawA } = await pair()
    const messages = [SAMPLES.channel_update, SAMPLES.node_announcement]
    rawA.send(concatBytes(...messages.map((m) => concatBytes(varint(encodeMessage(m).length), encodeMessage(m)))))
    for (const m of messages) {
      const r = await b.read()
      if (r?.kind !== 'message') throw new Error('expected a message')
      expect(r.frame).toEqual(encodeMessage(m))
      expect(r.frame.byteLength).toBe(r.frame.buffer.byteLength)
      expect((r.message as { signature: Uint8Array }).signature.buffer).toBe(r.frame.buffer)
    }
  })

  it('aborts the stream when the peer sends more than 4 MB that nobody reads', async () => {
    const { b, rawA } = await pair()
    const aborted = new Promise((resolve) => b.stream.addEventListener('close', resolve, { once: true }))
    for (let i = 0; i < 70; i++) sendRawFrame(rawA, concatBytes(u16be(MESSAGE_TYPES.ping), new Uint8Array(65_000)))
    await aborted
    await expect(b.read()).rejects.toThrow(/not read/)
  })

  it('refuses writes past maxQueuedBytes while the peer does not read, and takes them again once it has', async () => {
    const stream = new StreamThatWaits()
    const framed = frameStream(stream as unknown as Stream, { maxQueuedBytes: 64 * 1024 })
    const writes = Array.from({ length: 100 }, () => settled(framed.write(SAMPLES.update_add_htlc)))
    await new Promise((r) => setTimeout(r, 10))
    const refused = writes.filter((w) => w.error instanceof SendQueueFullError)
    const waiting = writes.filter((w) => !w.done)
    expect(waiting.length).toBeGreaterThan(0)
    expect(refused.length + waiting.length).toBe(100)
    expect(framed.queuedBytes).toBeLessThanOrEqual(64 * 1024)
    // the peer reads: every accepted write goes out, and the queue takes writes again
    while (writes.some((w) => !w.done)) {
      stream.dispatchEvent(new Event('drain'))
      await new Promise((r) => setTimeout(r, 0))
    }
    expect(writes.filter((w) => w.error === undefined)).toHaveLength(waiting.length)
    expect(framed.queuedBytes).toBe(0)
    stream.full = false
    await framed.write(SAMPLES.update_fee)
    expect(stream.sent).toBe(waiting.length + 1)
  })
})

/** A stream whose buffer is always full until told otherwise: each send waits for a drain event. */
class StreamThatWaits extends EventTarget {
  full = true
  sent = 0
  send(): boolean {
    this.sent++
    return !this.full
  }
}

function settled(p: Promise<void>): { done: boolean; error?: unknown } {
  const state: { done: boolean; error?: unknown } = { done: false }
  p.then(
    () => void (state.done = true),
    (err: unknown) => {
      state.done = true
      state.error = err
    },
  )
  return state
}
