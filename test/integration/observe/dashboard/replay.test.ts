import { afterEach, describe, expect, it } from 'vitest'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readEventsFile } from '../../../../src/observe/dashboard/eventsFile.js'
import { ReplayTimeline } from '../../../../src/observe/dashboard/replay.js'
import { startDashboard, type Dashboard } from '../../../../src/observe/dashboard/index.js'
import type { DashboardSnapshot } from '../../../../src/observe/dashboard/views.js'
import type { NodeEvent } from '../../../../src/api/node/events.js'
import { FIXTURE, fixtureInputs } from '../../../helpers/dashboardFixture.js'
import { cleanupProcesses, tempDir, waitFor } from '../../../helpers/processes.js'

const inputs = await fixtureInputs()
const started: Dashboard[] = []

afterEach(async () => {
  await Promise.all(started.splice(0).map((d) => d.stop()))
  await cleanupProcesses()
})

async function dashboard(options: Parameters<typeof startDashboard>[0]): Promise<Dashboard> {
  const d = await startDashboard({ batchIntervalMs: 20, ...options })
  started.push(d)
  return d
}

async function state(d: Dashboard): Promise<DashboardSnapshot> {
  return (await (await fetch(`${d.url}api/state`)).json()) as DashboardSnapshot
}

async function control(d: Dashboard, body: unknown): Promise<Response> {
  return fetch(`${d.url}api/replay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

describe('events file', () => {
  it('reads the recorded run, skipping a torn last line and lines it does not know', async () => {
    const dir = await tempDir()
    const file = join(dir, 'events.ndjson')
    const text = (await import('node:fs/promises')).readFile(FIXTURE, 'utf8')
    await writeFile(file, (await text) + '{"type":"scenario_step","step":1}\n{"type":"payment_se')
    const r = await readEventsFile(file)
    expect(r.inputs).toHaveLength(inputs.length)
    expect(r.skipped).toBe(2)
  })

  it('rejects a file with no events, and a missing file, saying what to do', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'empty.ndjson'), 'not json\n')
    await expect(readEventsFile(join(dir, 'empty.ndjson'))).rejects.toMatchObject({ code: 'EVENTS_FILE_EMPTY' })
    await expect(readEventsFile(join(dir, 'missing.ndjson'))).rejects.toMatchObject({ code: 'EVENTS_FILE_UNREADABLE' })
  })

  it('takes a block recorded by the chain (no node) as a chain block', async () => {
    const dir = await tempDir()
    await writeFile(
      join(dir, 'chain.ndjson'),
      JSON.stringify({ type: 'block', height: 7, time: 1, hash: 'aa', txids: ['bb'.repeat(32)] }) + '\n',
    )
    expect((await readEventsFile(join(dir, 'chain.ndjson'))).inputs).toEqual([
      { type: 'chain_block', height: 7, time: 1, hash: 'aa', txids: ['bb'.repeat(32)] },
    ])
  })
})

describe('replay timeline', () => {
  it('plays events as the clock reaches them, at the chosen speed, and stops at the end', () => {
    const t = new ReplayTimeline(inputs)
    expect(t.seek(t.start).length).toBe(1)
    expect(t.advance(1000)).toEqual([])
    t.play()
    const firstSecond = t.advance(1000)
    expect(firstSecond.every((i) => i.time <= t.start + 1000)).toBe(true)
    t.setSpeed(10)
    const rest = t.advance(1000)
    expect(1 + firstSecond.length + rest.length).toBe(inputs.length)
    expect(t.view()).toMatchObject({ playing: false, position: t.end })
  })

  it('jumps to any moment with exactly the events up to it', () => {
    const t = new ReplayTimeline(inputs)
    const at = inputs[40]!.time
    expect(t.seek(at)).toEqual(inputs.filter((i) => i.time <= at))
    expect(t.seek(t.end + 1e9)).toHaveLength(inputs.length)
    expect(t.view().position).toBe(t.end)
  })
})

describe('replay shows the same as the live run', () => {
  async function liveState(): Promise<DashboardSnapshot> {
    const live = await dashboard({})
    for (const i of inputs) live.publish(i as NodeEvent)
    return state(live)
  }

  it('jumping to the end gives the live run’s payments, channels and nodes', async () => {
    const expected = await liveState()
    const replay = await dashboard({ replay: inputs })
    expect((await control(replay, { action: 'seek', position: Number.MAX_SAFE_INTEGER })).status).toBe(200)
    const got = await state(replay)
    expect(got.mode).toBe('replay')
    expect(got.payments).toEqual(expected.payments)
    expect(got.channels).toEqual(expected.channels)
    expect(got.nodes).toEqual(expected.nodes)
    expect(got.payments.map((p) => p.status)).toEqual(['succeeded', 'failed', 'succeeded'])
  })

  it('playing to the end gives the same payments table', async () => {
    const expected = await liveState()
    const replay = await dashboard({ replay: inputs })
    await control(replay, { action: 'speed', speed: 50 })
    const view = (await (await control(replay, { action: 'play' })).json()) as { playing: boolean }
    expect(view.playing).toBe(true)
    await waitFor(
      'the replay to reach the end',
      async () => (await state(replay)).replay?.playing === false,
      10_000,
      50,
    )
    expect((await state(replay)).payments).toEqual(expected.payments)
  })

  it('refuses timeline commands that are malformed, and on a live dashboard', async () => {
    const replay = await dashboard({ replay: inputs })
    expect((await control(replay, { action: 'speed', speed: 3 })).status).toBe(400)
    expect((await control(replay, { action: 'rewind' })).status).toBe(400)
    const live = await dashboard({})
    const r = await control(live, { action: 'play' })
    expect(r.status).toBe(409)
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('NOT_REPLAYING')
  })
})
