import { describe, expect, it } from 'vitest'
import { NetworkMetrics, renderPrometheus } from '../../../src/observe/metrics/index.js'

describe('the Prometheus text format', () => {
  it('escapes label values and help text as the format says', () => {
    const text = renderPrometheus([
      {
        name: 'x_total',
        help: 'a \\ and a\nline',
        type: 'counter',
        samples: [{ labels: { node: 'say "hi"\\\n' }, value: 3n }],
      },
    ])
    expect(text).toBe(
      '# HELP x_total a \\\\ and a\\nline\n# TYPE x_total counter\nx_total{node="say \\"hi\\"\\\\\\n"} 3\n',
    )
  })

  it('refuses a name Prometheus would not read', () => {
    expect(() => renderPrometheus([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow(/metric name/)
  })

  it('keeps a histogram cumulative, and HTLCs in flight from going below zero', () => {
    const m = new NetworkMetrics()
    for (const latencyMs of [5, 40, 2_000]) m.add({ type: 'payment_sent', alias: 'a', latencyMs, feeMsat: '0' })
    m.add({ type: 'htlc_settled', alias: 'a' })
    const text = renderPrometheus(m.families())
    expect(text).toContain('lnsim_payment_latency_seconds_bucket{le="0.01"} 1\n')
    expect(text).toContain('lnsim_payment_latency_seconds_bucket{le="0.05"} 2\n')
    expect(text).toContain('lnsim_payment_latency_seconds_bucket{le="2.5"} 3\n')
    expect(text).toContain('lnsim_payment_latency_seconds_bucket{le="+Inf"} 3\n')
    expect(text).toContain('lnsim_payment_latency_seconds_count 3\n')
    expect(text).toContain('lnsim_htlcs_in_flight{node="a"} 0\n')
  })
})
