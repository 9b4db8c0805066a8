import { describe, expect, it } from 'vitest'
import { emptySummary, renderJUnit, type PaymentOutcome, type RunSummary } from '../../../src/scenario/index.js'
import { RunStats, latencySummary, nodeSummaries, paymentTotals } from '../../../src/scenario/report/report.js'

const NODE = '02' + '11'.repeat(32)
const HASH = 'ab'.repeat(32)

function outcome(o: Partial<PaymentOutcome>): PaymentOutcome {
  return {
    id: null,
    source: 'pay',
    from: 'alice',
    to: 'carol',
    amountMsat: 1000n,
    status: 'succeeded',
    code: null,
    message: null,
    feeMsat: 0n,
    route: ['alice', 'bob', 'carol'],
    attempts: 1,
    latencyMs: 10,
    paymentHash: HASH,
    startedAt: 0,
    ...o,
  }
}

function summary(over: Partial<RunSummary>): RunSummary {
  return { ...emptySummary({ name: 'demo <1>', seed: 's' }, Date.now(), 'passed', 0, null), ...over }
}

describe('the run summary', () => {
  it('gives nearest-rank latency percentiles of the payments that succeeded', () => {
    expect(latencySummary([])).toBeNull()
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(latencySummary(samples)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 })
    const totals = paymentTotals([
      outcome({ latencyMs: 5, feeMsat: 7n }),
      outcome({ status: 'failed', code: 'NO_ROUTE', latencyMs: 1000 }),
      outcome({ status: 'failed', code: 'NO_ROUTE' }),
    ])
    expect(totals).toMatchObject({
      sent: 3,
      succeeded: 1,
      failed: 2,
      feesMsat: 7n,
      failures: { NO_ROUTE: 2 },
      latencyMs: { p50: 5, max: 5 },
    })
  })

  it('counts fees earned from settled forwards only, and transactions mined without coinbases', () => {
    const stats = new RunStats()
    const base = {
      node: NODE,
      alias: 'bob',
      time: 1,
      paymentHash: HASH,
      incomingChannel: HASH,
      outgoingChannel: HASH,
      incomingMsat: 2000n,
      outgoingMsat: 1000n,
      durationMs: 3,
    }
    stats.onEvent({ ...base, type: 'htlc_forwarded', feeMsat: 1000n, status: 'settled' })
    stats.onEvent({ ...base, type: 'htlc_forwarded', feeMsat: 500n, status: 'failed' })
    stats.onEvent({ type: 'chain_block', height: 5, hash: 'h', time: 1, txids: ['c', 't1', 't2'] })
    stats.onEvent({ type: 'chain_block', height: 6, hash: 'h', time: 1, txids: ['c'] })
    expect(stats.transactions).toBe(2)
    expect(stats.blocks).toBe(2)
    const nodes = nodeSummaries(
      ['alice', 'bob'],
      [outcome({ feeMsat: 1000n }), outcome({ status: 'failed', feeMsat: 0n })],
      stats,
    )
    expect(nodes).toEqual([
      { name: 'alice', feesPaidMsat: 1000n, feesEarnedMsat: 0n, forwards: 0, paymentsSent: 1, paymentsReceived: 0 },
      { name: 'bob', feesPaidMsat: 0n, feesEarnedMsat: 1000n, forwards: 1, paymentsSent: 0, paymentsReceived: 0 },
    ])
  })
})

describe('JUnit', () => {
  it('has one test case per expectation, failures with what was seen, and escapes XML', () => {
    const xml = renderJUnit(
      summary({
        status: 'failed',
        exitCode: 1,
        expectations: {
          total: 2,
          passed: 1,
          failed: 1,
          verdicts: [
            { name: 'payment p1 succeeded', ok: true, detail: 'ok', source: 'expect[0]' },
            { name: "bob's balance >= 5", ok: false, detail: 'is 3 & <falling>', source: 'expect[1]' },
          ],
        },
      }),
      'demo.yaml',
    )
    expect(xml).toContain('<testsuite name="demo &lt;1&gt;" tests="2" failures="1" errors="0"')
    expect(xml).toContain(
      '<testcase classname="demo &lt;1&gt;" name="payment p1 succeeded" time="0" file="demo.yaml"></testcase>',
    )
    expect(xml).toContain('<failure message="is 3 &amp; &lt;falling&gt;" type="expect[1]">')
    expect(xml).toContain('name="bob&apos;s balance &gt;= 5"')
  })

  it('reports a network that did not start as one error, so CI shows why nothing else ran', () => {
    const xml = renderJUnit(
      summary({
        status: 'not-started',
        exitCode: 2,
        error: { code: 'PROCESS_START_FAILED', message: 'alice: exited (code 1) before it was ready' },
      }),
    )
    expect(xml).toContain('tests="1" failures="0" errors="1"')
    expect(xml).toContain('<testcase classname="demo &lt;1&gt;" name="the network starts"')
    expect(xml).toContain('<error message="alice: exited (code 1) before it was ready" type="PROCESS_START_FAILED">')
  })
})
