/**
 * Bringing a scenario's network up, as `lnsim run` does before its first step:
 * chain and node processes started, funded, connected, channels opened and
 * confirmed, and gossip reaching every node. For 10, 20, 50 and 100 nodes on a
 * ring with random chords (about 1.75 channels per node), the time until every
 * channel is active on both ends, until every node's graph is complete, and the
 * memory of the node processes: resident (RSS, which counts the ~45 MB of the
 * Node binary that all of them share) and proportional (PSS: shared pages
 * divided among the processes sharing them, so the sum over the processes is
 * what the machine really spends). Then, in the same network, payments one at a
 * time between seeded random pairs of nodes (the same pairs in every mode), for
 * what a big network costs a payment.
 *
 * Each size runs as `lnsim run` would run it: lean from LEAN_FROM_NODES_PER_CORE
 * nodes per core. 100 nodes also run the other way (`--no-lean` where the default
 * is lean, `--lean` where it is not), so both sides of that choice are measured.
 * A size ending in `dump` (`100dump`) runs with gossip queries off: each new peer
 * is sent the whole graph, as lnsim did before it had queries.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SeededRng } from '../../src/core/rng.js'
import { errorMessage } from '../../src/core/errors.js'
import { leanByDefault, launch, type Network, type NetworkInput } from '../../src/scenario/index.js'
import { RunFile } from '../../src/api/run/runFile.js'
import { median, percentile, type Bench } from './harness.js'
import { cpuSeconds, memory, totalCpuSeconds } from './lib/processStats.js'

export const title =
  'Scenario bring-up: lnsim run until every channel is ready (10, 20, 50 and 100 nodes as lnsim run starts them, ' +
  '100 also the other way), then payments between random nodes'

/** payments per network, one at a time, after bring-up */
const PAYMENTS = 100
/** blocks mined after bring-up to measure what one block costs the chain */
const CHAIN_CPU_BLOCKS = 20
/** nodes restarted one after the other after the payments, for what a reconnecting node's gossip sync costs */
const RESTARTS = 10
/**
 * Restarts begin this long after the network came up: a node syncing by queries asks its peers for the last minute's
 * gossip (gossipSync.ts TIMESTAMP_FILTER_LOOKBACK_S), so restarts within it get bring-up's flood again
 */
const RESTART_AFTER_UP_MS = 65_000
/** after the last restart, time for the syncs to finish before the CPU is read */
const RESTART_SETTLE_MS = 5_000

export function network(n: number): NetworkInput {
  const rng = new SeededRng(`bench-${n}`)
  const names = Array.from({ length: n }, (_, i) => `n${i}`)
  const pairs = new Set<string>()
  const channels: { from: string; to: string; capacitySat: number; pushMsat: number }[] = []
  const add = (a: number, b: number): void => {
    const key = [Math.min(a, b), Math.max(a, b)].join('-')
    if (a === b || pairs.has(key)) return
    pairs.add(key)
    channels.push({ from: names[a]!, to: names[b]!, capacitySat: 1_000_000, pushMsat: 500_000_000 })
  }
  for (let i = 0; i < n; i++) add(i, (i + 1) % n)
  while (channels.length < Math.round(n * 1.75)) add(rng.int(n), rng.int(n))
  const opened = (name: string): number => channels.filter((c) => c.from === name).length
  return {
    name: `bench-${n}`,
    nodes: names.map((name) => ({ name, fundsSat: opened(name) * 1_005_000 + 100_000 })),
    channels,
  }
}

/**
 * The runs: a size, and its nodes lean or not: as `lnsim run` decides (`100`),
 * the other way (`100other`), or forced (`100lean`, `100full`).
 * LNSIM_BENCH_SIZES=20,100,100other measures only those.
 */
const RUNS = (process.env.LNSIM_BENCH_SIZES ?? '10,20,50,100,100other').split(',').map((given) => {
  const dump = given.endsWith('dump')
  const s = dump ? given.slice(0, -'dump'.length) : given
  const n = parseInt(s, 10)
  const lean = s.endsWith('other')
    ? !leanByDefault(n)
    : s.endsWith('lean')
      ? true
      : s.endsWith('full')
        ? false
        : undefined
  return { n, lean, dump }
})

/**
 * Sequential payments between random distinct nodes, seeded: their latencies (ms) and the nodes' CPU per payment (ms).
 */
export async function payments(
  net: Network,
  nodePids: number[],
): Promise<{ latencies: number[]; failed: number; hops: number[]; cpuMs: number }> {
  const rng = new SeededRng('bench-payments')
  const names = net.nodes.map((x) => x.name)
  const latencies: number[] = []
  const hops: number[] = []
  let failed = 0
  const before = totalCpuSeconds(nodePids)
  for (let i = 0; i < PAYMENTS; i++) {
    const from = rng.int(names.length)
    const to = (from + 1 + rng.int(names.length - 1)) % names.length
    const started = performance.now()
    const outcome = await net.pay(names[from]!, names[to]!, 10_000n)
    if (outcome.status !== 'succeeded') failed++
    else {
      latencies.push(performance.now() - started)
      hops.push(outcome.route.length - 1)
    }
  }
  return { latencies, failed, hops, cpuMs: ((totalCpuSeconds(nodePids) - before) * 1000) / PAYMENTS }
}

export async function run(bench: Bench): Promise<void> {
  for (const { n, lean, dump } of RUNS) await measureNetwork(bench, n, lean, dump)
}

