import { describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { sha256 } from '../../../src/crypto/hash.js'
import { commitmentsOf } from '../../../src/channel/states.js'
import type { ChannelEffect } from '../../../src/channel/io.js'
import type { Message, UpdateAddHtlc } from '../../../src/wire/messages.js'
import { addHtlc, newPayment, ONION, openPair, type Pair, type Side } from './harness.js'
import { awaitOpenChannel, openChannel } from '../../../src/channel/opening.js'
import { DEFAULT_CHANNEL_CONFIG } from '../../../src/channel/constants.js'
import { step } from '../../../src/channel/machine.js'
import { SeedSigner } from '../../../src/channel/signer.js'
import { fromHex, toHex } from '../../../src/core/bytes.js'
import { publicKeyOf } from '../../../src/crypto/secp256k1.js'
import { walletCondition, CHAIN_HASH } from './harness.js'

/** Feeds a crafted message and checks: the rule's code, a warning to the peer, a disconnect, and an unchanged state. */
function expectRejected(pair: Pair, to: Side, message: Message, code: string): ChannelEffect[] {
  const before = JSON.stringify(to.data, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
  const effects = pair.input(to, { type: 'message', message: message as never })
  expect(effects).toContainEqual(
    expect.objectContaining({ type: 'event', event: expect.objectContaining({ type: 'protocol_violation', code }) }),
  )
  expect(
    effects.some(
      (e) =>
        e.type === 'send' && e.message.type === 'warning' && new TextDecoder().decode(e.message.data).startsWith(code),
    ),
  ).toBe(true)
  expect(effects).toContainEqual(expect.objectContaining({ type: 'disconnect' }))
  expect(JSON.stringify(to.data, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).toBe(before)
  return effects
}

function add(pair: Pair, fields: Partial<UpdateAddHtlc>): UpdateAddHtlc {
  const c = commitmentsOf(pair.bob.data)!
  return {
    type: 'update_add_htlc',
    channelId: c.channelId,
    id: c.remoteNextHtlcId,
    amountMsat: 1_000_000n,
    paymentHash: new Uint8Array(32).fill(1),
    cltvExpiry: 500,
    onionRoutingPacket: ONION,
    ...fields,
  }
}

describe('rules a peer cannot break (each rejected with its code, channel unchanged)', () => {
  it('HTLC below the minimum', () => {
    const pair = openPair({ bobConfig: { htlcMinimumMsat: 1000n } })
    expectRejected(pair, pair.bob, add(pair, { amountMsat: 999n }), 'HTLC_BELOW_MINIMUM')
    expectRejected(pair, pair.bob, add(pair, { amountMsat: 0n }), 'HTLC_BELOW_MINIMUM')
  })

  it('HTLC ids out of order', () => {
    const pair = openPair()
    expectRejected(pair, pair.bob, add(pair, { id: 5n }), 'HTLC_ID_OUT_OF_ORDER')
  })

  it('more HTLCs than the receiver accepts', () => {
    const pair = openPair({ bobConfig: { maxAcceptedHtlcs: 2 } })
    pair.input(pair.bob, { type: 'message', message: add(pair, {}) })
    pair.input(pair.bob, { type: 'message', message: add(pair, {}) })
    expectRejected(pair, pair.bob, add(pair, {}), 'TOO_MANY_HTLCS')
  })

  it('more value in flight than the receiver accepts', () => {
    const pair = openPair({ bobConfig: { maxHtlcValueInFlightMsat: 5_000_000n } })
    pair.input(pair.bob, { type: 'message', message: add(pair, { amountMsat: 3_000_000n }) })
    expectRejected(pair, pair.bob, add(pair, { amountMsat: 3_000_000n }), 'HTLC_VALUE_IN_FLIGHT_EXCEEDED')
  })

  it('an HTLC the sender cannot afford with its reserve and fees', () => {
    const pair = openPair({ fundingSat: 1_000_000n })
    // alice has 1,000,000 sat less the fee; her reserve is 1% = 10,000 sat
    expectRejected(pair, pair.bob, add(pair, { amountMsat: 995_000_000n }), 'INSUFFICIENT_BALANCE')
    // bob has nothing: an HTLC from bob to alice is refused by alice
    const c = commitmentsOf(pair.alice.data)!
    expectRejected(
      pair,
      pair.alice,
      { ...add(pair, {}), channelId: c.channelId, id: 0n, amountMsat: 1000n },
      'INSUFFICIENT_BALANCE',
    )
  })

  it('a cltv_expiry that is a timestamp, not a height', () => {
    const pair = openPair()
    expectRejected(pair, pair.bob, add(pair, { cltvExpiry: 500_000_000 }), 'INVALID_CLTV_EXPIRY')
  })

  it('a commitment signature that does not sign the commitment it claims', () => {
    const pair = openPair()
    pair.input(pair.bob, { type: 'message', message: add(pair, {}) })
    const c = commitmentsOf(pair.bob.data)!
    const bad = new Uint8Array(64).fill(7)
    expectRejected(
      pair,
      pair.bob,
      { type: 'commitment_signed', channelId: c.channelId, signature: bad, htlcSignatures: [] },
      'INVALID_COMMITMENT_SIGNATURE',
    )
  })

  /** Alice offers two HTLCs above the dust limit and signs: her commitment_signed, not yet delivered to bob. */
  function signedWithTwoHtlcs(): { pair: Pair; commitSig: Extract<Message, { type: 'commitment_signed' }> } {
    const pair = openPair()
    const rng = new SeededRng('htlc signatures')
    addHtlc(pair, pair.alice, newPayment(rng, 5_000_000n))
    addHtlc(pair, pair.alice, newPayment(rng, 7_000_000n))
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverOne(pair.bob)
    pair.deliverOne(pair.bob)
    const commitSig = pair.bob.inbox.shift()!
    if (commitSig.type !== 'commitment_signed') throw new Error(`expected commitment_signed, got ${commitSig.type}`)
    return { pair, commitSig }
  }

  it('commitment_signed carries one HTLC signature per HTLC output of the receiver’s commitment (BOLT #2)', () => {
    const { pair, commitSig } = signedWithTwoHtlcs()
    expect(commitSig.htlcSignatures).toHaveLength(2)
    pair.input(pair.bob, { type: 'message', message: commitSig })
    expect(commitmentsOf(pair.bob.data)!.localCommit.htlcSigs).toEqual(commitSig.htlcSignatures)
  })

  it('an HTLC signature that does not sign its HTLC transaction', () => {
    const { pair, commitSig } = signedWithTwoHtlcs()
    // the right signature in the wrong place signs the other HTLC's transaction
    const swapped = [commitSig.htlcSignatures[1]!, commitSig.htlcSignatures[0]!]
    expectRejected(pair, pair.bob, { ...commitSig, htlcSignatures: swapped }, 'INVALID_HTLC_SIGNATURE')
  })

  it('a commitment_signed without a signature for every HTLC output', () => {
    const { pair, commitSig } = signedWithTwoHtlcs()
    const one = commitSig.htlcSignatures.slice(0, 1)
    expectRejected(pair, pair.bob, { ...commitSig, htlcSignatures: one }, 'HTLC_SIGNATURE_COUNT_MISMATCH')
  })

  it('a commitment_signed that covers no update', () => {
    const pair = openPair()
    const c = commitmentsOf(pair.bob.data)!
    expectRejected(
      pair,
      pair.bob,
      { type: 'commitment_signed', channelId: c.channelId, signature: new Uint8Array(64), htlcSignatures: [] },
      'COMMITMENT_WITHOUT_CHANGES',
    )
  })

  it('a revocation secret that does not match the commitment it revokes', () => {
    const pair = openPair()
    const rng = new SeededRng('revocation')
    addHtlc(pair, pair.alice, newPayment(rng, 1_000_000n))
    pair.command(pair.alice, { type: 'sign' })
    // bob answers with revoke_and_ack (+ his own commitment_signed); corrupt the revocation on its way to alice
    pair.deliverOne(pair.bob)
    pair.deliverOne(pair.bob)
    const revoke = pair.alice.inbox.find((m) => m.type === 'revoke_and_ack')!
    if (revoke.type !== 'revoke_and_ack') throw new Error()
    expectRejected(
      pair,
      pair.alice,
      { ...revoke, perCommitmentSecret: sha256(revoke.perCommitmentSecret) },
      'INVALID_REVOCATION_SECRET',
    )
  })

  it('a revoke_and_ack nobody asked for', () => {
    const pair = openPair()
    const c = commitmentsOf(pair.alice.data)!
    expectRejected(
      pair,
      pair.alice,
      {
        type: 'revoke_and_ack',
        channelId: c.channelId,
        perCommitmentSecret: new Uint8Array(32).fill(1),
        nextPerCommitmentPoint: publicKeyOf(new Uint8Array(32).fill(2)),
      },
      'UNEXPECTED_REVOCATION',
    )
  })

  it('a fulfill whose preimage does not hash to the payment hash, or for an unknown HTLC', () => {
    const pair = openPair()
    const p = newPayment(new SeededRng('fulfill'), 1_000_000n)
    const id = addHtlc(pair, pair.alice, p)
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    const c = commitmentsOf(pair.alice.data)!
    expectRejected(
      pair,
      pair.alice,
      { type: 'update_fulfill_htlc', channelId: c.channelId, id, paymentPreimage: new Uint8Array(32) },
      'INVALID_PREIMAGE',
    )
    expectRejected(
      pair,
      pair.alice,
      { type: 'update_fulfill_htlc', channelId: c.channelId, id: id + 1n, paymentPreimage: p.preimage },
      'UNKNOWN_HTLC',
    )
  })

  it('update_fail_malformed_htlc without the BADONION bit', () => {
    const pair = openPair()
    const id = addHtlc(pair, pair.alice, newPayment(new SeededRng('malformed'), 1_000_000n))
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    const c = commitmentsOf(pair.alice.data)!
    expectRejected(
      pair,
      pair.alice,
      {
        type: 'update_fail_malformed_htlc',
        channelId: c.channelId,
        id,
        sha256OfOnion: new Uint8Array(32),
        failureCode: 0x4000 | 5,
      },
      'INVALID_FAILURE_CODE',
    )
  })

  it('an HTLC after the sender said shutdown', () => {
    const pair = openPair({ pushMsat: 100_000_000n })
    // an HTLC in flight keeps the channel in SHUTDOWN rather than negotiating at once
    addHtlc(pair, pair.alice, newPayment(new SeededRng('shutdown'), 1_000_000n))
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    const c = commitmentsOf(pair.alice.data)!
    pair.input(pair.alice, {
      type: 'message',
      message: { type: 'shutdown', channelId: c.channelId, scriptpubkey: walletCondition(40) },
    })
    expect(pair.alice.data.state).toBe('SHUTDOWN')
    expectRejected(pair, pair.alice, { ...add(pair, {}), channelId: c.channelId, id: 0n }, 'ADD_AFTER_SHUTDOWN')
  })

  it('after a rejected message and a reconnection, the channel still works', () => {
    const pair = openPair({ bobConfig: { htlcMinimumMsat: 1000n } })
    expectRejected(pair, pair.bob, add(pair, { amountMsat: 1n }), 'HTLC_BELOW_MINIMUM')
    pair.disconnect()
    pair.reconnect()
    pair.deliverAll()
    expect(pair.alice.data.state).toBe('NORMAL')
    expect(pair.bob.data.state).toBe('NORMAL')
    addHtlc(pair, pair.alice, newPayment(new SeededRng('after'), 5_000n))
    pair.command(pair.alice, { type: 'sign' })
    pair.deliverAll()
    expect(pair.takeEvents(pair.bob, 'htlc_received')).toHaveLength(1)
  })
})

describe('open_channel rules (the fundee refuses and forgets the channel)', () => {
  const ctx = { blockHeight: 1, chainHash: CHAIN_HASH, feeratePerKw: 253, signer: new SeedSigner({ derive: fromHex }) }
  function openMessage() {
    const r = openChannel(
      {
        remoteNodeId: new Uint8Array(33),
        temporaryChannelId: new Uint8Array(32),
        fundingSat: 1_000_000n,
        pushMsat: 0n,
        announce: true,
        config: DEFAULT_CHANNEL_CONFIG,
        keysId: toHex(new Uint8Array(32).fill(3)),
        finalCondition: walletCondition(3),
      },
      ctx,
    )
    const m = r.effects.find((e) => e.type === 'send')!
    if (m.type !== 'send' || m.message.type !== 'open_channel') throw new Error()
    return m.message
  }
  const cases: Array<[string, Record<string, unknown>]> = [
    ['INVALID_PUSH_AMOUNT', { pushMsat: 1_000_000_001n }],
    ['DUST_LIMIT_TOO_SMALL', { dustLimitSatoshis: 353n, channelReserveSatoshis: 10_000n }],
    ['INVALID_MAX_ACCEPTED_HTLCS', { maxAcceptedHtlcs: 484 }],
    ['TO_SELF_DELAY_TOO_LARGE', { toSelfDelay: 5000 }],
    ['UNKNOWN_CHAIN', { chainHash: new Uint8Array(32).fill(1) }],
    ['DUST_ABOVE_RESERVE', { dustLimitSatoshis: 20_000n }],
    ['INVALID_FEERATE', { feeratePerKw: 10 }],
    ['INVALID_BASEPOINT', { htlcBasepoint: Uint8Array.of(2, ...new Uint8Array(32)) }],
  ]
  for (const [code, change] of cases) {
    it(code, () => {
      const data = awaitOpenChannel({
        remoteNodeId: new Uint8Array(33),
        temporaryChannelId: new Uint8Array(32),
        config: DEFAULT_CHANNEL_CONFIG,
        keysId: toHex(new Uint8Array(32).fill(4)),
        finalCondition: walletCondition(4),
      })
      const r = step(data, { type: 'message', message: { ...openMessage(), ...change } }, ctx)
      expect(r.data.state).toBe('CLOSED')
      expect(r.effects).toContainEqual(
        expect.objectContaining({
          type: 'event',
          event: expect.objectContaining({ type: 'protocol_violation', code }),
        }),
      )
      expect(r.effects.some((e) => e.type === 'send' && e.message.type === 'error')).toBe(true)
    })
  }
})
