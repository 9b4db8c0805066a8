/**
 * A node as a rogue peer (--testing): the Nth message of a type to one peer
 * leaves changed, once; what was sent is counted and the last messages are
 * kept for replay, within a bound.
 */
import { describe, expect, it } from 'vitest'
import {
  MAX_PENDING_MUTATIONS,
  MAX_REPLAY_HISTORY,
  RogueMessages,
  type RogueReport,
} from '../../../src/node/testing/rogueMessages.js'
import type { Message } from '../../../src/wire/messages.js'

const ALICE = `02${'aa'.repeat(32)}`
const BOB = `03${'bb'.repeat(32)}`

function fee(feeratePerKw: number): Message {
  return { type: 'update_fee', channelId: new Uint8Array(32), feeratePerKw }
}

describe('rogue messages', () => {
  it('changes the Nth message of that type to that peer only, once, and reports it', () => {
    const fired: RogueReport[] = []
    const rogue = new RogueMessages((r) => fired.push(r))
    rogue.mutate({
      peer: ALICE,
      messageType: 'update_fee',
      nth: 2,
      set: { feeratePerKw: 1 },
      fields: ['feerate_per_kw'],
    })
    expect(rogue.rewrite(BOB, fee(250))).toEqual(fee(250))
    expect(rogue.rewrite(ALICE, { type: 'ping', numPongBytes: 0, ignored: new Uint8Array() })).toMatchObject({
      type: 'ping',
    })
    expect(rogue.rewrite(ALICE, fee(250))).toEqual(fee(250))
    expect(rogue.rewrite(ALICE, fee(260))).toEqual(fee(1))
    expect(rogue.rewrite(ALICE, fee(270))).toEqual(fee(270))
    expect(fired).toEqual([{ action: 'mutate', peer: ALICE, messageType: 'update_fee', fields: ['feerate_per_kw'] }])
    expect(rogue.pending()).toEqual([])
  })

  it('refuses a mutation beyond the bound, and keeps those armed', () => {
    const rogue = new RogueMessages(() => {})
    const m = { peer: ALICE, messageType: 'update_fee' as const, nth: 1, set: { feeratePerKw: 1 }, fields: [] }
    for (let i = 0; i < MAX_PENDING_MUTATIONS; i++) expect(rogue.mutate({ ...m, nth: i + 1 })).toBe(true)
    expect(rogue.mutate(m)).toBe(false)
    expect(rogue.pending()).toHaveLength(MAX_PENDING_MUTATIONS)
    expect(rogue.pending()[0]!.nth).toBe(1)
  })

  it('counts every armed mutation on the same message type', () => {
    const rogue = new RogueMessages(() => {})
    rogue.mutate({ peer: ALICE, messageType: 'update_fee', nth: 1, set: { feeratePerKw: 1 }, fields: [] })
    rogue.mutate({ peer: ALICE, messageType: 'update_fee', nth: 2, set: { feeratePerKw: 2 }, fields: [] })
    expect(rogue.rewrite(ALICE, fee(250))).toEqual(fee(1))
    expect(rogue.rewrite(ALICE, fee(250))).toEqual(fee(2))
  })

  it('counts what was sent per peer and type, and keeps the last messages for replay', () => {
    const rogue = new RogueMessages(() => {})
    for (let i = 1; i <= MAX_REPLAY_HISTORY + 4; i++) rogue.recordSent(ALICE, fee(i))
    rogue.recordSent(BOB, fee(999))
    expect(rogue.sentCounts()).toEqual({ [ALICE]: { update_fee: MAX_REPLAY_HISTORY + 4 }, [BOB]: { update_fee: 1 } })
    expect(rogue.earlier(ALICE, 'update_fee', 1)).toEqual(fee(MAX_REPLAY_HISTORY + 4))
    expect(rogue.earlier(ALICE, 'update_fee', 2)).toEqual(fee(MAX_REPLAY_HISTORY + 3))
    expect(rogue.earlier(ALICE, 'update_fee', MAX_REPLAY_HISTORY)).toEqual(fee(5))
    expect(rogue.earlier(ALICE, 'update_fee', MAX_REPLAY_HISTORY + 1)).toBeUndefined()
    expect(rogue.earlier(BOB, 'revoke_and_ack', 1)).toBeUndefined()
  })
})
