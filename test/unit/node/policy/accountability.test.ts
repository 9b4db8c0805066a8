/**
 * The relay rules of `accountable`, lightning/bolts#1280, 02-peer-protocol.md "Adding an HTLC: update_add_htlc",
 * requirements of a sending node that is not the original source:
 *   if `accountable` is present in the incoming `update_add_htlc`: MUST set `accountable`.
 *   otherwise: if `upgrade_accountability` is present in the onion: MAY set `accountable`.
 *   otherwise: MUST NOT set `accountable`.
 * (The original source SHOULD omit `accountable`: lnsim's payers do, which htlcInterception.test.ts sees at the first
 * hop.)
 */
import { describe, expect, it } from 'vitest'
import { relayAccountable } from '../../../../src/node/payments/policy/accountability.js'
import { OpenPolicy } from '../../../../src/node/payments/policy/openPolicy.js'
import type { ForwardProposal } from '../../../../src/node/payments/policy/htlcPolicy.js'

describe('accountable relay rules', () => {
  it('MUST set accountable when the incoming HTLC had it, whatever the policy wanted', () => {
    expect(relayAccountable(true, false, false)).toBe(true)
    expect(relayAccountable(true, true, false)).toBe(true)
  })
  it('MAY set it when the onion carries upgrade_accountability: as the policy wants', () => {
    expect(relayAccountable(false, true, true)).toBe(true)
    expect(relayAccountable(false, true, false)).toBe(false)
  })
  it('MUST NOT set it otherwise, even when the policy wanted to', () => {
    expect(relayAccountable(false, false, true)).toBe(false)
    expect(relayAccountable(false, false, false)).toBe(false)
  })
  it('the default policy forwards everything and only relays the signal', () => {
    const p = new OpenPolicy()
    const base = { incomingAccountable: false, upgradeAccountability: true } as ForwardProposal
    expect(p.decide(base)).toEqual({ forward: true, accountable: false })
    expect(p.decide({ ...base, incomingAccountable: true })).toEqual({ forward: true, accountable: true })
  })
})
