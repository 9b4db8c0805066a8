/**
 * Bringing a scenario's network up, as `lnsim run` does before its first step:
 * chain and node processes started, funded, connected, channels opened and
 * confirmed, and gossip reaching every node. For 10, 20, 50 and 100 nodes on a
 * ring with random chords (about 1.75 channels per node), the time until every
 * channel is active on both ends, until every node's graph is complete, and the
 * memory of the node processes: resident (RSS, which counts the ~45 MB of the
 * Node binary that all of them share) and proportional (PSS: shared pages
 * divided among the processes sharing them, so the sum over the processes is
 * what the machine really spends).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SeededRng } from '../../src/core/rng.js'
import { errorMessage } from '../../src/core/errors.js'
import { launch, type Network, type NetworkInput } from '../../src/scenario/index.js'
import { RunFile } from '../../src/scenario/runFile.js'
import { median, type Bench } from './harness.js'
import { memory } from './lib/processStats.js'

export const title = 'Scenario bring-up: lnsim run until every channel is ready (10, 20, 50, 100 nodes, and 100 with --lean)'

function network(n: number): NetworkInput {
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
  return { name: `bench-${n}`, nodes: names.map((name) => ({ name, fundsSat: opened(name) * 1_005_000 + 100_000 })), channels }
}

/**
 * The runs: a size, and whether its nodes are lean (`lnsim run --lean`).
 * LNSIM_BENCH_SIZES=20,100,100lean measures only those.
 */
const RUNS = (process.env.LNSIM_BENCH_SIZES ?? '10,20,50,100,100lean').split(',').map((s) => ({ n: parseInt(s, 10), lean: s.endsWith('lean') }))

export async function run(bench: Bench): Promise<void> {
  for (const { n, lean } of RUNS) {
    // the figures of a lean run are named "100 nodes --lean: …"
    const label = lean ? `${n} nodes --lean` : `${n} nodes`
    const spec = network(n)
    const started = performance.now()
    const phases = new Map<string, number>()
    let net: Network
    try {
      net = await launch(spec, { lean, observer: { progress: (p) => p.done === p.total && !phases.has(p.phase) && phases.set(p.phase, performance.now() - started) } })
    } catch (err) {
      bench.figure(`${label}: network up`, NaN, 's', `did not come up: ${errorMessage(err).split('\n')[0]}`)
      continue
    }
    try {
      const up = performance.now() - started
      const run = RunFile.parse(JSON.parse(await readFile(join(net.dir, 'run.json'), 'utf8')))
      const pids = [run.chainPid!, ...run.nodes.map((x) => x.pid!)]
      const channels = spec.channels!.length
      bench.figure(`${label}, ${channels} channels: all nodes started`, (phases.get('nodes') ?? NaN) / 1000, 's')
      bench.figure(`${label}: all channels active on both ends`, (phases.get('confirming') ?? NaN) / 1000, 's')
      const timeline = [...phases].map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)}`).join(', ')
      bench.figure(`${label}: every node's graph complete (network up)`, up / 1000, 's', `phases done at (s): ${timeline}`)
      const nodes = pids.slice(1).map(memory)
      const sum = (f: (m: (typeof nodes)[number]) => number): number => nodes.reduce((a, m) => a + f(m), 0)
      bench.figure(`${label}: memory of all node processes together (PSS)`, sum((m) => m.pssMb), 'MB', `chain: ${memory(pids[0]!).pssMb.toFixed(0)} MB more`)
      bench.figure(`${label}: memory per node process, proportional (PSS)`, median(nodes.map((m) => m.pssMb)), 'MB', 'median; shared pages divided among the processes')
      bench.figure(`${label}: memory per node process, resident (RSS)`, median(nodes.map((m) => m.rssMb)), 'MB', 'median; counts the shared Node binary in full')
    } finally {
      await net.stop()
    }
  }
}
