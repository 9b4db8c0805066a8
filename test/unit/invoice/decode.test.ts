import { describe, expect, it } from 'vitest'
import { bech32Decode, bech32Encode, bytesToWords, wordsToBytes } from '../../../src/core/bech32.js'
import { toHex, utf8 } from '../../../src/core/bytes.js'
import { publicKeyOf } from '../../../src/crypto/secp256k1.js'
import { decodeInvoice, listFeatureBits, signInvoice } from '../../../src/invoice/index.js'
import { bytesField, D, field, HASH, KEY, P, rejectionCode, S, SECRET, signed, TIMESTAMP } from './testInvoices.js'

const OTHER_KEY = new Uint8Array(32).fill(0x22)
/** A `9` field setting these feature bits, as 5-bit words, most significant first. */
const featureField = (...bits: number[]): ReturnType<typeof field> => {
  const words: number[] = new Array(Math.floor(Math.max(...bits) / 5) + 1).fill(0)
  for (const bit of bits) words[words.length - 1 - Math.floor(bit / 5)]! |= 1 << (bit % 5)
  return field('9', words)
}

/** Replaces the 65 signature bytes of an invoice, keeping everything else and a valid checksum. */
function withSignatureBytes(invoice: string, edit: (sig: Uint8Array) => void): string {
  const { hrp, words } = bech32Decode(invoice, 8192)
  const sig = wordsToBytes(words.slice(-104))
  edit(sig)
  return bech32Encode(hrp, [...words.slice(0, -104), ...bytesToWords(sig)], 'bech32')
}

