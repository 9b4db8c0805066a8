/**
 * Each node's control API and the chain daemon serve their own Prometheus metrics (GET /metrics), and
 * `lnsim run --metrics` says where: scraped from the running processes and parsed strictly as the text format.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { killRunning, startCli, until } from '../../helpers/processes.js'
import { meteredScenarioYaml } from './meteredScenario.js'
import { parsePrometheus, type Series } from '../../helpers/prometheusText.js'

interface Target {
  event: 'metrics'
  target: 'chain' | 'node'
  name: string
  url: string
  tokenFile: string | null
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lnsim-process-metrics-'))
})
afterEach(killRunning)
afterAll(() => rm(dir, { recursive: true, force: true }))

const valueOf =
  (series: Series[]) =>
  (name: string, labels: Record<string, string> = {}): number | undefined =>
    series.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value

describe('metrics served by each node and by the chain', () => {
  it('are scraped from the running processes, a node only with its API token', { timeout: 60_000 }, async () => {
    const scenario = join(dir, 'node-metrics.yaml')
    await writeFile(scenario, meteredScenarioYaml('node-metrics'))
    const run = startCli(['run', scenario, '--metrics', '--json', '--plain'])
    const targets = (): Target[] =>
      run
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{"event":"metrics"'))
        .map((l) => JSON.parse(l) as Target)
    const all = await until('every process named', () => (targets().length >= 4 ? targets() : undefined), 30_000)
    const node = (name: string) => all.find((t) => t.target === 'node' && t.name === name)!
    const chain = all.find((t) => t.target === 'chain')!
    expect(chain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    expect(chain.tokenFile).toBeNull()
    for (const n of ['alice', 'bob', 'carol']) expect(node(n).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)

    const scrape = async (t: Target): Promise<ReturnType<typeof parsePrometheus>> => {
      const headers: Record<string, string> = t.tokenFile
        ? { authorization: `Bearer ${(await readFile(t.tokenFile, 'utf8')).trim()}` }
        : {}
      const res = await fetch(t.url, { headers })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4')
      return parsePrometheus(await res.text())
    }
    // a node's metrics say who pays whom: without its token they are refused, as every route is
    const refused = await fetch(node('alice').url)
    expect(refused.status).toBe(401)

    const alice = await until(
      "both of alice's payments in her metrics",
      async () => {
        const m = await scrape(node('alice'))
        return m.series.some((s) => s.name === 'lnsim_node_payments_failed_total') ? m : undefined
      },
      30_000,
    )
    const a = valueOf(alice.series)
    expect(alice.types.get('lnsim_node_payments_sent_total')).toBe('counter')
    expect(alice.types.get('lnsim_node_channel_local_balance_msat')).toBe('gauge')
    expect(a('lnsim_node_payments_sent_total')).toBe(1)
    expect(a('lnsim_node_payments_failed_total', { code: 'NO_ROUTE' })).toBe(1)
    expect(a('lnsim_node_fees_paid_msat_total')).toBe(1_000)
    expect(a('lnsim_node_peers')).toBe(1)
    expect(a('lnsim_node_channels', { state: 'NORMAL' })).toBe(1)
    expect(a('lnsim_node_graph_channels')).toBe(4)
    // she heard of bob and carol's channel from bob: gossip counted by type and by what became of it
    expect(alice.types.get('lnsim_node_gossip_received_total')).toBe('counter')
    expect(a('lnsim_node_gossip_received_total', { type: 'channel_announcement', outcome: 'new' })).toBe(1)
    expect(a('lnsim_node_htlcs_in_flight', { direction: 'outgoing' })).toBe(0)
    expect(a('lnsim_node_block_height')).toBeGreaterThan(0)
    expect(a('process_resident_memory_bytes')).toBeGreaterThan(1_000_000)
    expect(a('process_cpu_seconds_total')).toBeGreaterThan(0)

    const b = valueOf((await scrape(node('bob'))).series)
    expect(b('lnsim_node_forwards_total', { status: 'settled' })).toBe(1)
    expect(b('lnsim_node_fees_earned_msat_total')).toBe(1_000)
    expect(b('lnsim_node_peers')).toBe(2)
    expect(b('lnsim_node_gossip_sent_total', { reason: 'relay' })).toBeGreaterThanOrEqual(1)

    const carol = (await scrape(node('carol'))).series
    const c = valueOf(carol)
    expect(c('lnsim_node_payments_received_total')).toBe(1)
    expect(c('lnsim_node_payments_received_msat_total')).toBe(10_000_000)
    // carol's side of bob's channel, under the short channel id the run's other outputs join on
    const bc = carol.find((s) => s.name === 'lnsim_node_channel_local_balance_msat')!
    expect(bc.labels.short_channel_id).toMatch(/^\d+x\d+x\d+$/)
    expect(bc.value).toBe(10_000_000)
    expect(c('lnsim_node_channel_state', { short_channel_id: bc.labels.short_channel_id!, state: 'NORMAL' })).toBe(1)

    const ch = await scrape(chain)
    const h = valueOf(ch.series)
    expect(ch.types.get('lnsim_chain_height')).toBe('gauge')
    expect(h('lnsim_chain_height')).toBeGreaterThan(0)
    expect(h('lnsim_chain_blocks_mined_total')).toBeGreaterThan(0)
    expect(h('lnsim_chain_transactions_accepted_total')).toBeGreaterThanOrEqual(2)
    expect(h('lnsim_chain_mempool_transactions')).toBeGreaterThanOrEqual(0)
    expect(h('lnsim_chain_requests_total')).toBeGreaterThan(0)
    expect(h('process_resident_memory_bytes')).toBeGreaterThan(1_000_000)

    // Ctrl-C stops the run and every process it started
    run.proc.kill('SIGINT')
    expect(await run.exited).toBe(130)
  })
})
