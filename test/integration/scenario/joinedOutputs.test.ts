/**
 * The outputs of one run, joined as an analyst would in a notebook: the events, the CSV and the report name the
 * same run, and a payment's channels in the CSV (by short channel id) are the report's channels by name and the
 * events' channels by channel id.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { killRunning, runToEnd } from '../../helpers/processes.js'

const root = join(import.meta.dirname, '..', '..', '..')
let dir: string

/** Enough of RFC 4180 for this file: no field of it is quoted. */
function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = text
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','))
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])))
}

interface Meta {
  runId: string
  lnsimVersion: string
  scenario: string
  scenarioHash: string
  seed: string
  nodes: number
  channels: number
  cores: number
  lean: boolean
}

describe('the outputs of a run', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lnsim-join-'))
  })
  afterEach(killRunning)
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('join on the run id and the short channel id', { timeout: 90_000 }, async () => {
    const out = (f: string): string => join(dir, f)
    const r = await runToEnd([
      'run',
      join(root, 'scenarios', 'triangle.yaml'),
      '--plain',
      '--events',
      out('events.ndjson'),
      '--csv',
      out('payments.csv'),
      '--report',
      out('report.json'),
      '--junit',
      out('junit.xml'),
      '--plots',
      out('plots'),
    ])
    expect(r.code, r.stdout + r.stderr).toBe(0)

    const events = (await readFile(out('events.ndjson'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    const report = JSON.parse(await readFile(out('report.json'), 'utf8')) as {
      run: Meta
      channels: { name: string; channelId: string; shortChannelId: string | null }[]
    }
    const payments = csvRecords(await readFile(out('payments.csv'), 'utf8'))
    const junit = await readFile(out('junit.xml'), 'utf8')

    // every output names the same run, and says what made it
    const started = events[0] as unknown as Meta & { type: string }
    expect(started.type).toBe('run_started')
    expect(Object.keys(report)[0]).toBe('run')
    const run = report.run
    expect(run.runId).toMatch(/^[0-9a-f-]{36}$/)
    expect(started.runId).toBe(run.runId)
    expect(new Set(payments.map((p) => p.run_id))).toEqual(new Set([run.runId]))
    expect(junit).toContain(`<property name="runId" value="${run.runId}"/>`)
    const triangle = await readFile(join(root, 'scenarios', 'triangle.yaml'))
    const { createHash } = await import('node:crypto')
    expect(run).toMatchObject({
      scenario: 'triangle',
      seed: 'triangle',
      nodes: 3,
      channels: 3,
      lnsimVersion: (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }).version,
      scenarioHash: createHash('sha256').update(triangle).digest('hex'),
    })
    expect(run.cores).toBeGreaterThan(0)

    // the last line maps the scenario's channel names to the ids the events carry
    const names = events.at(-1) as {
      type: string
      runId: string
      channels: { name: string; channelId: string; shortChannelId: string }[]
    }
    expect(names.type).toBe('run_channels')
    expect(names.runId).toBe(run.runId)
    expect(names.channels.map((c) => c.name).sort()).toEqual(['alice-bob', 'bob-carol', 'carol-alice'])

    // the payment around the ring, from the CSV, through the report's channels, to the events' channel states
    const around = payments.find((p) => p.step === 'around')!
    const scids = around.route_short_channel_ids!.split(' ')
    expect(scids).toHaveLength(2)
    const byScid = new Map(report.channels.map((c) => [c.shortChannelId, c]))
    expect(scids.map((s) => byScid.get(s)?.name)).toEqual(around.route_channels!.split(' '))
    for (const scid of scids) {
      const channel = byScid.get(scid)!
      expect(names.channels.find((c) => c.name === channel.name)).toMatchObject({
        channelId: channel.channelId,
        shortChannelId: scid,
      })
      const states = events.filter((e) => e.type === 'channel_state' && e.channelId === channel.channelId)
      expect(states.length).toBeGreaterThan(0)
      expect(states.some((e) => e.shortChannelId === scid)).toBe(true)
    }
  })

  it('draw the same charts live (--plots) as afterwards from the events (lnsim plot)', async () => {
    const out = (f: string): string => join(dir, f)
    const page = await readFile(out('plots/index.html'), 'utf8')
    expect([...page.matchAll(/<svg /g)]).toHaveLength(4)
    expect(page).toContain('lnsim run: triangle')
    // both payments succeeded; each channel's balance line carries its scenario name
    expect(await readFile(out('plots/latency.svg'), 'utf8')).toContain('Latency of 2 successful payment(s)')
    const balances = await readFile(out('plots/balances.svg'), 'utf8')
    for (const name of ['alice-bob (alice)', 'bob-carol (bob)', 'carol-alice (carol)'])
      expect(balances).toContain(`data-series="${name}"`)

    const r = await runToEnd(['plot', out('events.ndjson'), '--out', out('replotted'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const result = JSON.parse(r.stdout) as { files: string[]; payments: number; channels: number }
    expect(result).toMatchObject({ payments: 2, channels: 3 })
    for (const f of result.files)
      expect(await readFile(f, 'utf8'), f).toBe(await readFile(join(out('plots'), basename(f)), 'utf8'))

    const bad = await runToEnd(['plot', join(root, 'package.json'), '--out', out('nothing'), '--json'])
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'EVENTS_FILE_EMPTY' } })
  })
})