/**
 * One network of n nodes, brought up as `lnsim run` would: its bring-up time by phase, its memory, the chain's CPU,
 * then payments between random nodes.
 */
export async function measureNetwork(bench: Bench, n: number, lean?: boolean, dump = false): Promise<void> {
  // a run the other way than lnsim run's default is named "100 nodes --lean: …" or "100 nodes --no-lean: …"
  const label =
    (lean === undefined || lean === leanByDefault(n)
      ? `${n} nodes`
      : lean
        ? `${n} nodes --lean`
        : `${n} nodes --no-lean`) + (dump ? ' (whole-graph dump)' : '')
  const spec = dump ? { ...network(n), gossip: { queries: false } } : network(n)
  const started = performance.now()
  const phases = new Map<string, number>()
  let net: Network
  try {
    net = await launch(spec, {
      ...(lean !== undefined ? { lean } : {}),
      observer: {
        progress: (p) => p.done === p.total && !phases.has(p.phase) && phases.set(p.phase, performance.now() - started),
      },
    })
  } catch (err) {
    bench.figure(`${label}: network up`, NaN, 's', `did not come up: ${errorMessage(err).split('\n')[0]}`)
    return
  }
  try {
    const up = performance.now() - started
    const run = RunFile.parse(JSON.parse(await readFile(join(net.dir, 'run.json'), 'utf8')))
    const pids = [run.chainPid!, ...run.nodes.map((x) => x.pid!)]
    const channels = spec.channels!.length
    bench.figure(
      `${label}, ${channels} channels: all nodes started`,
      (phases.get('nodes') ?? NaN) / 1000,
      's',
      net.lean ? 'lean nodes' : 'full nodes (with the optimizing compiler)',
    )
    bench.figure(`${label}: all channels active on both ends`, (phases.get('confirming') ?? NaN) / 1000, 's')
    const timeline = [...phases].map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)}`).join(', ')
    bench.figure(
      `${label}: every node's graph complete (network up)`,
      up / 1000,
      's',
      `phases done at (s): ${timeline}`,
    )
    bench.figure(
      `${label}: CPU time of the node processes during bring-up`,
      totalCpuSeconds(pids.slice(1)),
      's',
      'user + system, all node processes together, from their start until every graph is complete',
    )
    const chainCpu = cpuSeconds(pids[0]!)
    const height = (await net.chain.info()).height
    bench.figure(`${label}: chain CPU during bring-up`, chainCpu, 's', `${height} blocks mined, all processes started`)
    // an empty block, as every node gets each new block: the header and the channel outputs, and its own matches
    const before = cpuSeconds(pids[0]!)
    for (let i = 0; i < CHAIN_CPU_BLOCKS; i++) await net.mine(1)
    bench.figure(
      `${label}: chain CPU per block after bring-up`,
      ((cpuSeconds(pids[0]!) - before) * 1000) / CHAIN_CPU_BLOCKS,
      'ms',
      `${CHAIN_CPU_BLOCKS} blocks mined one at a time, each sent to ${n} watching nodes (10 ms clock ticks)`,
    )
    const nodes = pids.slice(1).map(memory)
    const sum = (f: (m: (typeof nodes)[number]) => number): number => nodes.reduce((a, m) => a + f(m), 0)
    bench.figure(
      `${label}: memory of all node processes together (PSS)`,
      sum((m) => m.pssMb),
      'MB',
      `chain: ${memory(pids[0]!).pssMb.toFixed(0)} MB more`,
    )
    bench.figure(
      `${label}: memory per node process, proportional (PSS)`,
      median(nodes.map((m) => m.pssMb)),
      'MB',
      'median; shared pages divided among the processes',
    )
    bench.figure(
      `${label}: memory per node process, resident (RSS)`,
      median(nodes.map((m) => m.rssMb)),
      'MB',
      'median; counts the shared Node binary in full',
    )
    const paid = await payments(net, pids.slice(1))
    const route = `median ${median(paid.hops)} hops${paid.failed ? `; ${paid.failed} failed` : ''}`
    bench.figure(
      `${label}: payment latency p50, ${PAYMENTS} between random nodes`,
      median(paid.latencies),
      'ms',
      `one at a time after bring-up, the payee's invoice included; ${route}`,
    )
    bench.figure(
      `${label}: payment latency p90, ${PAYMENTS} between random nodes`,
      percentile(paid.latencies, 90),
      'ms',
    )
    bench.figure(`${label}: CPU time of the nodes per payment`, paid.cpuMs, 'ms', 'all node processes')
    await new Promise((r) => setTimeout(r, Math.max(0, RESTART_AFTER_UP_MS - (performance.now() - started - up))))
    const restarted = new Set(net.nodes.filter((_, i) => i % Math.floor(n / RESTARTS) === 0).map((x) => x.name))
    const stayed = run.nodes.filter((x) => !restarted.has(x.name ?? '')).map((x) => x.pid!)
    const cpuBefore = totalCpuSeconds(stayed)
    for (const name of restarted) {
      await net.stopNode(name)
      await net.restartNode(name)
    }
    await new Promise((r) => setTimeout(r, RESTART_SETTLE_MS))
    bench.figure(
      `${label}: CPU time of the other nodes per node restart`,
      ((totalCpuSeconds(stayed) - cpuBefore) * 1000) / restarted.size,
      'ms',
      `${restarted.size} nodes restarted one after the other, ${RESTART_AFTER_UP_MS / 1000} s after bring-up: ` +
        'their peers reestablish channels and sync gossip with them',
    )
  } finally {
    await net.stop()
  }
}
