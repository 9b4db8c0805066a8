/**
 * Channel core throughput: two state machines in one process, no network and no
 * disk; a payment is add + sign + revoke both ways + fulfill + sign + revoke both
 * ways. Also counts the curve operations one payment costs, by wrapping the
 * crypto backend.
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

  const counts: Record<string, number> = {}
  const selected = currentBackend()
  useBackend(counting(selected, counts))
  const m = 100
  for (let i = 0; i < m; i++) pay(pair, pair.alice, newPayment(rng, 1000n))
  useBackend(selected)
  for (const [op, count] of Object.entries(counts).sort())
    bench.figure(`${op} per payment (both sides)`, count / m, 'calls')
}
