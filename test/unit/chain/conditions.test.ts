import { beforeEach, describe, expect, it } from 'vitest'
import { after, all, any, older, sha256Lock, sig, type Condition } from '../../../src/chain/condition.js'
import { evaluateCondition } from '../../../src/chain/evaluate.js'
import { MemoryChain } from '../../../src/chain/memoryChain.js'
import { sighash } from '../../../src/chain/transaction.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { alice, bob, carol, expectRule, pub, signed, unsigned, type Spendable } from './helpers.js'

describe('spending conditions on the chain', () => {
  let chain: MemoryChain
  const fund = (condition: Condition, value = 100_000n): Spendable => chain.fund(condition, value, { confirm: true })
  const toCarol = [{ value: 99_000n, condition: sig(pub(carol)) }]

  beforeEach(() => {
    chain = new MemoryChain()
  })

  it('a 2-of-2 output cannot be spent with one signature, and can with both', () => {
    const coin = fund(all(sig(pub(alice)), sig(pub(bob))))
    for (const key of [alice, bob]) {
      const err = expectRule(
        () => chain.submit(signed(unsigned([coin], toCarol), [coin], [[key]])),
        'CONDITION_NOT_SATISFIED',
      )
      expect(err.message).toContain('missing a signature')
    }
    chain.submit(signed(unsigned([coin], toCarol), [coin], [[alice, bob]]))
  })

  it('an older(144) output cannot be spent at depth 143 and can at 144', () => {
    const coin = fund(all(sig(pub(alice)), older(144)))
    const confirmedAt = chain.height
    const tx = signed(unsigned([coin], toCarol), [coin], [[alice]])
    chain.mine(142)
    // the next block would be confirmedAt + 143
    expectRule(() => chain.submit(tx), 'TIMELOCK_NOT_REACHED')
    chain.mine(1)
    expect(chain.height + 1 - confirmedAt).toBe(144)
    chain.submit(tx)
    const [block] = chain.mine(1)
    expect(block!.height - confirmedAt).toBe(144)
  })

  it('older() cannot be satisfied by an unconfirmed output', () => {
    const coin = chain.fund(all(sig(pub(alice)), older(1)), 100_000n)
    const err = expectRule(
      () => chain.submit(signed(unsigned([coin], toCarol), [coin], [[alice]])),
      'TIMELOCK_NOT_REACHED',
    )
    expect(err.message).toContain('unconfirmed')
    chain.mine(1)
    chain.submit(signed(unsigned([coin], toCarol), [coin], [[alice]]))
  })

  it('after(h) needs lockTime ≥ h, and the transaction is mined only after block lockTime', () => {
    const h = chain.height + 10
    const coin = fund(all(sig(pub(alice)), after(h)))
    chain.mine(h - chain.height - 1)
    // final for the next block, but below after(h)
    expectRule(
      () => chain.submit(signed(unsigned([coin], toCarol, h - 1), [coin], [[alice]])),
      'CONDITION_NOT_SATISFIED',
    )
    const tx = signed(unsigned([coin], toCarol, h), [coin], [[alice]])
    expectRule(() => chain.submit(tx), 'TIMELOCK_NOT_REACHED')
    chain.mine(1)
    chain.submit(tx)
    expect(chain.mine(1)[0]!.height).toBe(h + 1)
  })

  it('sha256(h) is satisfied by the preimage, and not by another value', () => {
    const preimage = new Uint8Array(32).fill(7)
    const coin = fund(all(sig(pub(bob)), sha256Lock(sha256(preimage))))
    const without = signed(unsigned([coin], toCarol), [coin], [[bob]])
    expectRule(() => chain.submit(without), 'CONDITION_NOT_SATISFIED')
    const wrong = signed(unsigned([coin], toCarol), [coin], [[bob]])
    wrong.inputs[0]!.witness.preimages.push(new Uint8Array(32).fill(8))
    expectRule(() => chain.submit(wrong), 'UNUSED_WITNESS_ITEM')
    const right = signed(unsigned([coin], toCarol), [coin], [[bob]])
    right.inputs[0]!.witness.preimages.push(preimage)
    chain.submit(right)
  })

  it('an HTLC-like output: the preimage path, the timeout path, and the revocation path', () => {
    const preimage = new Uint8Array(32).fill(1)
    const cltv = chain.height + 20
    const htlc = any(
      sig(pub(carol)),
      all(sig(pub(bob)), sha256Lock(sha256(preimage))),
      all(sig(pub(alice)), after(cltv)),
    )
    const success = fund(htlc)
    const tx = signed(unsigned([success], toCarol), [success], [[bob]])
    tx.inputs[0]!.witness.preimages.push(preimage)
    chain.submit(tx)
    const timeout = fund(htlc)
    expectRule(
      () => chain.submit(signed(unsigned([timeout], toCarol, cltv), [timeout], [[alice]])),
      'TIMELOCK_NOT_REACHED',
    )
    const revoked = fund(htlc)
    chain.submit(signed(unsigned([revoked], toCarol), [revoked], [[carol]]))
  })

  it('a to_local spend by the delayed key too early reports the timelock, not the missing revocation signature', () => {
    const toLocal = any(sig(pub(carol)), all(sig(pub(alice)), older(6)))
    const coin = fund(toLocal)
    const err = expectRule(
      () => chain.submit(signed(unsigned([coin], toCarol), [coin], [[alice]])),
      'TIMELOCK_NOT_REACHED',
    )
    expect(err.message).toContain('older(6)')
    // with no witness at all nothing is only waiting: a missing signature
    expectRule(() => chain.submit(unsigned([coin], toCarol)), 'CONDITION_NOT_SATISFIED')
    chain.submit(signed(unsigned([coin], toCarol), [coin], [[carol]]))
  })

  it('within all(), a missing signature outranks a timelock, since waiting would not help', () => {
    const tx = unsigned(
      [{ outpoint: { txid: '00'.repeat(32), vout: 0 }, output: { value: 1n, condition: sig(pub(alice)) } }],
      toCarol,
    )
    const r = evaluateCondition(all(older(10), sig(pub(alice))), tx.inputs[0]!.witness, {
      sighash: new Uint8Array(32),
      spendingHeight: 5,
      lockTime: 0,
      outputHeight: 4,
    })
    expect(r).toMatchObject({ satisfied: false, code: 'CONDITION_NOT_SATISFIED' })
  })

  it('verifies each signature once per input', async () => {
    const coin = fund(all(sig(pub(alice)), sig(pub(bob))))
    const tx = signed(unsigned([coin], toCarol), [coin], [[alice, bob]])
    const secp = await import('../../../src/crypto/secp256k1.js')
    const previous = secp.currentBackend()
    let verifies = 0
    secp.useBackend({ ...previous, verify: (...args) => (verifies++, previous.verify(...args)) })
    try {
      const r = evaluateCondition(coin.output.condition, tx.inputs[0]!.witness, {
        sighash: sighash(tx, 0, coin.output),
        spendingHeight: 100,
        lockTime: 0,
        outputHeight: 1,
      })
      expect(r.satisfied).toBe(true)
      expect(verifies).toBe(2)
    } finally {
      secp.useBackend(previous)
    }
  })
})
