import { describe, expect, it } from 'vitest'
import { addressFromPublicKey, addressOf, addressToCondition, conditionToAddress } from '../../../src/chain/address.js'
import { all, sig } from '../../../src/chain/condition.js'
import { bech32Encode, bytesToWords } from '../../../src/core/bech32.js'
import { TransactionJson, transactionToJson } from '../../../src/chain/transactionJson.js'
import { alice, bob, pub, signed, unsigned } from './helpers.js'

describe('chain addresses', () => {
  it('round-trip a public key through sim1… and stand for sig(pubkey)', () => {
    const address = addressFromPublicKey(pub(alice))
    expect(address).toMatch(/^sim1q[02-9ac-hj-np-z]{59}$/)
    expect(addressToCondition(address)).toEqual(sig(pub(alice)))
    expect(addressToCondition(address.toUpperCase())).toEqual(sig(pub(alice)))
    expect(conditionToAddress(sig(pub(alice)))).toBe(address)
    expect(addressOf(all(sig(pub(alice)), sig(pub(bob))))).toBeNull()
    expect(() => conditionToAddress(all(sig(pub(alice))))).toThrow(expect.objectContaining({ code: 'INVALID_ADDRESS' }))
  })

  it('reject a typo, another prefix, the bech32 checksum, another version, and a key that is not on the curve', () => {
    const address = addressFromPublicKey(pub(alice))
    const typo = address.slice(0, 10) + (address[10] === 'q' ? 'p' : 'q') + address.slice(11)
    const words = bytesToWords(pub(alice))
    const bad = [
      typo,
      bech32Encode('bc', [0, ...words], 'bech32m'),
      bech32Encode('sim', [0, ...words], 'bech32'),
      bech32Encode('sim', [1, ...words], 'bech32m'),
      bech32Encode('sim', [0, ...bytesToWords(Uint8Array.of(2, ...new Uint8Array(32).fill(0xff)))], 'bech32m'),
      bech32Encode('sim', [0, ...bytesToWords(pub(alice).slice(0, 32))], 'bech32m'),
      '',
    ]
    for (const a of bad)
      expect(() => addressToCondition(a), a).toThrow(expect.objectContaining({ code: 'INVALID_ADDRESS' }))
  })
})

describe('transaction JSON', () => {
  it('round-trips a signed transaction, amounts as decimal strings', () => {
    const coin = { outpoint: { txid: 'cd'.repeat(32), vout: 3 }, output: { value: 10n, condition: sig(pub(alice)) } }
    const tx = signed(
      unsigned([coin], [{ value: 2_100_000_000_000_000n, condition: all(sig(pub(alice)), sig(pub(bob))) }], 7),
      [coin],
      [[alice]],
    )
    tx.inputs[0]!.witness.preimages.push(new Uint8Array([1, 2, 3]))
    const json = JSON.parse(JSON.stringify(transactionToJson(tx)))
    expect(json.outputs[0].valueSat).toBe('2100000000000000')
    expect(TransactionJson.parse(json)).toEqual(tx)
  })
})
