import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../src/core/bytes.js'
import { formatScid } from '../../../src/core/shortChannelId.js'
import { nobleBackend } from '../../../src/crypto/nobleBackend.js'
import { currentBackend, useBackend } from '../../../src/crypto/secp256k1.js'
import { decodeInvoice, InvoiceError, signInvoice, type InvoiceErrorCode } from '../../../src/invoice/index.js'
import {
  EXTRA_INVALID,
  EXTRA_VALID,
  REGTEST_VECTORS,
  SPEC_DESCRIPTION_HASH,
  SPEC_PAYEE,
  SPEC_PAYMENT_HASH,
  SPEC_PAYMENT_SECRET,
  SPEC_PRIVATE_KEY,
} from './specVectors.js'

interface Fixture {
  valid: Array<{ description: string; invoice: string; amount_msat: number | null; payee: string }>
  invalid: Array<{ description: string; invoice: string }>
}

const fixture = JSON.parse(readFileSync(resolve(__dirname, '../../fixtures/bolt11-invoices.json'), 'utf8')) as Fixture
const key = fromHex(SPEC_PRIVATE_KEY)

/** Why each invalid fixture must fail, by its description. */
const FIXTURE_INVALID_CODES: Record<string, InvoiceErrorCode> = {
  'Bech32 checksum is invalid.': 'INVALID_CHECKSUM',
  'Malformed bech32 string (no 1)': 'INVALID_BECH32',
  'Malformed bech32 string (mixed case)': 'INVALID_BECH32',
  'String is too short.': 'TOO_SHORT',
  'Invalid multiplier': 'INVALID_AMOUNT',
}

function rejection(text: string): InvoiceError {
  try {
    decodeInvoice(text)
  } catch (err) {
    if (err instanceof InvoiceError) return err
    throw err
  }
  throw new Error('the invoice was accepted')
}

// Both secp256k1 backends must read the spec's signatures the same way.
for (const backend of ['default', 'noble'] as const) {
  describe(`BOLT #11 examples (${backend} secp256k1 backend)`, () => {
    const saved = currentBackend()
    beforeAll(() => {
      if (backend === 'noble') useBackend(nobleBackend)
    })
    afterAll(() => useBackend(saved))

    describe('valid examples from test/fixtures/bolt11-invoices.json', () => {
      it.each(fixture.valid.map((v) => [v.description.slice(0, 80), v] as const))('%s', (_title, v) => {
        const invoice = decodeInvoice(v.invoice)
        expect(invoice.amountMsat).toBe(v.amount_msat === null ? null : BigInt(v.amount_msat))
        expect(toHex(invoice.payee)).toBe(v.payee)
        expect(toHex(invoice.paymentHash)).toBe(SPEC_PAYMENT_HASH)
        expect(toHex(invoice.paymentSecret)).toBe(SPEC_PAYMENT_SECRET)
        expect(invoice.timestamp).toBe(1496314658)
        expect(invoice.hasFeature('var_onion_optin')).toBe(true)
        expect(invoice.hasFeature('payment_secret')).toBe(true)
        expect(signInvoice(invoice, key)).toBe(v.invoice)
      })
    })

    describe('invalid examples from test/fixtures/bolt11-invoices.json', () => {
      it.each(fixture.invalid.map((v) => [v.description, v] as const))('%s', (description, v) => {
        expect(FIXTURE_INVALID_CODES[description], 'a code is expected for every fixture').toBeDefined()
        expect(rejection(v.invoice).code).toBe(FIXTURE_INVALID_CODES[description])
      })
    })

    describe('the other BOLT #11 examples', () => {
      it.each(EXTRA_VALID.map((v) => [v.title.slice(0, 80), v] as const))('%s', (_title, v) => {
        const invoice = decodeInvoice(v.invoice)
        expect(invoice.amountMsat).toBe(v.amountMsat)
        expect(toHex(invoice.payee)).toBe(v.payee ?? SPEC_PAYEE)
        if (v.reencodes) expect(signInvoice(invoice, key)).toBe(v.invoice.toLowerCase())
      })

      it.each(EXTRA_INVALID.map((v) => [v.title, v] as const))('rejects: %s', (_title, v) => {
        expect(rejection(v.invoice).code).toBe(v.code)
      })
    })
  })
}

