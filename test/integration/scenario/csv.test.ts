/**
 * `lnsim run FILE --csv OUT`: one row per payment (pay steps and traffic), in
 * the order they were dispatched, with RFC 4180 quoting.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PAYMENT_CSV_COLUMNS, csvField, renderPaymentsCsv, type PaymentOutcome } from '../../../src/scenario/index.js'
import { killRunning, runToEnd } from '../../helpers/processes.js'

/** RFC 4180, as a reader of the file would parse it: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), i++)
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') (row.push(field), (field = ''))
    else if (c === '\n') (row.push(field), rows.push(row), (row = []), (field = ''))
    else field += c
  }
  return rows
}

const outcome = (o: Partial<PaymentOutcome>): PaymentOutcome => ({
  id: null,
  source: 'traffic',
  from: 'alice',
  to: 'carol',
  amountMsat: 1_000n,
  status: 'succeeded',
  code: null,
  message: null,
  feeMsat: 0n,
  route: [],
  attempts: 1,
  latencyMs: 5,
  paymentHash: null,
  startedAt: 1_700_000_000_000,
  ...o,
})

describe('payment rows', () => {
  it('quote what needs quoting', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a, b')).toBe('"a, b"')
    expect(csvField('say "no"')).toBe('"say ""no"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField(null)).toBe('')
    expect(csvField(12n)).toBe('12')
  })

  it('come in dispatch order, and read back to the same values', () => {
    const text = renderPaymentsCsv(
      [
        outcome({ seq: 1, status: 'failed', code: 'NO_ROUTE', message: 'no route, "really"\nnone', route: [] }),
        outcome({
          seq: 0,
          route: ['alice', 'bob', 'carol'],
          routeChannels: ['alice-bob', 'bob-carol'],
          feeMsat: 1_050n,
          finishedAt: 1_700_000_000_040,
        }),
      ],
      new Map([
        ['alice', '02aa'],
        ['carol', '03cc'],
      ]),
    )
    const [header, first, second] = parseCsv(text)
    expect(header).toEqual([...PAYMENT_CSV_COLUMNS])
    const a = Object.fromEntries(header!.map((h, i) => [h, first![i]]))
    const b = Object.fromEntries(header!.map((h, i) => [h, second![i]]))
    expect(a).toMatchObject({
      id: '0',
      source: 'alice',
      source_node_id: '02aa',
      destination_node_id: '03cc',
      route: 'alice>bob>carol',
      route_channels: 'alice-bob bob-carol',
      hops: '2',
      total_fee_msat: '1050',
      dispatch_time: '2023-11-14T22:13:20.000Z',
      dispatch_time_ms: '1700000000000',
      end_time_ms: '1700000000040',
    })
    expect(b).toMatchObject({
      id: '1',
      outcome: 'failed',
      failure_code: 'NO_ROUTE',
      failure_message: 'no route, "really"\nnone',
      hops: '0',
      route: '',
    })
  })
})

describe('a split payment in the CSV', () => {
  it("has its parts counted, with each part's route and amount in the same order", () => {
    const split = outcome({
      seq: 0,
      route: ['alice', 'bob', 'dave'],
      parts: [
        { route: ['alice', 'bob', 'dave'], routeChannels: ['alice-bob', 'bob-dave'], amountMsat: 750n, feeMsat: 1n },
        {
          route: ['alice', 'carol', 'dave'],
          routeChannels: ['alice-carol', 'carol-dave'],
          amountMsat: 750n,
          feeMsat: 2n,
        },
      ],
    })
    const failed = outcome({ seq: 1, status: 'failed', code: 'NO_ROUTE', route: [], keysend: true })
    const [header, ...rows] = parseCsv(renderPaymentsCsv([split, failed], new Map()))
    const [a, b] = rows.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i]])))
    expect(a).toMatchObject({
      parts: '2',
      part_routes: 'alice>bob>dave;alice>carol>dave',
      part_amounts_msat: '750;750',
      keysend: 'false',
    })
    expect(b).toMatchObject({ parts: '0', part_routes: '', keysend: 'true' })
  })
})

describe('lnsim run --csv', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lnsim-csv-'))
  })
  afterEach(killRunning)
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes a header and one row per pay step and traffic payment', { timeout: 120_000 }, async () => {
    const scenario = join(dir, 'csv.yaml')
    await writeFile(
      scenario,
      [
        'name: csv',
        'nodes:',
        '  - { name: alice, fundsSat: 2_000_000 }',
        '  - { name: bob, fundsSat: 2_000_000 }',
        '  - { name: carol, fundsSat: 100_000 }',
        'channels:',
        '  - { from: alice, to: bob, capacitySat: 1_000_000 }',
        '  - { from: bob, to: carol, capacitySat: 1_000_000, feePolicy: { baseMsat: 1_000, ppm: 100 } }',
        'steps:',
        '  - pay: { id: first, from: alice, to: carol, amountMsat: 50_000_000 }',
        '  - pay: { id: too-much, from: alice, to: carol, amountMsat: 2_000_000_000 }',
        '  - traffic: { id: some, pairs: [[alice, bob]], ratePerSecond: 4, durationMs: 500, amountMsat: { min: ' +
          '1_000, max: 2_000 } }',
      ].join('\n'),
    )
    const csv = join(dir, 'payments.csv')
    const r = await runToEnd(['run', scenario, '--plain', '--csv', csv])
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
    const [header, ...rows] = parseCsv(await readFile(csv, 'utf8'))
    expect(header).toEqual([...PAYMENT_CSV_COLUMNS])
    expect(rows).toHaveLength(4)
    const records = rows.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i]!])))
    expect(records.map((x) => [x.id, x.step, x.kind, x.source, x.destination])).toEqual([
      ['0', 'first', 'pay', 'alice', 'carol'],
      ['1', 'too-much', 'pay', 'alice', 'carol'],
      ['2', 'some', 'traffic', 'alice', 'bob'],
      ['3', 'some', 'traffic', 'alice', 'bob'],
    ])
    const [first, tooMuch] = records
    expect(first).toMatchObject({
      amount_msat: '50000000',
      outcome: 'succeeded',
      failure_code: '',
      attempts: '1',
      hops: '2',
      route: 'alice>bob>carol',
      route_channels: 'alice-bob bob-carol',
      total_fee_msat: '6000',
      parts: '1',
      part_routes: 'alice>bob>carol',
    })
    expect(first!.payment_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(first!.source_node_id).toMatch(/^0[23][0-9a-f]{64}$/)
    expect(new Date(first!.dispatch_time!).getTime()).toBe(Number(first!.dispatch_time_ms))
    expect(Number(first!.end_time_ms)).toBeGreaterThanOrEqual(Number(first!.dispatch_time_ms))
    expect(Number(first!.latency_ms)).toBeGreaterThan(0)
    expect(tooMuch).toMatchObject({
      amount_msat: '2000000000',
      outcome: 'failed',
      failure_code: 'NO_ROUTE',
      route: '',
      total_fee_msat: '0',
    })
    expect(tooMuch!.failure_message).toContain('no route')
  })
})
