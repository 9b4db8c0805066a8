/**
 * deriveNextCommitmentKeys does, ahead of time, the key derivations the next
 * commitments need, so that signing and checking them later costs no point
 * arithmetic but the signature itself; and it leaves out the HTLC keys when the
 * HTLCs are below the dust limit and get no outputs.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { currentBackend, useBackend } from '../../../src/crypto/secp256k1.js'
import type { Secp256k1Backend } from '../../../src/crypto/backend.js'
import { deriveNextCommitmentKeys } from '../../../src/channel/commitments.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import { addHtlc, newPayment, openPair, type Pair } from './harness.js'

const inner = currentBackend()
afterEach(() => useBackend(inner))

/** Curve operations by name while `work` runs. */
function counting(work: () => void): Record<string, number> {
  const counts: Record<string, number> = {}
  const wrapped = { ...inner } as Record<string, unknown>
  for (const [op, fn] of Object.entries(inner)) {
    if (typeof fn === 'function')
      wrapped[op] = (...args: unknown[]) => {
        counts[op] = (counts[op] ?? 0) + 1
        return (fn as (...a: unknown[]) => unknown).apply(inner, args)
      }
  }
  useBackend(wrapped as unknown as Secp256k1Backend)
  try {
    work()
  } finally {
    useBackend(inner)
  }
  return counts
}

function pairWithHtlc(amountMsat: bigint): Pair {
  const pair = openPair()
  addHtlc(pair, pair.alice, newPayment(new SeededRng('next keys'), amountMsat))
  pair.command(pair.alice, { type: 'sign' })
  pair.deliverAll()
  return pair
}

describe('deriveNextCommitmentKeys', () => {
  it('leaves signing and checking the next commitments nothing to derive', () => {
    const pair = pairWithHtlc(50_000_000n)
    addHtlc(pair, pair.alice, newPayment(new SeededRng('second'), 60_000_000n))
    for (const side of [pair.alice, pair.bob]) {
      side.signer.forgetDerivedKeys()
      deriveNextCommitmentKeys(commitmentsOf(side.data)!, side.signer)
    }
    const signing = counting(() => pair.command(pair.alice, { type: 'sign' }))
    // the commitment and its two HTLC transactions (BOLT #2 htlc_signatures); the HTLC key is a scalar addition
    expect(signing).toEqual({ sign: 3, privateKeyAdd: 1 })
    pair.deliverOne(pair.bob) // the add
    // bob checks the commitment_signed and its HTLC signatures, and revokes: verifications, no derivation
    const checking = counting(() => pair.deliverOne(pair.bob))
    expect(checking.pointMultiply ?? 0).toBe(0)
    expect(checking.pointAddTweak ?? 0).toBe(0)
    expect(checking.verify).toBe(3)
  })

  it('derives no HTLC keys for HTLCs below the dust limit, and does for those above', () => {
    const dust = pairWithHtlc(100_000n)
    dust.alice.signer.forgetDerivedKeys()
    const belowDust = counting(() => deriveNextCommitmentKeys(commitmentsOf(dust.alice.data)!, dust.alice.signer))
    const above = pairWithHtlc(50_000_000n)
    above.alice.signer.forgetDerivedKeys()
    const aboveDust = counting(() => deriveNextCommitmentKeys(commitmentsOf(above.alice.data)!, above.alice.signer))
    // two commitments: each a revocation key (one multiplication, and one of the
    // generator for the product whose secret we hold) and a delayed key
    expect(belowDust.pointMultiply).toBe(2)
    expect(belowDust.privateKeyMultiply).toBe(2)
    expect(belowDust.pointAddTweak).toBe(2)
    // and two HTLC keys each
    expect(aboveDust.pointMultiply).toBe(2)
    expect(aboveDust.pointAddTweak).toBe(2 + 4)
  })
})