describe('decodeInvoice', () => {
  it('reads a minimal lnbcrt invoice, with the BOLT #11 defaults and the signer as payee', () => {
    const invoice = decodeInvoice(signed([P, S, D]))
    expect(invoice.network).toBe('bcrt')
    expect(invoice.amountMsat).toBe(100_000_000n)
    expect(invoice.timestamp).toBe(TIMESTAMP)
    expect(invoice.paymentHash).toEqual(HASH)
    expect(invoice.paymentSecret).toEqual(SECRET)
    expect(invoice.description).toBe('coffee')
    expect(invoice.expiry).toBe(3600)
    expect(invoice.minFinalCltvExpiryDelta).toBe(18)
    expect(invoice.features).toEqual(new Uint8Array(0))
    expect(invoice.routeHints).toEqual([])
    expect(invoice.paymentMetadata).toBeNull()
    expect(invoice.payee).toEqual(publicKeyOf(KEY))
  })

  it('accepts a lightning: prefix, surrounding whitespace and upper case', () => {
    const text = signed([P, S, D])
    expect(decodeInvoice(`  lightning:${text}\n`).payee).toEqual(publicKeyOf(KEY))
    expect(decodeInvoice(`LIGHTNING:${text.toUpperCase()}`).payee).toEqual(publicKeyOf(KEY))
  })

  it('requires a payment hash and a payment secret', () => {
    expect(rejectionCode(signed([S, D]))).toBe('MISSING_PAYMENT_HASH')
    expect(rejectionCode(signed([P, D]))).toBe('MISSING_PAYMENT_SECRET')
  })

  it('skips p, s, h and n fields of the wrong length, so they count as missing', () => {
    expect(rejectionCode(signed([field('p', P.words.slice(0, 51)), S, D]))).toBe('MISSING_PAYMENT_HASH')
    expect(rejectionCode(signed([P, field('s', [...S.words, 0]), D]))).toBe('MISSING_PAYMENT_SECRET')
    expect(rejectionCode(signed([P, S, field('h', new Array(51).fill(0))]))).toBe('MISSING_DESCRIPTION')
    const invoice = decodeInvoice(
      signed([field('p', new Array(53).fill(0)), P, S, D, field('n', new Array(52).fill(0))]),
    )
    expect(invoice.paymentHash).toEqual(HASH)
    expect(invoice.payee).toEqual(publicKeyOf(KEY))
  })

  it('takes the first of repeated single fields (the writer lists its preferred one first)', () => {
    const invoice = decodeInvoice(
      signed([
        P,
        bytesField('p', new Uint8Array(32)),
        S,
        D,
        bytesField('d', utf8('tea')),
        field('x', [1]),
        field('x', [2]),
      ]),
    )
    expect(invoice.paymentHash).toEqual(HASH)
    expect(invoice.description).toBe('coffee')
    expect(invoice.expiry).toBe(1)
  })

  it('requires exactly one of a description and a description hash', () => {
    expect(rejectionCode(signed([P, S]))).toBe('MISSING_DESCRIPTION')
    expect(rejectionCode(signed([P, S, D, bytesField('h', new Uint8Array(32))]))).toBe('AMBIGUOUS_DESCRIPTION')
    expect(decodeInvoice(signed([P, S, bytesField('h', HASH)])).descriptionHash).toEqual(HASH)
    expect(decodeInvoice(signed([P, S, field('d', [])])).description).toBe('')
  })

  it('refuses a description that is not UTF-8, and keeps any that is', () => {
    expect(rejectionCode(signed([P, S, bytesField('d', Uint8Array.of(0xff, 0xfe))]))).toBe('INVALID_FIELD')
    const text = '\u{feff}tab\there \u{1b}[31m ナンセンス'
    expect(decodeInvoice(signed([P, S, bytesField('d', utf8(text))])).description).toBe(text)
  })

  it('refuses non-minimal x, c and 9 fields, and numbers too large to mean anything', () => {
    expect(rejectionCode(signed([P, S, D, field('x', [0, 1])]))).toBe('NON_MINIMAL_FIELD')
    expect(rejectionCode(signed([P, S, D, field('c', [0, 18])]))).toBe('NON_MINIMAL_FIELD')
    expect(rejectionCode(signed([P, S, D, field('9', [0, 16, 8, 0])]))).toBe('NON_MINIMAL_FIELD')
    expect(rejectionCode(signed([P, S, D, field('x', new Array(11).fill(31))]))).toBe('INVALID_FIELD')
    expect(decodeInvoice(signed([P, S, D, field('x', new Array(10).fill(31))])).expiry).toBe(2 ** 50 - 1)
  })

  it('reads an empty x field as expiry 0: expired from the start', () => {
    const invoice = decodeInvoice(signed([P, S, D, field('x', [])]))
    expect(invoice.expiry).toBe(0)
    expect(invoice.isExpired(TIMESTAMP)).toBe(true)
  })

  it('knows when it expires, in unix seconds', () => {
    const invoice = decodeInvoice(signed([P, S, D, field('x', [1, 28])])) // 60 s
    expect(invoice.expiresAt).toBe(TIMESTAMP + 60)
    expect(invoice.isExpired(TIMESTAMP + 59)).toBe(false)
    expect(invoice.isExpired(TIMESTAMP + 60)).toBe(true)
    expect(invoice.isExpired()).toBe(true) // against the clock: 2023 is long past
  })

  it('refuses field data padded with ones', () => {
    const words = [...P.words]
    words[51]! |= 1
    expect(rejectionCode(signed([field('p', words), S, D]))).toBe('INVALID_FIELD')
  })

  it('refuses route hints that are not whole 51-byte hops', () => {
    expect(rejectionCode(signed([P, S, D, bytesField('r', new Uint8Array(50))]))).toBe('INVALID_FIELD')
    expect(rejectionCode(signed([P, S, D, field('r', [])]))).toBe('INVALID_FIELD')
  })

  it('keeps known fallback versions raw and skips versions 19–31', () => {
    const invoice = decodeInvoice(
      signed([
        P,
        S,
        D,
        field('f', [19, ...bytesToWords(new Uint8Array(20))]),
        field('f', [0, ...bytesToWords(new Uint8Array(20).fill(7))]),
      ]),
    )
    expect(invoice.fallbackAddresses).toEqual([{ version: 0, program: new Uint8Array(20).fill(7) }])
  })

  it('skips unknown fields but keeps them, so the invoice re-signs byte for byte', () => {
    const text = signed([P, field('2', [1, 2, 3]), S, D, field('l', new Array(700).fill(9))])
    const invoice = decodeInvoice(text)
    expect(invoice.taggedFields).toHaveLength(5)
    expect(signInvoice(invoice, KEY)).toBe(text)
  })

  it('refuses features it must understand, and ignores odd ones it does not', () => {
    const invoice = decodeInvoice(signed([P, S, D, featureField(8, 14, 17, 49, 101)]))
    expect(listFeatureBits(invoice.features)).toEqual([8, 14, 17, 49, 101])
    expect(invoice.hasFeature('basic_mpp')).toBe(true)
    expect(rejectionCode(signed([P, S, D, featureField(8, 14, 100)]))).toBe('UNKNOWN_REQUIRED_FEATURE')
    expect(rejectionCode(signed([P, S, D, featureField(8, 24)]))).toBe('UNKNOWN_REQUIRED_FEATURE')
    expect(rejectionCode(signed([P, S, D, featureField(8, 17)]))).toBe('MISSING_FEATURE_DEPENDENCY')
    expect(decodeInvoice(signed([P, S, D, field('9', [])])).features).toEqual(new Uint8Array(0))
  })

  it('verifies against the n field when there is one', () => {
    const payee = publicKeyOf(KEY)
    expect(decodeInvoice(signed([P, S, D, bytesField('n', payee)])).payee).toEqual(payee)
    expect(rejectionCode(signed([P, S, D, bytesField('n', publicKeyOf(OTHER_KEY))]))).toBe('INVALID_SIGNATURE')
    expect(rejectionCode(signed([P, S, D, bytesField('n', new Uint8Array(33).fill(5))]))).toBe('INVALID_PAYEE_NODE_ID')
  })

  it('refuses a high-S signature when n names the payee, and recovers a key from one when not', () => {
    const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const negateS = (sig: Uint8Array): void => {
      const s = N - BigInt('0x' + toHex(sig.subarray(32, 64)))
      sig.set(Uint8Array.from(Buffer.from(s.toString(16).padStart(64, '0'), 'hex')), 32)
      sig[64] ^= 1 // the negated s pairs with the other R: flip the recovery id's parity
    }
    const withN = withSignatureBytes(signed([P, S, D, bytesField('n', publicKeyOf(KEY))]), negateS)
    expect(rejectionCode(withN)).toBe('INVALID_SIGNATURE')
    const withoutN = withSignatureBytes(signed([P, S, D]), negateS)
    expect(decodeInvoice(withoutN).payee).toEqual(publicKeyOf(KEY))
  })

  it('refuses a recovery id above 3', () => {
    expect(rejectionCode(withSignatureBytes(signed([P, S, D]), (sig) => (sig[64] = 4)))).toBe('INVALID_SIGNATURE')
  })

  it('names another payee when a signed field is changed without the n field, and refuses it with one', () => {
    const text = signed([P, S, D])
    const { hrp, words } = bech32Decode(text, 8192)
    const tampered = bech32Encode(hrp.replace('1m', '2m'), words, 'bech32')
    expect(decodeInvoice(tampered).payee).not.toEqual(publicKeyOf(KEY))
    const withN = signed([P, S, D, bytesField('n', publicKeyOf(KEY))])
    const parts = bech32Decode(withN, 8192)
    expect(rejectionCode(bech32Encode(parts.hrp.replace('1m', '2m'), parts.words, 'bech32'))).toBe('INVALID_SIGNATURE')
  })

  it('refuses a field that runs past the signature', () => {
    const timestamp = [0, 0, 0, 0, 0, 0, 1]
    const words = [...timestamp, 1, 1, 20, ...new Array(10).fill(0), ...new Array(104).fill(0)]
    expect(rejectionCode(bech32Encode('lnbcrt', words, 'bech32'))).toBe('INVALID_FIELD')
  })

  it('says why a string is not an invoice at all', () => {
    expect(rejectionCode(bech32Encode('lnbcrt', signedWords(), 'bech32m'))).toBe('INVALID_CHECKSUM')
    expect(rejectionCode(bech32Encode('bcrt', signedWords(), 'bech32'))).toBe('NOT_AN_INVOICE')
    expect(rejectionCode(bech32Encode('lnxyz', signedWords(), 'bech32'))).toBe('UNKNOWN_NETWORK')
    expect(rejectionCode('lnbcrt1' + 'q'.repeat(9000))).toBe('TOO_LONG')
    expect(rejectionCode('lnbcrt1qqqqb')).toBe('INVALID_BECH32')
    expect(rejectionCode('lnbcrt1qqqqqqqqqqqqqqqoqqqqqqqq')).toBe('INVALID_BECH32')
    expect(rejectionCode('')).toBe('INVALID_BECH32')
  })
})

function signedWords(): number[] {
  return bech32Decode(signed([P, S, D]), 8192).words
}
