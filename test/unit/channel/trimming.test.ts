import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { commitTxFeeSat, isTrimmed, trimThresholdSat } from '../../../src/channel/fees.js'
import type { CommitmentSpec, HtlcDirection } from '../../../src/channel/commitmentSpec.js'

interface Vector {
  name: string
  line: number
  toLocalMsat: string
  toRemoteMsat: string
  feeratePerKw: number
  baseFeeSat: string
  actualFeeSat: string
  untrimmedHtlcs: number[]
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/bolt03-commitment-trim.json', import.meta.url), 'utf8'))
const dust = BigInt(fixture.localDustLimitSat)
const htlcs = (fixture.htlcs as { id: number; direction: HtlcDirection; amountMsat: string }[]).map((h) => ({
  direction: h.direction,
  id: BigInt(h.id),
  amountMsat: BigInt(h.amountMsat),
  paymentHash: new Uint8Array(32),
  cltvExpiry: 500 + h.id,
}))

describe('BOLT #3 trimmed outputs', () => {
  it('a 600 sat HTLC is trimmed at 253 sat/kw with a 546 sat dust limit: the second-stage fee counts', () => {
    expect(isTrimmed({ direction: 'outgoing', amountMsat: 600_000n }, 546n, 253)).toBe(true)
    expect(trimThresholdSat('outgoing', 546n, 253)).toBe(546n + 167n)
    expect(trimThresholdSat('incoming', 546n, 253)).toBe(546n + 177n)
    expect(isTrimmed({ direction: 'outgoing', amountMsat: 713_000n }, 546n, 253)).toBe(false)
    expect(isTrimmed({ direction: 'incoming', amountMsat: 713_000n }, 546n, 253)).toBe(true)
    expect(isTrimmed({ direction: 'incoming', amountMsat: 723_000n }, 546n, 253)).toBe(false)
  })

  for (const v of fixture.tests as Vector[]) {
    it(`${v.name} (03-transactions.md line ${v.line})`, () => {
      const spec: CommitmentSpec = {
        htlcs,
        toLocalMsat: BigInt(v.toLocalMsat),
        toRemoteMsat: BigInt(v.toRemoteMsat),
        feeratePerKw: v.feeratePerKw,
      }
      const untrimmed = htlcs.filter((h) => !isTrimmed(h, dust, v.feeratePerKw))
      expect(untrimmed.map((h) => Number(h.id)).sort()).toEqual(v.untrimmedHtlcs)
      const base = commitTxFeeSat(spec, dust)
      expect(base).toBe(BigInt(v.baseFeeSat))
      // the funder (local) pays the fee; an output below the dust limit is left out and goes to fees too
      const toLocal = spec.toLocalMsat / 1000n - base
      const outputs =
        (toLocal >= dust ? toLocal : 0n) +
        (spec.toRemoteMsat / 1000n >= dust ? spec.toRemoteMsat / 1000n : 0n) +
        untrimmed.reduce((sum, h) => sum + h.amountMsat / 1000n, 0n)
      expect(BigInt(fixture.fundingSat) - outputs).toBe(BigInt(v.actualFeeSat))
    })
  }
})
