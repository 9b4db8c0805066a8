import { describe, expect, it } from 'vitest'
import { publicKeyOf } from '../../../src/crypto/secp256k1.js'
import { decodeInvoice, encodeInvoice, listFeatureBits, type InvoiceFields } from '../../../src/invoice/index.js'
import { HASH, KEY, SECRET, thrownCode, TIMESTAMP } from './testInvoices.js'

const BASE: InvoiceFields = {
  network: 'bcrt',
  timestamp: TIMESTAMP,
  paymentHash: HASH,
  paymentSecret: SECRET,
  description: 'coffee',
}
const hop = {
  nodeId: publicKeyOf(KEY),
  shortChannelId: 123n << 40n,
  feeBaseMsat: 1000n,
  feeProportionalMillionths: 100,
  cltvExpiryDelta: 40,
}

describe('encodeInvoice', () => {
  it('writes an lnbcrt invoice that decodes to what was given', () => {
    const text = encodeInvoice({ ...BASE, amountMsat: 250_000_000n, expiry: 600, minFinalCltvExpiryDelta: 40 }, KEY)
    expect(text.startsWith('lnbcrt2500u1')).toBe(true)
    const invoice = decodeInvoice(text)
    expect([
      invoice.network,
      invoice.amountMsat,
      invoice.expiry,
      invoice.minFinalCltvExpiryDelta,
      invoice.description,
    ]).toEqual(['bcrt', 250_000_000n, 600, 40, 'coffee'])
    expect(invoice.payee).toEqual(publicKeyOf(KEY))
  })

  it('writes p, s, d and c always, x only when given, and the default features', () => {
    const invoice = decodeInvoice(encodeInvoice(BASE, KEY))
    expect(invoice.amountMsat).toBeNull()
    expect(invoice.humanReadablePart).toBe('lnbcrt')
    expect(invoice.taggedFields.map((f) => f.tag)).toEqual([1, 16, 13, 24, 5])
    expect(listFeatureBits(invoice.features)).toEqual([8, 14])
    expect(
      decodeInvoice(encodeInvoice({ ...BASE, features: new Uint8Array(0) }, KEY)).taggedFields.map((f) => f.tag),
    ).toEqual([1, 16, 13, 24])
  })

  it('names the payee with n when asked, and only with the signing key', () => {
    const invoice = decodeInvoice(encodeInvoice({ ...BASE, payeeNodeId: publicKeyOf(KEY) }, KEY))
    expect(invoice.taggedFields.some((f) => f.tag === 19)).toBe(true)
    expect(invoice.payee).toEqual(publicKeyOf(KEY))
    expect(
      thrownCode(() => encodeInvoice({ ...BASE, payeeNodeId: publicKeyOf(new Uint8Array(32).fill(2)) }, KEY)),
    ).toBe('INVALID_PAYEE_NODE_ID')
  })

  it('needs exactly one of description and descriptionHash, and a description that fits', () => {
    const { description: _, ...noDescription } = BASE
    expect(thrownCode(() => encodeInvoice(noDescription, KEY))).toBe('MISSING_DESCRIPTION')
    expect(thrownCode(() => encodeInvoice({ ...BASE, descriptionHash: HASH }, KEY))).toBe('AMBIGUOUS_DESCRIPTION')
    expect(decodeInvoice(encodeInvoice({ ...noDescription, descriptionHash: HASH }, KEY)).descriptionHash).toEqual(HASH)
    expect(decodeInvoice(encodeInvoice({ ...BASE, description: 'é'.repeat(319) + 'a' }, KEY)).description).toHaveLength(
      320,
    ) // 639 bytes
    // 320 two-byte characters: 640 bytes of UTF-8
    expect(thrownCode(() => encodeInvoice({ ...BASE, description: 'é'.repeat(320) }, KEY))).toBe('INVALID_FIELD')
  })

  it('refuses hashes, numbers and hints that do not fit their fields', () => {
    expect(thrownCode(() => encodeInvoice({ ...BASE, paymentHash: new Uint8Array(31) }, KEY))).toBe('INVALID_FIELD')
    expect(thrownCode(() => encodeInvoice({ ...BASE, paymentSecret: new Uint8Array(33) }, KEY))).toBe('INVALID_FIELD')
    expect(thrownCode(() => encodeInvoice({ ...BASE, expiry: -1 }, KEY))).toBe('INVALID_FIELD')
    expect(thrownCode(() => encodeInvoice({ ...BASE, minFinalCltvExpiryDelta: 1.5 }, KEY))).toBe('INVALID_FIELD')
    expect(thrownCode(() => encodeInvoice({ ...BASE, routeHints: [[{ ...hop, cltvExpiryDelta: 70000 }]] }, KEY))).toBe(
      'INVALID_FIELD',
    )
    expect(thrownCode(() => encodeInvoice({ ...BASE, routeHints: [[{ ...hop, feeBaseMsat: 1n << 32n }]] }, KEY))).toBe(
      'INVALID_FIELD',
    )
    expect(thrownCode(() => encodeInvoice({ ...BASE, routeHints: [[]] }, KEY))).toBe('INVALID_FIELD')
    expect(
      thrownCode(() =>
        encodeInvoice({ ...BASE, fallbackAddresses: [{ version: 19, program: new Uint8Array(20) }] }, KEY),
      ),
    ).toBe('INVALID_FIELD')
  })

  it('fits at most 12 hops in one route hint (a field holds 639 bytes)', () => {
    expect(
      decodeInvoice(encodeInvoice({ ...BASE, routeHints: [new Array(12).fill(hop)] }, KEY)).routeHints[0],
    ).toHaveLength(12)
    expect(thrownCode(() => encodeInvoice({ ...BASE, routeHints: [new Array(13).fill(hop)] }, KEY))).toBe(
      'INVALID_FIELD',
    )
  })

  it('refuses an invoice longer than decoders accept', () => {
    expect(
      thrownCode(() => encodeInvoice({ ...BASE, routeHints: new Array(10).fill(new Array(12).fill(hop)) }, KEY)),
    ).toBe('TOO_LONG')
  })

  it('refuses amounts, timestamps, networks and features a reader would refuse', () => {
    expect(thrownCode(() => encodeInvoice({ ...BASE, amountMsat: 0n }, KEY))).toBe('INVALID_AMOUNT')
    expect(thrownCode(() => encodeInvoice({ ...BASE, timestamp: 2 ** 35 }, KEY))).toBe('INVALID_TIMESTAMP')
    expect(thrownCode(() => encodeInvoice({ ...BASE, timestamp: -1 }, KEY))).toBe('INVALID_TIMESTAMP')
    expect(thrownCode(() => encodeInvoice({ ...BASE, network: 'xx' as 'bc' }, KEY))).toBe('UNKNOWN_NETWORK')
    expect(thrownCode(() => encodeInvoice({ ...BASE, features: Uint8Array.of(1, 0, 0, 0) }, KEY))).toBe(
      'UNKNOWN_REQUIRED_FEATURE',
    ) // bit 24
    expect(thrownCode(() => encodeInvoice({ ...BASE, features: Uint8Array.of(1, 0, 0) }, KEY))).toBe(
      'MISSING_FEATURE_DEPENDENCY',
    ) // basic_mpp without payment_secret
  })
})
