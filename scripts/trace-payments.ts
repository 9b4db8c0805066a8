/**
 * Where a payment's milliseconds go: starts a line of nodes (n0 … nK), pays K
 * hops sequentially with every node tracing (src/core/trace.ts), and prints the
 * merged timeline of the median payment, from the payer's API call to its
 * answer, with the time since the previous point on every line.
 *
 *   npx tsx scripts/trace-payments.ts [--hops 3] [--payments 60] [--critical-path]
 *
 * --critical-path also walks every measured payment back from its answer to its
 * API call (within a node, to the point before; from a socket read, to the write
 * in another node that sent those bytes) and prints where that path spent its
 * time, summed over segments of the same kind and averaged per payment. A flight
 * is a socket write to the matching read; it is split by what the receiver was
 * doing when the bytes left: idle (waiting, so the flight is the wire plus being
 * woken and scheduled) or busy (the flight waited for that work).
 */
import '../src/polyfill.js'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { TestNetwork } from '../test/helpers/network.js'
import { cleanupProcesses, waitFor } from '../test/helpers/processes.js'

const USAGE =
  'usage: npx tsx scripts/trace-payments.ts [--hops N (1 to 10, default 3)] [--payments N (at least 11, ' +
  'default 60)] [--critical-path]'
function usage(problem?: string): never {
  if (problem) console.error(problem)
  console.error(USAGE)
  process.exit(problem ? 2 : 0)
}
let values: { hops: string; payments: string; 'critical-path'?: boolean; help?: boolean }
try {
  values = parseArgs({
    options: {
      hops: { type: 'string', default: '3' },
      payments: { type: 'string', default: '60' },
      'critical-path': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values
} catch (err) {
  usage((err as Error).message)
}
if (values.help) usage()
const hops = Number(values.hops)
const payments = Number(values.payments)
if (!Number.isInteger(hops) || hops < 1 || hops > 10) usage(`--hops ${values.hops}: give a whole number from 1 to 10`)
// the first 10 payments warm up the JIT and connections and are not counted
if (!Number.isInteger(payments) || payments < 11)
  usage(`--payments ${values.payments}: give a whole number, at least 11`)

interface Point {
  t: number
  node: string
  label: string
}

const dir = await mkdtemp(join(tmpdir(), 'lnsim-trace-'))
process.env.LNSIM_TRACE_DIR = dir
const net = new TestNetwork()
const names = Array.from({ length: hops + 1 }, (_, i) => `n${i}`)
const latencies: { ms: number; start: number; end: number }[] = []
try {
  await net.start(...names)
  for (const n of names.slice(0, -1)) await net.fund(n, 12_000_000n)
  for (let i = 0; i < hops; i++) {
    await net.connect(names[i]!, names[i + 1]!)
    await net.node(names[i]!).client.openChannel({ nodeId: net.node(names[i + 1]!).nodeId, amountSat: 10_000_000n })
  }
  await net.mine(6)
  await waitFor(
    'the whole line in n0’s graph',
    async () => {
      const g = await net.node('n0').client.graph()
      return g.channels.length === hops && g.channels.every((c) => c.policies[0] && c.policies[1])
    },
    60_000,
  )
  const payer = net.node('n0').client
  const payee = net.node(names[hops]!).client
  for (let i = 0; i < payments; i++) {
    const { invoice } = await payee.createInvoice({ amountMsat: 10_000n })
    const start = performance.timeOrigin + performance.now()
    const p = await payer.pay({ invoice })
    const end = performance.timeOrigin + performance.now()
    if (p.status !== 'succeeded') throw new Error(`payment ${i + 1} ${p.status}: ${p.failure?.message ?? ''}`)
    latencies.push({ ms: end - start, start, end })
  }
} finally {
  await net.stopAll().catch(() => {})
  await cleanupProcesses()
}

const nodeOfPid = new Map(names.map((n) => [String(net.node(n).process?.pid), n]))
const points: Point[] = []
for (const file of await readdir(dir)) {
  for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
    const [t, pid, ...label] = line.split(' ')
    const node = nodeOfPid.get(pid ?? '')
    if (node && t) points.push({ t: Number(t), node, label: label.join(' ') })
  }
}
await rm(dir, { recursive: true, force: true })
points.sort((a, b) => a.t - b.t)

// the first payments warm up the JIT and connections
const measured = latencies.slice(10).sort((a, b) => a.ms - b.ms)
const median = measured[measured.length >> 1]!
console.log(
  `${hops}-hop payments: p50 ${median.ms.toFixed(2)} ms over ${measured.length} (after 10 warm-up); the median one:`,
)
const window = points.filter((p) => p.t >= median.start && p.t <= median.end)
let previous = median.start
for (const p of window) {
  console.log(
    `${(p.t - median.start).toFixed(3).padStart(8)} ms  +${(p.t - previous).toFixed(3).padStart(6)}  ` +
      `${p.node.padEnd(4)} ${p.label}`,
  )
  previous = p.t
}
console.log(
  `${(median.end - median.start).toFixed(3).padStart(8)} ms  +${(median.end - previous).toFixed(3).padStart(6)}  ` +
    'answer reaches the caller',
)

if (values['critical-path']) {
  /** labels without their numbers (bytes, ports), so that segments of one kind add up */
  const kind = (label: string): string => label.replace(/\d+/g, 'N')
  const bytesOf = (p: Point): number => Number(p.label.split(' ')[2])
  const sums = new Map<string, number>()
  const add = (segment: string, ms: number): void =>
    void sums.set(segment, (sums.get(segment) ?? 0) + ms / measured.length)
  for (const m of measured) {
    const w = points.filter((p) => p.t >= m.start && p.t <= m.end)
    const before = (i: number, node: string): number => {
      let j = i - 1
      while (j >= 0 && w[j]!.node !== node) j--
      return j
    }
    let i = w.length - 1
    if (i < 0) continue
    add('answer: payer to caller', m.end - w[i]!.t)
    while (i >= 0) {
      const p = w[i]!
      if (p.label.startsWith('http in')) {
        add('request: caller to payer', p.t - m.start)
        break
      }
      if (p.label.startsWith('socket read')) {
        // the latest write from another node that fits in what was read
        let j = i - 1
        while (
          j >= 0 &&
          !(
            w[j]!.node !== p.node &&
            w[j]!.label.startsWith('socket write') &&
            bytesOf(w[j]!) > 0 &&
            bytesOf(w[j]!) <= bytesOf(p)
          )
        )
          j--
        if (j < 0) break
        const k = before(i, p.node)
        const receiver = k >= 0 && w[k]!.t > w[j]!.t ? `receiver busy (${kind(w[k]!.label)})` : 'receiver idle'
        add(`flight, ${receiver}`, p.t - w[j]!.t)
        i = j
        continue
      }
      const k = before(i, p.node)
      if (k < 0) break
      add(`in a node: ${kind(w[k]!.label)} -> ${kind(p.label)}`, p.t - w[k]!.t)
      i = k
    }
  }
  const rows = [...sums].sort((a, b) => b[1] - a[1])
  console.log(
    `\ncritical path, ms per payment (sum ${rows.reduce((a, [, ms]) => a + ms, 0).toFixed(2)}; ` +
      `p50 ${median.ms.toFixed(2)}):`,
  )
  for (const [segment, ms] of rows.slice(0, 30)) console.log(`${ms.toFixed(3).padStart(8)}  ${segment}`)
}
