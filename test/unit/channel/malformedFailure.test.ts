/**
 * A peer's update_fail_malformed_htlc, once irrevocable, reaches the node with
 * the sha256_of_onion the peer reported: BOLT #4 has the node pass that hash on
 * in the invalid_onion_* failure it sends upstream.
 */
import { describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import { addHtlc, newPayment, openPair } from './harness.js'

describe('a malformed failure from the peer', () => {
  it('is reported with the failure code and the onion hash the peer gave', () => {
    const pair = openPair()
    // one HTLC stays: without it the commitments after the failure would repeat the first ones
    addHtlc(pair, pair.alice, newPayment(new SeededRng('kept'), 2_000_000n))
    const id = addHtlc(pair, pair.alice, newPayment(new SeededRng('malformed hash'), 1_000_000n))
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    const sha256OfOnion = new Uint8Array(32).fill(0xab)
    pair.command(pair.bob, { type: 'fail_malformed_htlc', id, sha256OfOnion, failureCode: 0x8000 | 0x4000 | 5 })
    pair.command(pair.bob, { type: 'sign' })
    pair.deliverAll()
    expect(commitmentsOf(pair.alice.data)!.localCommit.spec.htlcs).toHaveLength(1)
    expect(pair.takeEvents(pair.alice, 'htlc_failed')).toEqual([
      expect.objectContaining({ malformedCode: 0x8000 | 0x4000 | 5, sha256OfOnion, onChain: false }),
    ])
  })
})