describe('what the spec examples say, field by field', () => {
  const byTitle = (prefix: string): string => {
    const found = [...fixture.valid.map((v) => ({ title: v.description, invoice: v.invoice })), ...EXTRA_VALID].find(
      (v) => v.title.startsWith(prefix),
    )
    if (!found) throw new Error(`no example titled ${prefix}`)
    return found.invoice
  }

  it('reads a description, an expiry and the default CLTV delta', () => {
    const invoice = decodeInvoice(byTitle('Please send $3 for a cup of coffee'))
    expect(invoice.network).toBe('bc')
    expect(invoice.description).toBe('1 cup coffee')
    expect(invoice.descriptionHash).toBeNull()
    expect(invoice.expiry).toBe(60)
    expect(invoice.expiresAt).toBe(1496314658 + 60)
    expect(invoice.minFinalCltvExpiryDelta).toBe(18)
  })

  it('reads UTF-8 descriptions', () => {
    expect(decodeInvoice(byTitle('Please send 0.0025 BTC for a cup of nonsense')).description).toBe('ナンセンス 1杯')
  })

  it('reads a description hash instead of a description', () => {
    const invoice = decodeInvoice(byTitle('Now send $24'))
    expect(invoice.description).toBeNull()
    expect(toHex(invoice.descriptionHash!)).toBe(SPEC_DESCRIPTION_HASH)
    expect(invoice.expiry).toBe(3600)
  })

  it('reads fallback addresses raw: P2PKH (17), P2SH (18), witness v0 and v1', () => {
    expect(decodeInvoice(byTitle('The same, on testnet')).network).toBe('tb')
    expect(decodeInvoice(byTitle('The same, on testnet')).fallbackAddresses).toEqual([
      { version: 17, program: fromHex('3172b5654f6683c8fb146959d347ce303cae4ca7') },
    ])
    expect(decodeInvoice(byTitle('On mainnet, with fallback (P2SH)')).fallbackAddresses).toEqual([
      { version: 18, program: fromHex('8f55563b9a19f321c211e9b9f38cdf686ea07845') },
    ])
    expect(decodeInvoice(byTitle('On mainnet, with fallback (P2WPKH)')).fallbackAddresses).toEqual([
      { version: 0, program: fromHex('751e76e8199196d454941c45d1b3a323f1433bd6') },
    ])
    expect(decodeInvoice(byTitle('On mainnet, with fallback (P2WSH)')).fallbackAddresses).toEqual([
      { version: 0, program: fromHex('1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262') },
    ])
    expect(decodeInvoice(byTitle('On mainnet, with fallback (P2TR)')).fallbackAddresses[0]!.version).toBe(1)
  })

  it('reads a two-hop route hint', () => {
    const [hint, ...rest] = decodeInvoice(
      byTitle('On mainnet, with fallback address 1RustyRX2oai4EYYDpQGWvEL62BBGqN9T'),
    ).routeHints
    expect(rest).toEqual([])
    expect(
      hint!.map((hop) => ({ ...hop, nodeId: toHex(hop.nodeId), shortChannelId: formatScid(hop.shortChannelId) })),
    ).toEqual([
      {
        nodeId: '029e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255',
        shortChannelId: '66051x263430x1800',
        feeBaseMsat: 1n,
        feeProportionalMillionths: 20,
        cltvExpiryDelta: 3,
      },
      {
        nodeId: '039e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255',
        shortChannelId: '197637x395016x2314',
        feeBaseMsat: 2n,
        feeProportionalMillionths: 30,
        cltvExpiryDelta: 4,
      },
    ])
  })

  it('reads a pico-bitcoin amount, a week of expiry, a CLTV delta and a one-hop hint', () => {
    const invoice = decodeInvoice(byTitle('Please send 0.00967878534 BTC'))
    expect(invoice.amountMsat).toBe(967_878_534n)
    expect(invoice.timestamp).toBe(1572468703)
    expect(toHex(invoice.paymentHash)).toBe('462264ede7e14047e9b249da94fefc47f41f7d02ee9b091815a5506bc8abf75f')
    expect(invoice.expiry).toBe(604800)
    expect(invoice.minFinalCltvExpiryDelta).toBe(10)
    const hop = invoice.routeHints[0]![0]!
    expect([
      toHex(hop.nodeId),
      formatScid(hop.shortChannelId),
      hop.feeBaseMsat,
      hop.feeProportionalMillionths,
      hop.cltvExpiryDelta,
    ]).toEqual(['03d06758583bb5154774a6eb221b1276c9e82d65bbaceca806d90e20c108f4b1c7', '589390x3312x1', 1000n, 2500, 40])
  })

  it('ignores unknown odd feature bits (99) and reads upper case', () => {
    const lower = decodeInvoice(byTitle('Please send $30 for coffee beans'))
    expect(lower.description).toBe('coffee beans')
    expect(lower.hasFeature('basic_mpp')).toBe(false)
    const upper = decodeInvoice(byTitle('Same, but all upper case.'))
    expect(toHex(upper.features)).toBe(toHex(lower.features))
    expect(upper.humanReadablePart).toBe('lnbc25m')
  })

  it('skips unknown fields, unknown fallback versions and fixed-length fields of the wrong length', () => {
    const invoice = decodeInvoice(byTitle('Same, but including fields which must be ignored.'))
    expect(toHex(invoice.paymentHash)).toBe(SPEC_PAYMENT_HASH)
    expect(toHex(invoice.paymentSecret)).toBe(SPEC_PAYMENT_SECRET)
    expect(invoice.descriptionHash).toBeNull()
    expect(invoice.fallbackAddresses).toEqual([])
    expect(toHex(invoice.payee)).toBe(SPEC_PAYEE)
    // kept as written, so the invoice re-signs byte for byte
    // 10 is the unknown `2` field
    expect(invoice.taggedFields.map((f) => f.tag)).toEqual([1, 13, 16, 5, 10, 9, 1, 1, 23, 23, 16, 16, 19, 19])
  })

  it('reads payment metadata and the option_payment_metadata feature', () => {
    const invoice = decodeInvoice(byTitle('Please send 0.01 BTC with payment metadata'))
    expect(toHex(invoice.paymentMetadata!)).toBe('01fafaf0')
    expect(invoice.hasFeature('option_payment_metadata')).toBe(true)
  })

  it('reads lnbcrt (regtest) invoices whose amount has no multiplier', () => {
    for (const v of REGTEST_VECTORS) {
      const invoice = decodeInvoice(v.invoice)
      expect(invoice.network).toBe('bcrt')
      expect(invoice.amountMsat).toBe(v.amountMsat)
      expect(invoice.humanReadablePart).toBe(v.invoice.slice(0, v.invoice.lastIndexOf('1')))
    }
  })
})
