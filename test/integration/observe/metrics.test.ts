/**
 * `lnsim run --metrics-port`: a Prometheus endpoint for the running network, scraped while the run goes on and
 * parsed as Prometheus parses the text format.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { killRunning, startCli, until } from '../../helpers/processes.js'
import { meteredScenarioYaml } from './meteredScenario.js'
import { parsePrometheus } from '../../helpers/prometheusText.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lnsim-metrics-'))
})
afterEach(killRunning)
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('Prometheus metrics of a running network', () => {
  it(
    'are served while the run goes on, in the text format, by node and by channel name',
    { timeout: 60_000 },
    async () => {
      const scenario = join(dir, 'metrics.yaml')
      await writeFile(scenario, meteredScenarioYaml('metrics'))
      const run = startCli(['run', scenario, '--metrics-port', '0', '--json', '--plain'])
      const url = await until(
        'the metrics URL',
        () => /\{"event":"metrics","url":"([^"]+)"\}/.exec(run.stdout())?.[1],
        20_000,
      )
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
      // scraped once both payments are done (the failed one is the last before the sleep)
      const scrape = async (): Promise<ReturnType<typeof parsePrometheus>> => {
        const res = await fetch(url)
        expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4')
        return parsePrometheus(await res.text())
      }
      const got = await until(
        'both payments in the metrics',
        async () => {
          const m = await scrape()
          return m.series.some((s) => s.name === 'lnsim_payments_failed_total') ? m : undefined
        },
        30_000,
      )
      const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
        got.series.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value

      expect(got.types.get('lnsim_payments_sent_total')).toBe('counter')
      expect(got.types.get('lnsim_channel_local_balance_msat')).toBe('gauge')
      expect(got.types.get('lnsim_payment_latency_seconds')).toBe('histogram')
      expect(value('lnsim_nodes_started')).toBe(3)
      expect(value('lnsim_payments_sent_total', { node: 'alice' })).toBe(1)
      expect(value('lnsim_payments_failed_total', { node: 'alice', code: 'NO_ROUTE' })).toBe(1)
      expect(value('lnsim_payments_received_total', { node: 'carol' })).toBe(1)
      expect(value('lnsim_forwards_total', { node: 'bob', status: 'settled' })).toBe(1)
      expect(value('lnsim_fees_earned_msat_total', { node: 'bob' })).toBe(1_000)
      expect(value('lnsim_fees_paid_msat_total', { node: 'alice' })).toBe(1_000)
      expect(value('lnsim_payment_latency_seconds_count')).toBe(1)
      expect(value('lnsim_payment_latency_seconds_bucket', { le: '+Inf' })).toBe(1)
      // carol's side of bob's channel: what she was paid, under the channel's scenario name
      const bc = got.series.find(
        (s) => s.name === 'lnsim_channel_local_balance_msat' && s.labels.node === 'carol' && s.labels.channel === 'bc',
      )
      expect(bc?.value).toBe(10_000_000)
      expect(bc?.labels.short_channel_id).toMatch(/^\d+x\d+x\d+$/)
      expect(value('lnsim_channel_state', { node: 'alice', channel: 'alice-bob', state: 'NORMAL' })).toBe(1)
      expect(value('lnsim_node_peers', { node: 'bob' })).toBeGreaterThanOrEqual(2)
      expect(value('lnsim_chain_height')).toBeGreaterThan(0)
      expect(value('process_resident_memory_bytes')).toBeGreaterThan(0)

      expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404)
      run.proc.kill('SIGINT')
      expect(await run.exited).toBe(130)
      await expect(fetch(url)).rejects.toThrow()
    },
  )
})
