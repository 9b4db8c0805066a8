/**
 * The state log interns the parts of a channel's state that isLastingChannelPart
 * picks, by object identity: that is only right if those parts are never rebuilt
 * or changed from one state to the next, and if the parts that do change are not
 * picked. Checked on a real channel's states.
 */
import { describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import { isLastingChannelPart } from '../../../src/node/channels/channelManager.js'
import { addHtlc, newPayment, openPair } from '../channel/harness.js'

describe('isLastingChannelPart', () => {
  it("picks a channel's HTLCs, updates, parameters, funding, commitments and secrets: same objects each state", () => {
    const pair = openPair()
    const rng = new SeededRng('lasting')
    addHtlc(pair, pair.alice, newPayment(rng, 5_000_000n))
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    const before = commitmentsOf(pair.alice.data)!
    addHtlc(pair, pair.alice, newPayment(rng, 7_000_000n))
    const after = commitmentsOf(pair.alice.data)!

    const htlc = before.localCommit.spec.htlcs[0]!
    const update = after.localChanges.proposed[0]!
    const lasting = [
      before.localParams,
      before.remoteParams,
      before.funding,
      before.localCommit,
      before.remoteCommit,
      before.remotePerCommitmentSecrets,
      htlc,
      update,
    ] as const
    for (const part of lasting) expect(isLastingChannelPart(part)).toBe(true)
    expect(after.localParams).toBe(before.localParams)
    expect(after.remoteParams).toBe(before.remoteParams)
    expect(after.funding).toBe(before.funding)
    // an add changes no commitment and reveals no secret
    expect(after.localCommit).toBe(before.localCommit)
    expect(after.remoteCommit).toBe(before.remoteCommit)
    expect(after.remotePerCommitmentSecrets).toBe(before.remotePerCommitmentSecrets)
    expect(after.localCommit.spec.htlcs[0]).toBe(htlc)

    // what changes with every update is written whole each time
    for (const part of [
      after,
      after.localCommit.spec,
      after.localChanges,
      after.remoteNextCommitInfo,
      pair.alice.data,
    ]) {
      expect(isLastingChannelPart(part)).toBe(false)
    }
  })
})
