import { describe, expect, it } from 'vitest'
import { LATENCY_BINS, RunPlotData, niceStep } from '../../../src/observe/plots/index.js'

const T0 = 1_700_000_000_000
const hash = 'ab'.repeat(32)
const chanA = '11'.repeat(32)
const chanB = '22'.repeat(32)

function sent(t: number, latencyMs: number): object {
  return { type: 'payment_sent', alias: 'alice', time: T0 + t, paymentHash: hash, latencyMs, attempts: 1 }
}
function failed(t: number): object {
  return { type: 'payment_failed', alias: 'alice', time: T0 + t, paymentHash: hash, latencyMs: 3, code: 'NO_ROUTE' }
}
function balance(t: number, alias: string, channelId: string, localMsat: string | bigint): object {
  return { type: 'channel_balance', alias, time: T0 + t, channelId, localMsat, remoteMsat: '0' }
}

/** The counts drawn as bars, and the series drawn as lines, as a reader of the SVG finds them. */
const bars = (svg: string): number[] => [...svg.matchAll(/data-count="(\d+)"/g)].map((m) => Number(m[1]))
const series = (svg: string): string[] => [...svg.matchAll(/class="series" data-series="([^"]*)"/g)].map((m) => m[1]!)

describe('charts of a run', () => {
  it('draw every successful payment once in the latency histogram, failures left out', () => {
    const d = new RunPlotData()
    for (let i = 0; i < 10; i++) d.add(sent(i * 100, 10 + i * 10))
    d.add(failed(500))
    const svg = d.latencySvg()
    expect(bars(svg).reduce((a, b) => a + b, 0)).toBe(10)
    expect(bars(svg).length).toBeLessThanOrEqual(LATENCY_BINS)
    expect(svg).toContain('Latency of 10 successful payment(s)')
  })

  it('count the success rate over time: all failures late in the run show as a drop', () => {
    const d = new RunPlotData()
    for (let i = 0; i < 10; i++) d.add(sent(i * 100, 5))
    for (let i = 0; i < 10; i++) d.add(failed(2_000 + i * 100))
    const svg = d.successRateSvg()
    expect(svg).toContain('(10/20, 50.0%)')
    const path = /class="series" data-series="success rate" d="([^"]+)"/.exec(svg)![1]!
    const ys = [...path.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]))
    // SVG y grows downwards: 100% near the top early, 0% at the bottom late
    expect(ys[0]!).toBeLessThan(ys[ys.length - 1]!)
  })

  it("name each channel's balance line by its scenario name, on its funder's side", () => {
    const d = new RunPlotData()
    d.add({ type: 'run_started', time: T0, runId: 'r1', scenario: 'two', seed: 's', lnsimVersion: '0.1.0' })
    d.add(balance(100, 'bob', chanA, '0'))
    d.add(balance(100, 'alice', chanA, 1_000_000_000n))
    d.add(balance(900, 'alice', chanA, '900000000'))
    d.add(balance(300, 'carol', chanB, '5000000'))
    d.add({
      type: 'run_channels',
      time: T0 + 1_000,
      runId: 'r1',
      channels: [{ name: 'alice-bob', from: 'alice', to: 'bob', channelId: chanA, shortChannelId: '101x1x0' }],
    })
    const svg = d.balancesSvg()
    expect(series(svg).sort()).toEqual([`${chanB.slice(0, 12)} (carol)`, 'alice-bob (alice)'])
    const html = d.html({ latency: d.latencySvg(), successRate: '', throughput: '', balances: svg })
    expect(html).toContain('<b>run</b> r1')
    expect(html).toContain('alice-bob (alice)')
  })

  it('say so, rather than draw empty axes, when there is nothing to draw', () => {
    const d = new RunPlotData()
    expect(d.latencySvg()).toContain('no payment succeeded')
    expect(d.balancesSvg()).toContain('no channel balance changed')
  })

  it('put ticks on round numbers', () => {
    expect(niceStep(100)).toBe(20)
    expect(niceStep(7)).toBe(2)
    expect(niceStep(0.3)).toBe(0.1)
  })
})
