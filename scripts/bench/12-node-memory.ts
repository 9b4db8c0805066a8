/**
 * `npm run bench -- --big 12-node-memory`: where a node's memory and start-up go, for the scale of a network this
 * machine runs. For 50 and 100 nodes (the benchmark's ring with random chords, lean as `lnsim run` starts them): the
 * proportional memory (PSS) per node process when every node has started and no channel exists yet (idle), once
 * the network is up, and after payments between random nodes, with the payments' latency and the nodes' CPU per
 * payment, so that a saving in memory is seen beside what it costs a payment; and by mapping for the median node
 * (V8's heap and stacks are anonymous memory, malloc's is [heap], the Node binary's pages are shared). Then the CPU
 * one node takes from its start to its ready line. LNSIM_BENCH_MEMORY_SIZES=50 picks the sizes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorMessage } from '../../src/core/errors.js'
import { LEAN_NODE_FLAGS, LocalProcessRunner, launch } from '../../src/scenario/index.js'
import { median, percentile, type Bench } from './harness.js'
import { network, payments } from './10-scenario.js'
import { cpuSeconds, memory } from './lib/processStats.js'

export const title =
  'Memory and start-up per node (npm run bench -- --big 12-node-memory): PSS idle, after bring-up and after ' +
  'payments, by mapping, and the CPU of a start'

export const optIn = 'big'

const SIZES = (process.env.LNSIM_BENCH_MEMORY_SIZES ?? '50,100').split(',').map((s) => parseInt(s, 10))
/** nodes started one after another to measure a start */
const STARTS = 8

export async function run(bench: Bench): Promise<void> {
  for (const n of SIZES) await measureMemory(bench, n)
  await measureStart(bench)
}

/** PSS in MB of each mapping kind of a process: anonymous, malloc's heap, the Node binary, native addons, the rest. */
async function pssByMapping(pid: number): Promise<Record<string, number>> {
  const by: Record<string, number> = {}
  let kind = 'other'
  for (const line of (await readFile(`/proc/${pid}/smaps`, 'utf8')).split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line)
    if (mapping) {
      kind = mappingKind(mapping[1] ?? '')
      continue
    }
    const pss = /^Pss:\s+(\d+)/.exec(line)
    if (pss) by[kind] = (by[kind] ?? 0) + Number(pss[1]) / 1024
  }
  return by
}

function mappingKind(name: string): string {
  if (name === '') return 'anonymous (V8 heap, stacks)'
  if (name === '[heap]') return 'malloc [heap]'
  if (name.endsWith('.node')) return 'native addons'
  if (/\/node$/.test(name)) return 'Node binary'
  return 'other'
}

async function measureMemory(bench: Bench, n: number): Promise<void> {
  const runner = new LocalProcessRunner()
  let idle: number[] = []
  let net
  try {
    net = await launch(network(n), {
      runner,
      observer: {
        // when funding starts, every node has started and no channel exists
        progress: (p) => {
          if (p.phase === 'funding' && idle.length === 0) idle = runner.pids.slice(1).map((pid) => memory(pid).pssMb)
        },
      },
    })
  } catch (err) {
    bench.figure(`${n} nodes: network up`, NaN, 's', `did not come up: ${errorMessage(err).split('\n')[0]}`)
    await runner.stopAll()
    return
  }
  try {
    const pids = net.nodes.map((x) => x.process!.pid!)
    await new Promise((r) => setTimeout(r, 3000))
    const up = pids.map((pid) => memory(pid).pssMb)
    bench.figure(`${n} nodes: PSS per node, idle (all started, no channel)`, median(idle), 'MB', 'median')
    bench.figure(`${n} nodes: PSS per node, network up`, median(up), 'MB', 'median, 3 s after')
    const mid = pids[up.indexOf(median(up))] ?? pids[0]!
    const byMapping = await pssByMapping(mid)
    bench.figure(
      `${n} nodes: PSS of the median node by mapping, network up`,
      median(up),
      'MB',
      Object.entries(byMapping)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(', '),
    )
    const paid = await payments(net, pids)
    const after = pids.map((pid) => memory(pid).pssMb)
    bench.figure(`${n} nodes: PSS per node, after the payments`, median(after), 'MB', 'median')
    bench.figure(
      `${n} nodes: payment latency p50`,
      median(paid.latencies),
      'ms',
      `p90 ${percentile(paid.latencies, 90).toFixed(0)} ms${paid.failed ? `; ${paid.failed} failed` : ''}`,
    )
    bench.figure(`${n} nodes: CPU time of the nodes per payment`, paid.cpuMs, 'ms', 'all node processes')
  } finally {
    await net.stop()
  }
}

/** One lean node after another, each started alone beside a chain: its CPU from its start to its ready line. */
async function measureStart(bench: Bench): Promise<void> {
  bench.figure(
    'one lean node: CPU from its start to its ready line',
    await startCpuMs(STARTS),
    'ms',
    `median of ${STARTS}, one at a time; the clock counts 10 ms`,
  )
}

/** The median CPU ms of `starts` lean nodes, started one after another beside a chain, from start to ready line. */
export async function startCpuMs(starts: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'lnsim-bench-start-'))
  const runner = new LocalProcessRunner()
  try {
    const chain = await runner.start({
      name: 'chain',
      args: ['chain', 'start', '--port', '0', '--data-dir', join(dir, 'chain')],
      logFile: join(dir, 'chain.log'),
    })
    const cpus: number[] = []
    for (let i = 0; i < starts; i++) {
      const node = await runner.start({
        name: `n${i}`,
        args: [
          'node',
          'start',
          '--name',
          `n${i}`,
          '--data-dir',
          join(dir, `n${i}`),
          '--chain',
          String(chain.ready.url),
        ],
        logFile: join(dir, `n${i}.log`),
        nodeFlags: [...LEAN_NODE_FLAGS],
      })
      cpus.push(cpuSeconds(node.pid!) * 1000)
    }
    return median(cpus)
  } finally {
    await runner.stopAll()
    await rm(dir, { recursive: true, force: true })
  }
}
