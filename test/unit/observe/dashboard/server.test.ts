import { afterEach, describe, expect, it } from 'vitest'
import { readSse } from '../../../../src/api/http/sseReader.js'
import { startDashboard, type Dashboard } from '../../../../src/observe/dashboard/index.js'
import { DashboardHub } from '../../../../src/observe/dashboard/hub.js'
import type { DashboardBatch, DashboardSnapshot } from '../../../../src/observe/dashboard/views.js'
import type { NodeEvent } from '../../../../src/api/node/events.js'
import { fixtureInputs } from '../../../helpers/dashboardFixture.js'
import { rawRequest } from '../../../helpers/rawRequest.js'

const inputs = (await fixtureInputs()) as NodeEvent[]
const started: Dashboard[] = []

afterEach(async () => {
  await Promise.all(started.splice(0).map((d) => d.stop()))
})

async function dashboard(batchIntervalMs = 100): Promise<Dashboard> {
  const d = await startDashboard({ batchIntervalMs })
  started.push(d)
  return d
}

describe('dashboard server', () => {
  it('serves the page, its scripts and cytoscape on 127.0.0.1', async () => {
    const d = await dashboard()
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+\/$/)
    const page = await fetch(d.url)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(await page.text()).toContain('/assets/app.js')
    for (const path of ['assets/app.js', 'assets/graph.js', 'assets/style.css', 'vendor/cytoscape.mjs']) {
      expect((await fetch(d.url + path)).status, path).toBe(200)
    }
    expect((await fetch(d.url + 'assets/../server.ts')).status).toBe(404)
  })

  it('answers only under its own host name, so another site cannot rebind to it', async () => {
    const d = await dashboard()
    const { port } = new URL(d.url)
    const r = await rawRequest(d.url, 'GET', '/api/state', { host: `evil.example:${port}` })
    expect(r).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN_HOST' } } })
  })

  it('refuses requests from pages of other origins, and serves its own page calling it', async () => {
    const d = await startDashboard({ batchIntervalMs: 100, replay: inputs })
    started.push(d)
    const { host } = new URL(d.url)
    const body = JSON.stringify({ action: 'pause' })
    const foreign = await rawRequest(
      d.url,
      'POST',
      '/api/replay',
      { host, origin: 'http://evil.example', 'content-type': 'text/plain' },
      body,
    )
    expect(foreign).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN_ORIGIN' } } })
    expect((await rawRequest(d.url, 'GET', '/api/state', { host, origin: 'http://evil.example' })).status).toBe(403)
    expect((await rawRequest(d.url, 'GET', '/api/state', { host, 'sec-fetch-site': 'same-site' })).status).toBe(403)
    expect((await rawRequest(d.url, 'GET', '/api/state', { host, 'sec-fetch-site': 'same-origin' })).status).toBe(200)
    // the page the dashboard serves sends its own origin with its POSTs; a browser at localhost too
    const own = await rawRequest(
      d.url,
      'POST',
      '/api/replay',
      { host, origin: `http://${host}`, 'content-type': 'application/json' },
      body,
    )
    expect(own.status).toBe(200)
    const local = `localhost:${new URL(d.url).port}`
    expect(
      (
        await rawRequest(
          d.url,
          'POST',
          '/api/replay',
          { host: local, origin: `http://${local}`, 'content-type': 'application/json' },
          body,
        )
      ).status,
    ).toBe(200)
  })

  it('streams a snapshot, then the events of a whole interval as one batch', async () => {
    const d = await dashboard(200)
    const controller = new AbortController()
    const res = await fetch(`${d.url}api/events`, { signal: controller.signal })
    const messages = readSse(res.body)
    const first = (await messages.next()).value!
    expect(first.event).toBe('snapshot')
    expect((JSON.parse(first.data) as DashboardSnapshot).nodes).toEqual([])
    for (const e of inputs) d.publish(e)
    const second = (await messages.next()).value!
    expect(second.event).toBe('batch')
    const batch = JSON.parse(second.data) as DashboardBatch
    expect(batch.nodes).toHaveLength(3)
    expect(batch.payments).toHaveLength(3)
    // a routed payment, a failed one, a direct one: every hop movement is in the batch, in time order
    expect(batch.steps.map((s) => s.kind)).toEqual([
      'add',
      'add',
      'settle',
      'settle',
      'add',
      'refuse',
      'fail',
      'add',
      'settle',
    ])
    controller.abort()
  })
})

describe('batching', () => {
  it('sends one batch per interval however many events arrive', async () => {
    const hub = new DashboardHub({ batchIntervalMs: 100 })
    const batches: DashboardBatch[] = []
    hub.subscribe((m) => m.event === 'batch' && batches.push(m.data))
    hub.start()
    // 5 intervals of a busy network: ~100 payments/s' worth of events each
    const until = Date.now() + 500
    let published = 0
    while (Date.now() < until) {
      for (const e of inputs) hub.publish({ ...e, time: e.time + published })
      published += inputs.length
      await new Promise((r) => setTimeout(r, 5))
    }
    await new Promise((r) => setTimeout(r, 150))
    hub.stop()
    expect(published).toBeGreaterThan(1_000)
    expect(batches.length).toBeGreaterThanOrEqual(3)
    expect(batches.length).toBeLessThanOrEqual(7)
  })
})
