/**
 * Channel core throughput: two state machines in one process, no network and no
 * disk; a payment is add + sign + revoke both ways + fulfill + sign + revoke both
 * ways. Also counts the curve operations one payment costs, by wrapping the
 * crypto backend: below the dust limit (no HTLC output, so no HTLC signature)
 * and above it (BOLT #2: one HTLC signature per HTLC output, each checked).
 */
import { SeededRng } from '../../src/core/rng.js'
import { currentBackend, useBackend } from '../../src/crypto/secp256k1.js'
import type { Secp256k1Backend } from '../../src/crypto/backend.js'
import { newPayment, openPair, pay } from '../../test/unit/channel/harness.js'
import type { Bench } from './harness.js'

export const title = 'Channel core (src/channel): commitment updates in one process'

function counting(inner: Secp256k1Backend, counts: Record<string, number>): Secp256k1Backend {
  const wrapped = { ...inner } as Record<string, unknown>
  for (const [name, fn] of Object.entries(inner)) {
    if (typeof fn !== 'function') continue
    wrapped[name] = (...args: unknown[]) => {
      counts[name] = (counts[name] ?? 0) + 1
      return (fn as (...a: unknown[]) => unknown).apply(inner, args)
    }
  }
  return wrapped as unknown as Secp256k1Backend
}

export async function run(bench: Bench): Promise<void> {
  const pair = openPair({ fundingSat: 100_000_000n, pushMsat: 50_000_000_000n })
  pair.checking = false
  const rng = new SeededRng('bench')
  // warm up (JIT, key caches)
  for (let i = 0; i < 200; i++) pay(pair, i % 2 ? pair.alice : pair.bob, newPayment(rng, 1000n))
  const n = 2000
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) pay(pair, i % 2 ? pair.alice : pair.bob, newPayment(rng, 1000n))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  bench.figure(
    'payments per second (add, sign, revoke, fulfill, sign, revoke)',
    n / seconds,
    'payments/s',
    `${currentBackend().name}, both sides in one thread`,
  )
  bench.figure(
    'commitment updates per second',
    (2 * n) / seconds,
    'updates/s',
    'one update = commitment_signed + revoke_and_ack each way',
  )

  const selected = currentBackend()
  const perPayment = (amountMsat: bigint): Record<string, number> => {
    const counts: Record<string, number> = {}
    useBackend(counting(selected, counts))
    const m = 100
    try {
      for (let i = 0; i < m; i++) pay(pair, pair.alice, newPayment(rng, amountMsat))
    } finally {
      useBackend(selected)
    }
    return Object.fromEntries(Object.entries(counts).map(([op, count]) => [op, count / m]))
  }
  for (const [op, count] of Object.entries(perPayment(1000n)).sort())
    bench.figure(`${op} per payment (both sides)`, count, 'calls')
  for (const [op, count] of Object.entries(perPayment(ABOVE_DUST_MSAT)).sort())
    bench.figure(`${op} per payment above dust (both sides)`, count, 'calls', 'with its HTLC signatures')

  // above dust each commitment with the HTLC carries an HTLC output, and so an HTLC signature to make and check
  const large = 1000
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < large; i++) pay(pair, i % 2 ? pair.alice : pair.bob, newPayment(rng, ABOVE_DUST_MSAT))
  const largeSeconds = Number(process.hrtime.bigint() - t0) / 1e9
  bench.figure('payments per second above dust (1,000 sat)', large / largeSeconds, 'payments/s', {
    moreIsBetter: true,
    note: 'each commitment with the HTLC has an output for it, and commitment_signed an HTLC signature',
  })
  bench.figure('latency of one payment above dust, both sides in one thread', (largeSeconds * 1000) / large, 'ms')
}

/** 1,000 sat: above the 546-sat dust limit, so the HTLC gets an output in both commitments. */
const ABOVE_DUST_MSAT = 1_000_000n
