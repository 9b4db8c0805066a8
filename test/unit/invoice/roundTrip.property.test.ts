import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bech32Encode } from '../../../src/core/bech32.js'
import { isValidPrivateKey, publicKeyOf } from '../../../src/crypto/secp256k1.js'
import {
  decodeInvoice,
  encodeInvoice,
  INVOICE_FEATURE_BITS,
  InvoiceError,
  NETWORKS,
  type Invoice,
  type InvoiceFields,
  type RouteHintHop,
} from '../../../src/invoice/index.js'

const bytes = (length: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: length, maxLength: length })
const privateKey = bytes(32).filter(isValidPrivateKey)

const hop: fc.Arbitrary<RouteHintHop> = fc.record({
  nodeId: privateKey.map(publicKeyOf),
  shortChannelId: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  feeBaseMsat: fc.bigInt({ min: 0n, max: 0xffffffffn }),
  feeProportionalMillionths: fc.integer({ min: 0, max: 0xffffffff }),
  cltvExpiryDelta: fc.integer({ min: 0, max: 0xffff }),
})

/** Known features as required, optional or absent (basic_mpp only with payment_secret), plus unknown odd bits. */
const features: fc.Arbitrary<Uint8Array> = fc
  .record({
    known: fc.tuple(...Object.values(INVOICE_FEATURE_BITS).map((pair) => fc.constantFrom(...pair, null))),
    unknownOdd: fc.uniqueArray(
      fc.integer({ min: 25, max: 127 }).map((n) => n * 2 + 1),
      { maxLength: 3 },
    ),
  })
  .map(({ known, unknownOdd }) => {
    const [varOnion, paymentSecret, mpp, metadata] = known
    const bits = [varOnion, paymentSecret, paymentSecret === null ? null : mpp, metadata, ...unknownOdd].filter(
      (b): b is number => b !== null,
    )
    const out = new Uint8Array(bits.length ? Math.max(...bits) / 8 + 1 : 0)
    for (const bit of bits) out[out.length - 1 - (bit >> 3)]! |= 1 << (bit & 7)
    return out
  })

const invoiceFields: fc.Arbitrary<InvoiceFields> = fc
  .record(
    {
      network: fc.constantFrom(...NETWORKS),
      amountMsat: fc.option(
        fc.oneof(fc.bigInt({ min: 1n, max: 10_000_000n }), fc.bigInt({ min: 1n, max: 2_100_000_000_000_000_000n })),
      ),
      timestamp: fc.integer({ min: 0, max: 2 ** 35 - 1 }),
      paymentHash: bytes(32),
      paymentSecret: bytes(32),
      description: fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 60 }).map((d) => ({ description: d })),
        bytes(32).map((h) => ({ descriptionHash: h })),
      ),
      expiry: fc.integer({ min: 0, max: 2 ** 40 }),
      minFinalCltvExpiryDelta: fc.integer({ min: 0, max: 5000 }),
      features,
      routeHints: fc.array(fc.array(hop, { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
      fallbackAddresses: fc.array(
        fc.record({
          version: fc.integer({ min: 0, max: 18 }),
          program: fc.uint8Array({ minLength: 2, maxLength: 40 }),
        }),
        { maxLength: 2 },
      ),
      paymentMetadata: fc.uint8Array({ maxLength: 40 }),
    },
    { requiredKeys: ['network', 'timestamp', 'paymentHash', 'paymentSecret', 'description', 'features'] },
  )
  .map(({ description, ...rest }) => ({ ...rest, ...description }) as InvoiceFields)

/** What decoding should give back for these fields. */
function expected(fields: InvoiceFields, payee: Uint8Array): Record<string, unknown> {
  return {
    network: fields.network,
    amountMsat: fields.amountMsat ?? null,
    timestamp: fields.timestamp,
    paymentHash: fields.paymentHash,
    paymentSecret: fields.paymentSecret,
    description: fields.description ?? null,
    descriptionHash: fields.descriptionHash ?? null,
    expiry: fields.expiry ?? 3600,
    minFinalCltvExpiryDelta: fields.minFinalCltvExpiryDelta ?? 18,
    features: fields.features,
    routeHints: fields.routeHints ?? [],
    fallbackAddresses: fields.fallbackAddresses ?? [],
    paymentMetadata: fields.paymentMetadata ?? null,
    payee,
  }
}

function decoded(invoice: Invoice): Record<string, unknown> {
  const {
    network,
    amountMsat,
    timestamp,
    paymentHash,
    paymentSecret,
    description,
    descriptionHash,
    expiry,
    minFinalCltvExpiryDelta,
    features,
    routeHints,
    fallbackAddresses,
    paymentMetadata,
    payee,
  } = invoice
  return {
    network,
    amountMsat,
    timestamp,
    paymentHash,
    paymentSecret,
    description,
    descriptionHash,
    expiry,
    minFinalCltvExpiryDelta,
    features,
    routeHints,
    fallbackAddresses,
    paymentMetadata,
    payee,
  }
}

describe('invoice round trip (property)', () => {
  it('decodes what it encodes, with the payee recovered or named by n', () => {
    fc.assert(
      fc.property(invoiceFields, privateKey, fc.boolean(), (fields, key, nameThePayee) => {
        const payee = publicKeyOf(key)
        const text = encodeInvoice(nameThePayee ? { ...fields, payeeNodeId: payee } : fields, key)
        expect(decoded(decodeInvoice(text))).toEqual(expected(fields, payee))
        expect(decoded(decodeInvoice(text.toUpperCase()))).toEqual(expected(fields, payee))
      }),
      { numRuns: 200 },
    )
  })

  it('refuses any corrupted character', () => {
    fc.assert(
      fc.property(invoiceFields, privateKey, fc.nat(), fc.integer({ min: 1, max: 31 }), (fields, key, at, delta) => {
        const text = encodeInvoice(fields, key)
        const sep = text.lastIndexOf('1')
        const i = sep + 1 + (at % (text.length - sep - 1))
        const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
        const corrupted = text.slice(0, i) + charset[(charset.indexOf(text[i]!) + delta) % 32] + text.slice(i + 1)
        expect(() => decodeInvoice(corrupted)).toThrow(InvoiceError)
      }),
      { numRuns: 200 },
    )
  })

  it('answers any string with a checksum-valid bech32 body by an invoice or an InvoiceError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('lnbcrt', 'lnbc2500u', 'lntb1p', 'ln', 'lnbcrt10p'),
        fc.array(fc.integer({ min: 0, max: 31 }), { maxLength: 400 }),
        (hrp, words) => {
          try {
            decodeInvoice(bech32Encode(hrp, words, 'bech32'))
          } catch (err) {
            expect(err).toBeInstanceOf(InvoiceError)
          }
        },
      ),
      { numRuns: 1000 },
    )
  })
})
