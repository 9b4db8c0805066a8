/**
 * Fuzzing the invoice decoder: any text gives an Invoice or an InvoiceError.
 * Characters mutated at random mostly break the checksum, so the mutations that
 * reach the fields are made on the 5-bit words and checksummed again, and, to
 * reach past the signature too, signed again: such an invoice, if it decodes,
 * names the key that signed it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bech32Decode, bech32Encode, bytesToWords, BECH32_CHARSET } from '../../src/core/bech32.js'
import { bytesEqual } from '../../src/core/bytes.js'
import { isValidPrivateKey, publicKeyOf, signRecoverable } from '../../src/crypto/secp256k1.js'
import { decodeInvoice, encodeInvoice, InvoiceError, MAX_INVOICE_LENGTH, NETWORKS } from '../../src/invoice/index.js'
import { SIGNATURE_WORDS } from '../../src/invoice/constants.js'
import { signingDigest } from '../../src/invoice/signature.js'
import { check, outcome, timeoutFor } from './fuzz.js'
import { byteMutation, mutateBytes, mutatedText, type ByteMutation } from './mutate.js'
import { EXTRA_VALID } from '../unit/invoice/specVectors.js'

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })
const privateKey = bytes(32).filter(isValidPrivateKey)

const SPEC_INVOICES: string[] = [
  ...(
    JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/bolt11-invoices.json'), 'utf8')) as {
      valid: Array<{ invoice: string }>
      invalid: Array<{ invoice: string }>
    }
  ).valid.map((v) => v.invoice),
  ...EXTRA_VALID.map((v) => v.invoice),
]

/** Invoices lnsim writes, with every kind of field. */
const generated = fc
  .record({
    network: fc.constantFrom(...NETWORKS),
    amountMsat: fc.option(fc.bigInt({ min: 1n, max: 2_100_000_000_000_000_000n }), { nil: undefined }),
    timestamp: fc.integer({ min: 0, max: 2 ** 35 - 1 }),
    paymentHash: bytes(32),
    paymentSecret: bytes(32),
    description: fc.string({ maxLength: 40 }),
    expiry: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
    routeHints: fc.array(
      fc.array(
        fc.record({
          nodeId: privateKey.map(publicKeyOf),
          shortChannelId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          feeBaseMsat: fc.bigInt({ min: 0n, max: 0xffffffffn }),
          feeProportionalMillionths: fc.nat(),
          cltvExpiryDelta: fc.integer({ min: 0, max: 0xffff }),
        }),
        { minLength: 1, maxLength: 2 },
      ),
      { maxLength: 2 },
    ),
    fallbackAddresses: fc.array(
      fc.record({ version: fc.integer({ min: 0, max: 18 }), program: fc.uint8Array({ minLength: 2, maxLength: 40 }) }),
      { maxLength: 2 },
    ),
    paymentMetadata: fc.option(fc.uint8Array({ maxLength: 30 }), { nil: undefined }),
    named: fc.boolean(),
  })
  .chain((f) => privateKey.map((key) => ({ f, key })))
  .map(({ f: { named, ...fields }, key }) => ({
    text: encodeInvoice({ ...fields, ...(named ? { payeeNodeId: publicKeyOf(key) } : {}) }, key),
    key,
  }))

const seedInvoice = fc.oneof(
  fc.constantFrom(...SPEC_INVOICES),
  generated.map((g) => g.text),
)

/** The bech32 text of an invoice, the characters its mutations insert. */
const DICTIONARY = [
  ...BECH32_CHARSET,
  '1',
  'ln',
  'lnbcrt',
  'lnbc',
  'lntb',
  'm',
  'u',
  'n',
  'p',
  '0',
  'lightning:',
  'LN',
  'b',
  'i',
  'o',
  ' ',
  '\u0000',
  'é',
]

function decodes(text: string): void {
  outcome(() => decodeInvoice(text), InvoiceError)
}

/** 5-bit words mutated as bytes are, each kept to 5 bits. */
function mutateWords(words: readonly number[], mutations: ByteMutation[]): number[] {
  const mutated = mutations.reduce<Uint8Array>((acc, m) => mutateBytes(acc, m, 3000), Uint8Array.from(words))
  return [...mutated].map((w) => w & 31)
}

const hrpMutation = fc.option(
  fc.oneof(
    fc.constantFrom(
      'lnbcrt',
      'lnbc1',
      'lnbc0u',
      'lnbc2500x',
      'lnbc1p',
      'lnbc10p',
      'lnbc99999999999999999999m',
      'lntbs',
      'ln',
      'bc',
      'lnbcrt1' + '0'.repeat(30),
    ),
    fc.string({ unit: fc.integer({ min: 33, max: 126 }).map((c) => String.fromCharCode(c)), maxLength: 12 }),
  ),
  { nil: undefined },
)

describe('fuzzing the invoice decoder', () => {
  it(
    'random text, and text that looks like an invoice',
    () => {
      const bech32ish = fc
        .tuple(
          fc.constantFrom('lnbcrt', 'lnbc2500u', 'lntb1p', 'ln', 'lnbc', 'LNBC'),
          fc.string({ unit: fc.constantFrom(...BECH32_CHARSET), maxLength: 600 }),
        )
        .map(([hrp, data]) => `${hrp}1${data}`)
      check(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), bech32ish), decodes), 2000)
    },
    timeoutFor(2000),
  )

  it(
    'valid invoices with characters mutated',
    () => {
      check(fc.property(mutatedText(seedInvoice, DICTIONARY), decodes), 1000)
    },
    timeoutFor(1000),
  )

  it(
    'valid invoices with words mutated, checksummed again',
    () => {
      check(
        fc.property(
          seedInvoice,
          fc.array(byteMutation, { minLength: 1, maxLength: 4 }),
          hrpMutation,
          (text, mutations, hrp) => {
            const decoded = bech32Decode(text.toLowerCase(), MAX_INVOICE_LENGTH)
            decodes(bech32Encode(hrp ?? decoded.hrp, mutateWords(decoded.words, mutations), 'bech32'))
          },
        ),
        2000,
      )
    },
    timeoutFor(2000),
  )

  it(
    'valid invoices with fields mutated, signed again: what decodes names the signer',
    () => {
      check(
        fc.property(
          generated,
          fc.array(byteMutation, { minLength: 1, maxLength: 4 }),
          hrpMutation,
          ({ text, key }, mutations, hrp) => {
            const { hrp: base, words } = bech32Decode(text, MAX_INVOICE_LENGTH)
            const dataWords = mutateWords(words.slice(0, words.length - SIGNATURE_WORDS), mutations)
            const humanReadablePart = hrp ?? base
            const { signature, recoveryId } = signRecoverable(signingDigest(humanReadablePart, dataWords), key)
            const signatureBytes = Uint8Array.of(...signature, recoveryId)
            const r = outcome(
              () =>
                decodeInvoice(
                  bech32Encode(humanReadablePart, [...dataWords, ...bytesToWords(signatureBytes)], 'bech32'),
                ),
              InvoiceError,
            )
            if (r.ok) expect(bytesEqual(r.value.payee, publicKeyOf(key))).toBe(true)
          },
        ),
        1000,
      )
    },
    timeoutFor(1000),
  )
})
