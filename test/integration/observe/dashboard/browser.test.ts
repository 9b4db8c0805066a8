import { afterAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { FIXTURE, fixtureInputs } from '../../../helpers/dashboardFixture.js'
import {
  channelOf,
  channelRows,
  graphOf,
  hasChromium,
  launchChromium,
  NO_BROWSER_MESSAGE,
  paymentRows,
  saveScreenshot,
} from './browserHelpers.js'
import { cleanupProcesses, spawnReady } from '../../../helpers/processes.js'

if (!hasChromium) console.warn(NO_BROWSER_MESSAGE)

const inputs = await fixtureInputs()
const firstPayment = inputs.find((i) => i.type === 'payment_attempt')!.time

describe.skipIf(!hasChromium)('the dashboard in headless Chromium, replaying a recorded run', () => {
  let browser: Browser | undefined

  afterAll(async () => {
    await browser?.close()
    await cleanupProcesses()
  })

  it('shows every node and channel, the payment with its route, and balances moved by what was paid', async () => {
    const dashboard = await spawnReady(['dashboard', '--replay', FIXTURE])
    const url = String(dashboard.ready.url)
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/)
    browser = await launchChromium()
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await page.goto(url)
    await page.waitForSelector('body[data-ready=true]')

    // just before the first payment: the channels are open, nothing paid yet
    await page.$eval(
      '#replay-position',
      (el, v) => (((el as HTMLInputElement).value = v), el.dispatchEvent(new Event('change'))),
      String(firstPayment - 1),
    )
    await page.waitForFunction(() => document.querySelectorAll('#channels tbody tr[data-channel-id]').length === 2)
    const before = await channelRows(page)
    expect(await paymentRows(page)).toEqual([])

    await page.selectOption('#replay-speed', '10')
    await page.click('#replay-play')
    await page.waitForSelector('#replay-play[data-playing=false]', { timeout: 20_000 })
    await page.waitForFunction(() => document.querySelectorAll('#payments tbody tr[data-hash]').length === 3)
    // the last batch paints on the next animation frame
    await page.waitForFunction(() => document.querySelector('#totals')!.textContent!.endsWith('height 108'))

    const graph = await graphOf(page)
    expect(graph.nodes).toEqual(['alice', 'bob', 'carol'])
    expect(graph.edges.sort()).toEqual([
      ['alice', 'bob'],
      ['alice', 'carol'],
      ['bob', 'carol'],
    ])

    const payments = await paymentRows(page)
    const routed = payments.find((p) => p.route === 'alice → bob → carol' && p.status === 'succeeded')!
    expect(routed).toMatchObject({ from: 'alice', to: 'carol', amountMsat: 50_000_000n, feeMsat: 1_050n })
    expect(payments.find((p) => p.status === 'failed')).toMatchObject({ from: 'alice', route: 'alice → bob → carol' })

    const after = await channelRows(page)
    // alice's side of alice–bob paid the amount and bob's fee; bob's side gained it
    const ab0 = channelOf(before, 'alice', 'bob')
    const ab1 = channelOf(after, 'alice', 'bob')
    expect(ab0.balances.alice! - ab1.balances.alice!).toBe(routed.amountMsat + routed.feeMsat)
    expect(ab1.balances.bob! - ab0.balances.bob!).toBe(routed.amountMsat + routed.feeMsat)
    // carol's side of bob–carol gained exactly what was paid to her
    const toCarol = payments
      .filter((p) => p.to === 'carol' && p.status === 'succeeded')
      .reduce((sum, p) => sum + p.amountMsat, 0n)
    expect(channelOf(after, 'bob', 'carol').balances.carol! - channelOf(before, 'bob', 'carol').balances.carol!).toBe(
      toCarol,
    )

    // the side list: the routed payment hop by hop, with bob's fee and the time he held it
    await page.click(`#payments tbody tr[data-hash]:has-text("alice → bob → carol"):has-text("succeeded")`)
    await page.waitForFunction(() => document.querySelector('#hops')!.textContent!.includes('alice → carol'))
    const hops = await page.textContent('#hops')
    expect(hops).toContain('bob via 102x1x0')
    expect(hops).toContain('fee 1.050 sat')
    expect(hops).toContain('held 29 ms')
    expect(await page.textContent('#chain-height')).toBe('108')
    // the capital bob's forward locked: 50,000 sat for 26 ms; nothing in flight or held at the end
    const bobCells = await page.$$eval('#nodes tbody tr', (rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)).find((cells) => cells[0] === 'bob'),
    )
    expect(bobCells!.slice(-3)).toEqual(['0', '0', '1,300'])

    await page.waitForTimeout(600)
    await saveScreenshot(page, 'dashboard.png')

    // scrubbing back shows the run as it was then: no payments yet, carol's channel to alice not opened
    await page.$eval(
      '#replay-position',
      (el, v) => (((el as HTMLInputElement).value = v), el.dispatchEvent(new Event('change'))),
      String(firstPayment - 1),
    )
    await page.waitForFunction(() => document.querySelectorAll('#payments tbody tr[data-hash]').length === 0)
    expect((await graphOf(page)).edges).toHaveLength(2)
    expect(channelOf(await channelRows(page), 'bob', 'carol').balances.carol).toBe(
      channelOf(before, 'bob', 'carol').balances.carol,
    )
    expect(pageErrors).toEqual([])
  }, 60_000)
})
