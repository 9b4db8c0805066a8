/**
 * A chain that answers slowly, as one starved of CPU by hundreds of nodes does:
 * the network still comes up, and asks the chain less than it used to. With
 * every node fetching every whole block, a slow chain timed out, the nodes asked
 * again, and a 300-node network never came up (congestion collapse).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { SeededRng } from '../../../src/core/rng.js'
import { LocalProcessRunner, launch, type Network, type ProcessRunner } from '../../../src/scenario/index.js'

/** each of the chain's answers comes this late */
const ANSWER_DELAY_MS = 200
const NODES = 20
/**
 * Requests the chain served while the same 20-node network came up before nodes watched the chain (measured: 526,
 * of them 140 whole-block GETs and 266 one-address coin look-ups); the same bring-up now asks about 210 times
 * (measured 2026-12-06: 55 coin look-ups, 35 funding transactions, 22 info, 20 watch streams and 73 watch
 * registrations, 2 mines, 1 faucet batch, 1 event stream).
 */
const REQUESTS_BEFORE = 526
/** Requests the chain works on at once in the second test: far fewer than 20 nodes ask at once while it is slow. */
const SMALL_ADMISSION_LIMIT = 3

let net: Network | undefined
afterEach(async () => {
  await net?.stop()
  net = undefined
})

/** A ring with random chords, about 1.75 channels a node (the benchmark's shape). */
function ringNetwork(n: number) {
  const rng = new SeededRng(`slow-chain-${n}`)
  const names = Array.from({ length: n }, (_, i) => `n${i}`)
  const seen = new Set<string>()
  const channels: Array<{ from: string; to: string; capacitySat: number }> = []
  const add = (a: number, b: number): void => {
    const key = `${Math.min(a, b)}-${Math.max(a, b)}`
    if (a === b || seen.has(key)) return
    seen.add(key)
    channels.push({ from: names[a]!, to: names[b]!, capacitySat: 500_000 })
  }
  for (let i = 0; i < n; i++) add(i, (i + 1) % n)
  while (channels.length < Math.round(n * 1.75)) add(rng.int(n), rng.int(n))
  const opens = (name: string): number => channels.filter((c) => c.from === name).length
  return {
    name: 'slow-chain',
    nodes: names.map((name) => ({ name, fundsSat: opens(name) * 505_000 + 100_000 })),
    channels,
  }
}

/** Starts the chain with every answer delayed, and any other chain options given. */
function slowChainRunner(chainArgs: string[] = []): ProcessRunner {
  const local = new LocalProcessRunner()
  return {
    start: (spec, options) =>
      local.start(
        spec.name === 'chain'
          ? { ...spec, args: [...spec.args, '--testing-answer-delay', String(ANSWER_DELAY_MS), ...chainArgs] }
          : spec,
        options,
      ),
    stopAll: () => local.stopAll(),
  }
}

describe('a slow chain', () => {
  it('still brings 20 nodes up, with fewer requests to the chain than whole-block fetching made', async () => {
    const spec = ringNetwork(NODES)
    net = await launch(spec, { runner: slowChainRunner(), bringUpTimeoutMs: 90_000 })
    const info = await net.chain.info()
    const requests = info.requestsServed!
    expect(requests).toBeGreaterThan(0)
    // a slow chain is not a crowded one: nothing was refused
    expect(info.requestsRefused).toBe(0)
    expect(requests).toBeLessThan(REQUESTS_BEFORE / 2)
    // every node follows the chain on its watch session
    expect(info.watchSessions).toBe(NODES)
    // and it carries a payment across the network
    const p = await net.pay('n0', `n${NODES / 2}`, 1_000_000n)
    expect(p.status).toBe('succeeded')
  }, 120_000)

  it('still brings 20 nodes up when it refuses what it cannot take on (503), and is asked less, not more', async () => {
    const spec = ringNetwork(NODES)
    const runner = slowChainRunner(['--max-concurrent-requests', String(SMALL_ADMISSION_LIMIT)])
    net = await launch(spec, { runner, bringUpTimeoutMs: 90_000 })
    const info = await net.chain.info()
    // the limit was reached, and every node and the runner waited as told and asked again
    expect(info.requestsRefused).toBeGreaterThan(0) // measured: 115 of 337
    expect(info.watchSessions).toBe(NODES)
    // refusals included, the chain was asked fewer times than whole-block fetching asked it
    expect(info.requestsServed!).toBeLessThan(REQUESTS_BEFORE)
    const p = await net.pay('n0', `n${NODES / 2}`, 1_000_000n)
    expect(p.status).toBe('succeeded')
  }, 120_000)
})
