/**
 * Headless Chromium for the dashboard's end-to-end tests: Debian's `chromium`
 * package driven by playwright-core (which downloads no browser of its own).
 * `.ci/run` installs the package where it is missing; only a machine where it
 * cannot be installed skips these tests, and says so.
 */
import { existsSync } from 'node:fs'
import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)
export const NO_BROWSER_MESSAGE =
  `dashboard browser tests SKIPPED: ${CHROMIUM} is missing and could not be ` +
  `installed here (install it with \`apt-get install -y chromium\`; .ci/run does so)`

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url))

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** "948,168.950 sat" as the page prints it, back to msat. */
export function parseMsat(text: string): bigint {
  const m = /^(-?)([0-9,]+)(?:\.([0-9]{3}))? sat$/.exec(text.trim())
  if (!m) throw new Error(`not an amount: ${JSON.stringify(text)}`)
  const v = BigInt(m[2]!.replace(/,/g, '')) * 1000n + BigInt(m[3] ?? '0')
  return m[1] ? -v : v
}

export interface ChannelRow {
  channelId: string
  ends: [string, string]
  balances: Record<string, bigint>
  state: string
}

/** The channels table as a person reads it: each channel's two ends and the balance shown at each. */
export async function channelRows(page: Page): Promise<ChannelRow[]> {
  const rows = await page.$$eval('#channels tbody tr[data-channel-id]', (trs) =>
    trs.map((tr) => ({
      id: (tr as HTMLElement).dataset.channelId!,
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
    })),
  )
  return rows.map(({ id, cells }) => ({
    channelId: id,
    ends: [cells[1]!, cells[3]!],
    balances: { [cells[1]!]: parseMsat(cells[2]!), [cells[3]!]: parseMsat(cells[4]!) },
    state: cells[6]!,
  }))
}

export function channelOf(rows: ChannelRow[], a: string, b: string): ChannelRow {
  const row = rows.find((r) => r.ends.includes(a) && r.ends.includes(b))
  if (!row) throw new Error(`no channel ${a}–${b} on the page: ${JSON.stringify(rows.map((r) => r.ends))}`)
  return row
}

export interface PaymentRow {
  from: string
  to: string
  amountMsat: bigint
  feeMsat: bigint
  route: string
  status: string
}

export async function paymentRows(page: Page): Promise<PaymentRow[]> {
  const rows = await page.$$eval('#payments tbody tr[data-hash]', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
  )
  return rows.map((c) => ({
    from: c[1]!,
    to: c[2]!,
    amountMsat: parseMsat(c[3]!),
    feeMsat: parseMsat(c[4]!),
    route: c[5]!,
    status: c[8]!.split(' ')[0]!,
  }))
}

/** What cytoscape holds: the page's graph, node labels and channel ends. */
export async function graphOf(page: Page): Promise<{ nodes: string[]; edges: Array<[string, string]> }> {
  return page.evaluate(() => {
    const cy = (
      window as unknown as {
        dashboard: {
          cy: {
            nodes(s: string): Array<{ data(k: string): string }>
            edges(): Array<{ source(): { data(k: string): string }; target(): { data(k: string): string } }>
          }
        }
      }
    ).dashboard.cy
    return {
      nodes: cy
        .nodes('.ln')
        .map((n) => n.data('label'))
        .sort(),
      edges: cy.edges().map((e) => [e.source().data('label'), e.target().data('label')].sort() as [string, string]),
    }
  })
}

/** Saves the page as a test artifact; with LNSIM_UPDATE_SCREENSHOT=1, also as the README's picture. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = join(ROOT, 'test-artifacts')
  await mkdir(dir, { recursive: true })
  const file = join(dir, name)
  await page.screenshot({ path: file })
  if (process.env.LNSIM_UPDATE_SCREENSHOT === '1') await copyFile(file, join(ROOT, 'docs', 'dashboard.png'))
  return file
}
