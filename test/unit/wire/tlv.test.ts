import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, toHex } from '../../../src/core/bytes.js'
import { formatScid } from '../../../src/core/shortChannelId.js'
import { decodeBigSize, encodeBigSize } from '../../../src/wire/bigsize.js'
import { decodeMessage } from '../../../src/wire/codec.js'
import { WireDecodeError } from '../../../src/wire/errors.js'
import { point, shortChannelId, WireReader, WireWriter } from '../../../src/wire/fields.js'
import { decodeTlvStream } from '../../../src/wire/tlv.js'
import bigsize from '../../fixtures/bolt01-bigsize.json' with { type: 'json' }
import tlv from '../../fixtures/bolt01-tlv.json' with { type: 'json' }

// Source: BOLT #1 Appendices A, B and C (copied into test/fixtures with their source line).

describe('BigSize (BOLT #1 Appendix A)', () => {
  for (const v of bigsize.decoding) {
    it(`decodes ${v.name}`, () => {
      const bytes = fromHex(v.bytes)
      if (v.exp_error === undefined) {
        expect(decodeBigSize(bytes)).toEqual({ value: BigInt(v.value), length: bytes.length })
      } else {
        const code = v.exp_error.includes('canonical') ? 'NON_CANONICAL' : 'TRUNCATED'
        expect(() => decodeBigSize(bytes)).toThrow(expect.objectContaining({ name: 'WireDecodeError', code }))
      }
    })
  }
  for (const v of bigsize.encoding) {
    it(`encodes ${v.name}`, () => {
      expect(toHex(encodeBigSize(BigInt(v.value)))).toBe(v.bytes)
    })
  }
})

/** The two TLV namespaces Appendix B defines, decoded with the wire field readers. */
function decodeN1(stream: Uint8Array): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (const [type, value] of decodeTlvStream(stream, new Set([1n, 2n, 3n, 254n]))) {
    const r = new WireReader(value, `n1 type ${type}`)
    if (type === 1n) out.tlv1 = { amount_msat: r.tu64('amount_msat').toString() }
    if (type === 2n) out.tlv2 = { scid: formatScid(shortChannelId.read(r, 'scid')) }
    if (type === 3n) {
      out.tlv3 = {
        node_id: toHex(point.read(r, 'node_id')),
        amount_msat_1: r.u64('amount_msat_1').toString(),
        amount_msat_2: r.u64('amount_msat_2').toString(),
      }
    }
    if (type === 254n) out.tlv4 = { cltv_delta: r.u16('cltv_delta').toString() }
    r.end()
  }
  return out
}

function decodeN2(stream: Uint8Array): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (const [type, value] of decodeTlvStream(stream, new Set([0n, 11n]))) {
    const r = new WireReader(value, `n2 type ${type}`)
    if (type === 0n) out.tlv1 = { amount_msat: r.tu64('amount_msat').toString() }
    if (type === 11n) out.tlv2 = { cltv_expiry: r.tu32('cltv_expiry').toString() }
    r.end()
  }
  return out
}

describe('TLV streams (BOLT #1 Appendix B)', () => {
  it.each(tlv.failAnyNamespace)('rejects $stream in both namespaces ($why)', ({ stream }) => {
    expect(() => decodeN1(fromHex(stream))).toThrow(WireDecodeError)
    expect(() => decodeN2(fromHex(stream))).toThrow(WireDecodeError)
  })

  it('names unknown even types as such', () => {
    for (const stream of ['1200', 'fd010200', 'fe0100000200', 'ff010000000000000200']) {
      expect(() => decodeN1(fromHex(stream))).toThrow(expect.objectContaining({ code: 'UNKNOWN_EVEN_TYPE' }))
    }
  })

  it.each(tlv.failN1)('rejects $stream in n1 ($why)', ({ stream }) => {
    expect(() => decodeN1(fromHex(stream))).toThrow(WireDecodeError)
  })

  it.each(tlv.failN2)('rejects $stream in n2 ($why)', ({ stream }) => {
    expect(() => decodeN2(fromHex(stream))).toThrow(WireDecodeError)
  })

  it.each(tlv.okAnyNamespace)('accepts and ignores $stream ($why)', ({ stream }) => {
    expect(decodeN1(fromHex(stream))).toEqual({})
    expect(decodeN2(fromHex(stream))).toEqual({})
  })

  it.each(tlv.okN1)('decodes $stream in n1 ($why)', ({ stream, values }) => {
    expect(decodeN1(fromHex(stream))).toEqual(values)
  })

  it('fails when any invalid stream is appended to a valid one', () => {
    for (const valid of tlv.okN1) {
      for (const invalid of tlv.failAnyNamespace) {
        expect(() => decodeN1(fromHex(valid.stream + invalid.stream))).toThrow(WireDecodeError)
      }
    }
  })

  it('accepts a higher-numbered valid stream appended to a lower-numbered one', () => {
    const first = (hex: string) => decodeBigSize(fromHex(hex)).value
    let pairs = 0
    for (const low of tlv.okN1) {
      for (const high of tlv.okN1) {
        if (first(low.stream) >= first(high.stream)) continue
        expect(decodeN1(concatBytes(fromHex(low.stream), fromHex(high.stream)))).toEqual({
          ...low.values,
          ...high.values,
        })
        pairs++
      }
    }
    expect(pairs).toBe(30)
  })
})

describe('message extensions (BOLT #1 Appendix C)', () => {
  it.each(tlv.initExtensionValid)('accepts init $message ($why)', ({ message }) => {
    expect(decodeMessage(fromHex(message))).toEqual({
      kind: 'message',
      message: { type: 'init', features: new Uint8Array(0), networks: [] },
    })
  })

  it.each(tlv.initExtensionInvalid)('rejects init $message ($why)', ({ message }) => {
    expect(() => decodeMessage(fromHex(message))).toThrow(WireDecodeError)
  })

  it('gives each invalid extension its code', () => {
    const code = (hex: string) => {
      try {
        decodeMessage(fromHex(hex))
      } catch (err) {
        return (err as WireDecodeError).code
      }
    }
    expect(code('00100000000001')).toBe('TRAILING_BYTES')
    expect(code('001000000000ca012a')).toBe('UNKNOWN_EVEN_TYPE')
    expect(code('001000000000c90101c90102')).toBe('TRAILING_BYTES')
  })
})

describe('the field reader and writer agree with the vectors', () => {
  it('reads BigSize', () => {
    for (const v of bigsize.encoding) expect(new WireReader(fromHex(v.bytes), 'vector').bigSize()).toBe(BigInt(v.value))
  })

  it('writes BigSize and tu64 as the vectors encode them', () => {
    for (const v of bigsize.encoding) {
      const w = new WireWriter('vector')
      w.bigSize(BigInt(v.value), 'value')
      expect(toHex(w.finish())).toBe(v.bytes)
    }
    for (const v of tlv.okN1.filter((v) => v.values.tlv1 !== undefined)) {
      const w = new WireWriter('vector')
      w.tu64(BigInt(v.values.tlv1!.amount_msat), 'amount_msat')
      expect(toHex(w.finish())).toBe(v.stream.slice(4))
    }
  })
})
