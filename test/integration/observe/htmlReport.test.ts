/**
 * The HTML report of a real run (`lnsim run --html`), the same page made afterwards from its events
 * (`lnsim report --html`), every chart drawn in headless Chromium, and the run's JSON report held to the JSON
 * Schema checked in as docs/report.schema.json.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { REPORT_SCHEMA_FILE, RunSummarySchema } from '../../../src/scenario/index.js'
import { jsonSchemaErrors } from '../../helpers/jsonSchemaCheck.js'
import { killRunning, runCli } from '../../helpers/processes.js'
import { CHROMIUM, hasChromium, launchChromium } from './dashboard/browserHelpers.js'

const ROOT = resolve(__dirname, '../../..')

let dir: string
let ran: Awaited<ReturnType<typeof runCli>>
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lnsim-html-report-'))
  ran = await runCli(
    [
      'run',
      join(ROOT, 'scenarios/demo.yaml'),
      '--plain',
      '--html',
      join(dir, 'live.html'),
      '--events',
      join(dir, 'events.ndjson'),
      '--report',
      join(dir, 'report.json'),
    ],
    90_000,
  )
}, 100_000)
afterEach(killRunning)
afterAll(() => rm(dir, { recursive: true, force: true }))

describe("a run's HTML report", () => {
  it('is written by lnsim run --html, and made the same afterwards from the events by lnsim report', async () => {
    expect(ran.code, ran.stderr).toBe(0)
    const after = await runCli(['report', '--html', join(dir, 'after.html'), join(dir, 'events.ndjson')])
    expect(after.code, after.stderr).toBe(0)
    const live = await readFile(join(dir, 'live.html'), 'utf8')
    expect(await readFile(join(dir, 'after.html'), 'utf8')).toBe(live)
    // one file that needs nothing else: no script, stylesheet or image fetched from anywhere
    expect(live).not.toMatch(/<script|<link|src=|url\(/)
  })

  it('is refused without --html, and on a file with no events, with what to do', async () => {
    const none = await runCli(['report', join(dir, 'events.ndjson')])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('--html')
    const empty = await runCli(['report', '--html', join(dir, 'x.html'), join(dir, 'report.json')])
    expect(empty.code).not.toBe(0)
    expect(empty.stderr).toMatch(/no events/)
  })

  it.skipIf(!hasChromium)('draws every chart in headless Chromium', { timeout: 60_000 }, async () => {
    const browser = await launchChromium()
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } })
      await page.goto(pathToFileURL(join(dir, 'live.html')).href)
      expect(await page.textContent('#summary')).toContain('passed (exit 0)')
      expect(await page.textContent('#traffic')).toContain('100.0%')
      const verdicts = await page.$$eval('#verdicts li', (lis) => lis.map((li) => li.className))
      expect(verdicts).toHaveLength(8)
      expect(verdicts.every((c) => c === 'ok')).toBe(true)
      // each chart as laid out, with what it drew: its size on the page, and its marks that have a size too
      const charts = await page.$$eval('svg.lnsim-chart', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect()
          const marks = [...svg.querySelectorAll('rect.bar, path.series, line.route-hop, circle.route-node')]
          return {
            chart: svg.getAttribute('data-chart')!,
            title: svg.querySelector('text')?.textContent ?? '',
            width: box.width,
            height: box.height,
            drawn: marks.filter((m) => {
              const b = m.getBoundingClientRect()
              return b.width > 0 || b.height > 0
            }).length,
            bars: [...svg.querySelectorAll('rect.bar')].map((b) => ({
              category: b.getAttribute('data-category'),
              series: b.getAttribute('data-series'),
              count: Number(b.getAttribute('data-count') ?? b.getAttribute('data-value')),
            })),
            paths: [...svg.querySelectorAll('text.route-path')].map((t) => t.firstChild?.textContent ?? ''),
          }
        }),
      )
      const byName = new Map(charts.map((c) => [c.chart, c]))
      for (const c of charts) expect(c.width * c.height, c.chart).toBeGreaterThan(100 * 100)
      // a latency chart per pay/traffic step of demo.yaml (the one that failed has nothing to draw)
      const latency = charts.filter((c) => c.chart.startsWith('latency-'))
      expect(latency.map((c) => c.title.replace(/:.*/, '')).sort()).toEqual(
        ['burst', 'coffee', 'lunch', 'rent', 'too-much']
          .map((s) => `Latency of ${s === 'burst' ? 'traffic' : 'pay'} ${s}`)
          .sort(),
      )
      const burst = latency.find((c) => c.title.includes('traffic burst'))!
      expect(burst.bars.reduce((s, b) => s + b.count, 0)).toBe(20)
      for (const c of latency.filter((c) => !c.title.includes('too-much'))) expect(c.drawn, c.title).toBeGreaterThan(0)
      for (const name of ['success-rate', 'throughput', 'balances', 'fees', 'attempts', 'route-map'])
        expect(byName.get(name)?.drawn ?? 0, name).toBeGreaterThan(0)
      // bob and carol forward for a fee; alice pays the most
      const fees = byName.get('fees')!.bars
      expect(fees.some((b) => b.category === 'bob' && b.series === 'earned' && b.count > 0)).toBe(true)
      expect(fees.some((b) => b.category === 'carol' && b.series === 'earned' && b.count > 0)).toBe(true)
      expect(fees.some((b) => b.category === 'alice' && b.series === 'paid' && b.count > 0)).toBe(true)
      expect(byName.get('route-map')!.paths.join('\n')).toContain('alice → bob → carol → dave')
      expect(byName.get('balances')!.drawn).toBe(4)
    } finally {
      await browser.close()
    }
  })
  if (!hasChromium) console.log(`HTML report browser test SKIPPED: ${CHROMIUM} is missing`)
})

describe("a run's JSON report", () => {
  it(`conforms to ${REPORT_SCHEMA_FILE} and to the zod schema it is generated from`, async () => {
    expect(ran.code, ran.stderr).toBe(0)
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as unknown
    const schema = JSON.parse(await readFile(join(ROOT, REPORT_SCHEMA_FILE), 'utf8')) as Record<string, unknown>
    expect(jsonSchemaErrors(schema, report)).toEqual([])
    expect(RunSummarySchema.safeParse(report).error?.issues).toBeUndefined()
    // and the run_summary line of its events is the same report
    const lines = (await readFile(join(dir, 'events.ndjson'), 'utf8')).trim().split('\n')
    const summary = lines
      .map((l) => JSON.parse(l) as { type: string; summary?: unknown })
      .find((e) => e.type === 'run_summary')
    expect(summary?.summary).toEqual(report)
  })
})
