/**
 * The jamming lab end to end through `lnsim run`: the shipped paired run (a
 * slow-jamming attack on a hub against the same network without it) and a
 * fast-jamming attack, with real chain and node processes.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killRunning, runToEnd } from '../../helpers/processes.js'

const ROOT = resolve(__dirname, '../../..')
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lnsim-jamming-'))
})
afterAll(async () => {
  await killRunning()
  await rm(dir, { recursive: true, force: true })
})

interface Row {
  variant: string
  honestSuccessRate: number
  revenueMsat: Record<string, string>
  attackers: string[]
  attackerCostMsat: string
  attackerLockedMsatSeconds: string
  jamHtlcsSent: number
  jamHtlcsHeld: number
}
interface Summary {
  variant?: string
  jams?: { sent: number; held: number; failures: Record<string, number>; targets: string[]; colluder: string }[]
  ledger: {
    name: string
    htlcsHeld: number
    htlcsFailed: number
    lockedMsatSeconds: string
    lockedMsatBlocks: string
  }[]
  expectations: { verdicts: { name: string; ok: boolean }[] }
  traffic: { successRate: number }[]
}

describe('the jamming lab', () => {
  it(
    'runs the shipped slow-jamming attack beside its baseline and reports them side by side',
    { timeout: 180_000 },
    async () => {
      const report = join(dir, 'paired.json')
      const junit = join(dir, 'paired.xml')
      const csv = join(dir, 'ledger.csv')
      const r = await runToEnd([
        'run',
        join(ROOT, 'scenarios', 'jamming-hub.yaml'),
        '--plain',
        '--report',
        report,
        '--junit',
        junit,
        '--ledger-csv',
        csv,
      ])
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
      expect(r.stdout).toContain('variants side by side')
      const paired = JSON.parse(await readFile(report, 'utf8')) as {
        table: Row[]
        variants: Summary[]
        comparisons: { passed: number; total: number }
      }
      const [baseline, attack, defended] = paired.table
      expect(baseline!.variant).toBe('baseline')
      expect(attack!.variant).toBe('attack')
      expect(defended!.variant).toBe('defended')
      // the attack costs honest payers and the hub, not the attacker: its HTLCs all fail back, no fee paid
      expect(baseline!.honestSuccessRate).toBeGreaterThanOrEqual(95)
      expect(attack!.honestSuccessRate).toBeLessThanOrEqual(50)
      expect(BigInt(attack!.revenueMsat.hub!)).toBeLessThan(BigInt(baseline!.revenueMsat.hub!) / 2n)
      expect(attack!.attackers).toEqual(['mallory'])
      expect(attack!.attackerCostMsat).toBe(baseline!.attackerCostMsat)
      expect(attack).toMatchObject({ jamHtlcsSent: 8, jamHtlcsHeld: 8 })
      // what mallory's own HTLCs locked: 8 × 240,000 sat for seconds
      expect(BigInt(attack!.attackerLockedMsatSeconds)).toBeGreaterThan(8n * 240_000_000n)
      // the hub forwarding by reputation: mallory's HTLCs exceed each channel pair's share, honest payers get through
      expect(defended!.jamHtlcsHeld).toBe(0)
      expect(defended!.honestSuccessRate).toBeGreaterThanOrEqual(90)
      expect(paired.comparisons).toMatchObject({ passed: 4, total: 4 })
      for (const v of paired.variants)
        expect(v.expectations.verdicts.find((x) => x.name.startsWith('money is conserved'))?.ok, v.variant).toBe(true)
      const jam = paired.variants[1]!.jams![0]!
      expect(jam).toMatchObject({ colluder: 'eve', targets: ['hub-carol', 'hub-dave'], sent: 8, held: 8, failures: {} })
      expect(paired.variants[1]!.ledger.find((l) => l.name === 'hub')!.htlcsHeld).toBe(8)

      const xml = await readFile(junit, 'utf8')
      expect(xml.match(/<testsuite name="[^"]+"/g)).toEqual([
        '<testsuite name="jamming-hub [baseline]"',
        '<testsuite name="jamming-hub [attack]"',
        '<testsuite name="jamming-hub [defended]"',
        '<testsuite name="jamming-hub [compare]"',
      ])
      const rows = (await readFile(csv, 'utf8')).trim().split('\n')
      expect(rows[0]).toMatch(/^run_id,scenario,variant,node,fees_paid_msat,fees_earned_msat,onchain_fees_sat,/)
      expect(rows.filter((l) => l.includes(',attack,mallory,'))).toHaveLength(1)
      expect(rows).toHaveLength(1 + 3 * 7)
    },
  )

  it(
    'fails every HTLC of a fast jam at once, while honest payments beside it go through',
    { timeout: 120_000 },
    async () => {
      const file = join(dir, 'fast.yaml')
      await writeFile(
        file,
        `name: fast-jam
nodes:
  - { name: alice, fundsSat: 1_100_000 }
  - { name: hub, fundsSat: 1_100_000 }
  - { name: carol, fundsSat: 0 }
  - { name: mallory, fundsSat: 1_100_000 }
channels:
  - { from: alice, to: hub, capacitySat: 1_000_000 }
  - { from: hub, to: carol, capacitySat: 1_000_000 }
  - { from: mallory, to: hub, capacitySat: 1_000_000 }
steps:
  - jam: { id: fast, attacker: mallory, target: { channel: hub-carol }, mode: fast, amountMsat: 10_000_000,
           ratePerSecond: 20, durationMs: 1_500, maxHtlcs: 24, background: true }
  - traffic: { id: honest, pairs: [[alice, carol]], ratePerSecond: 5, durationMs: 1_500,
               amountMsat: { min: 1_000_000, max: 5_000_000 }, expect: { successRateAtLeast: 100 } }
expect:
  - pendingHtlcs: { channel: hub-carol, count: 0 }
  - conservation: {}
`,
      )
      const report = join(dir, 'fast.json')
      const r = await runToEnd(['run', file, '--plain', '--report', report])
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
      const s = JSON.parse(await readFile(report, 'utf8')) as Summary
      // carol, the channel's far end with no peer beyond, receives: she knows no such payment and fails each at once
      expect(s.jams).toEqual([
        expect.objectContaining({
          colluder: 'carol',
          targets: ['hub-carol'],
          sent: 24,
          held: 0,
          failures: { INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS: 24 },
        }),
      ])
      const hub = s.ledger.find((l) => l.name === 'hub')!
      expect(hub.htlcsHeld).toBe(0)
      expect(hub.htlcsFailed).toBeGreaterThanOrEqual(24)
      expect(s.traffic[0]!.successRate).toBe(100)
      expect(r.stdout).toContain('jam fast (fast, mallory → carol across hub-carol): 24 HTLC(s) sent, 0 held')
    },
  )

  it(
    'ends a slow jam where the protocol does: the colluder fails a held HTLC back 12 blocks before it expires',
    { timeout: 120_000 },
    async () => {
      const file = join(dir, 'expiry.yaml')
      await writeFile(
        file,
        `name: slow-jam-expiry
nodes:
  - { name: hub, fundsSat: 1_100_000 }
  - { name: carol, fundsSat: 0 }
  - { name: mallory, fundsSat: 1_100_000 }
channels:
  - { from: hub, to: carol, capacitySat: 1_000_000 }
  - { from: mallory, to: hub, capacitySat: 1_000_000 }
steps:
  - jam: { attacker: mallory, target: { channel: hub-carol }, mode: slow, amountMsat: 100_000_000,
           ratePerSecond: 10, maxHtlcs: 3, durationMs: 8_000, background: true }
  - wait: { until: { pendingHtlcs: { channel: hub-carol, count: 3 } } }
  # carol's HTLCs expire 21 blocks on (18, an invoice's final delta, and 3 of margin): she lets them go after 9
  - mine: { blocks: 10 }
  - wait: { until: { pendingHtlcs: { channel: hub-carol, count: 0 } }, timeoutMs: 15_000 }
expect:
  - conservation: {}
`,
      )
      const report = join(dir, 'expiry.json')
      const started = Date.now()
      const r = await runToEnd(['run', file, '--plain', '--report', report])
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
      const s = JSON.parse(await readFile(report, 'utf8')) as Summary
      expect(s.jams).toEqual([expect.objectContaining({ colluder: 'carol', sent: 3, held: 3, failures: {} })])
      // mallory's HTLCs were locked while the 10 blocks were mined: 3 × (100,000,000 msat + the hub's fee) × 10
      expect(s.ledger.find((l) => l.name === 'mallory')!.lockedMsatBlocks).toBe(String(3n * 100_001_100n * 10n))
      expect(Date.now() - started).toBeLessThan(90_000)
    },
  )
})
