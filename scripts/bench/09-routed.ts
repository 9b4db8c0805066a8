/**
 * Routed payments between node processes: a line of 7 nodes, so the same run
 * measures 3-hop and 6-hop payments (latency p50/p99 sequentially, and
 * throughput with many in flight).
 */
import { TestNetwork } from '../../test/helpers/network.js'
import { cleanupProcesses, waitFor } from '../../test/helpers/processes.js'
import { median, percentile, type Bench } from './harness.js'

export const title = 'Routed payments between node processes (a line of 7 nodes)'

async function measure(bench: Bench, net: TestNetwork, from: string, to: string, hops: number): Promise<void> {
  const payee = net.node(to).client
  const payer = net.node(from).client
  const invoices = await Promise.all(Array.from({ length: 130 }, () => payee.createInvoice({ amountMsat: 10_000n })))
  for (const inv of invoices.slice(0, 10)) await payer.pay({ invoice: inv.invoice })
  const latencies: number[] = []
  for (const inv of invoices.slice(10)) {
    const t = performance.now()
    const p = await payer.pay({ invoice: inv.invoice })
    latencies.push(performance.now() - t)
    if (p.status !== 'succeeded' || p.route.length !== hops) throw new Error(`payment over ${p.route.length} hops: ${p.status} ${p.failure?.message ?? ''}`)
  }
  bench.figure(`${hops}-hop payment latency p50`, median(latencies), 'ms')
  bench.figure(`${hops}-hop payment latency p99`, percentile(latencies, 99), 'ms')
  const burst = await Promise.all(Array.from({ length: 600 }, () => payee.createInvoice({ amountMsat: 1_000n })))
  let next = 0
  let ok = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < burst.length) {
        const p = await payer.pay({ invoice: burst[next++]!.invoice })
        if (p.status === 'succeeded') ok++
      }
    }),
  )
  bench.figure(`${hops}-hop payments per second, 32 in flight`, ok / ((performance.now() - t0) / 1000), 'payments/s', `${ok}/${burst.length} succeeded`)
}

export async function run(bench: Bench): Promise<void> {
  const net = new TestNetwork()
  const names = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6']
  try {
    await net.startChain()
    await Promise.all(names.map((n) => net.startNode(n)))
    for (const n of names.slice(0, -1)) await net.fund(n, 12_000_000n)
    const opened = []
    for (let i = 0; i + 1 < names.length; i++) {
      await net.connect(names[i]!, names[i + 1]!)
      opened.push(await net.node(names[i]!).client.openChannel({ nodeId: net.node(names[i + 1]!).nodeId, amountSat: 10_000_000n }))
    }
    await net.mine(6)
    await waitFor('the graph to reach n0', async () => {
      const g = await net.node('n0').client.graph()
      return g.channels.length === names.length - 1 && g.channels.every((c) => c.policies[0] && c.policies[1])
    }, 60_000)
    await measure(bench, net, 'n0', 'n3', 3)
    await measure(bench, net, 'n0', 'n6', 6)
  } finally {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  }
}
