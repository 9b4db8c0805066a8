/**
 * Two node processes over libp2p on 127.0.0.1: payment latency over one
 * channel (sequential), payments per second with many in flight, and each
 * node's resident memory. Payments go through the control API, as a user's would.
 */
import { execFileSync } from 'node:child_process'
import { TestNetwork } from '../../test/helpers/network.js'
import { cleanupProcesses } from '../../test/helpers/processes.js'
import { median, percentile, type Bench } from './harness.js'

export const title = 'Node processes: payments over one channel (2 processes, libp2p, control API)'

function rssMb(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) / 1024
}

export async function run(bench: Bench): Promise<void> {
  const net = new TestNetwork()
  try {
    await net.startChain()
    await net.startNode('alice')
    await net.startNode('bob')
    bench.figure('node process RSS after start', median([rssMb(net.node('alice').child.proc.pid!), rssMb(net.node('bob').child.proc.pid!)]), 'MB')
    await net.fund('alice', 20_000_000n)
    await net.connect('alice', 'bob')
    await net.openChannel('alice', 'bob', 16_000_000n)
    const bob = net.node('bob').client
    const alice = net.node('alice').client
    // sequential: one payment at a time, invoices made beforehand
    const seq = await Promise.all(Array.from({ length: 300 }, () => bob.createInvoice({ amountMsat: 10_000n })))
    for (const inv of seq.slice(0, 30)) await alice.pay({ invoice: inv.invoice })
    const latencies: number[] = []
    for (const inv of seq.slice(30)) {
      const t = performance.now()
      const p = await alice.pay({ invoice: inv.invoice })
      latencies.push(performance.now() - t)
      if (p.status !== 'succeeded') throw new Error(`payment failed: ${p.failure?.message}`)
    }
    bench.figure('payment latency p50, 1 hop (API call to preimage)', median(latencies), 'ms')
    bench.figure('payment latency p99, 1 hop', percentile(latencies, 99), 'ms')
    // many in flight: 64 concurrent payers
    const burst = await Promise.all(Array.from({ length: 2000 }, () => bob.createInvoice({ amountMsat: 1_000n })))
    let next = 0
    let ok = 0
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < burst.length) {
          const inv = burst[next++]!
          const p = await alice.pay({ invoice: inv.invoice })
          if (p.status === 'succeeded') ok++
        }
      }),
    )
    const seconds = (performance.now() - t0) / 1000
    bench.figure('payments per second over one channel, 64 in flight', ok / seconds, 'payments/s', `${ok}/${burst.length} succeeded`)
    bench.figure('node process RSS after the burst', median([rssMb(net.node('alice').child.proc.pid!), rssMb(net.node('bob').child.proc.pid!)]), 'MB')
  } finally {
    await net.stopAll().catch(() => {})
    await cleanupProcesses()
  }
}
