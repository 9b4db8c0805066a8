/**
 * `npm run bench -- --big`: networks of 200, 300 and 500 nodes (ring with random
 * chords, as the scenario section), with 100 nodes measured in the same run
 * beside them: time until every channel is active and every graph complete,
 * memory per node (RSS and PSS), the chain's CPU, then payments between random
 * nodes. Each takes minutes and both cores, so it runs only when asked;
 * LNSIM_BENCH_BIG_SIZES=100,300 picks the sizes.
 */
import type { Bench } from './harness.js'
import { measureNetwork } from './10-scenario.js'

export const title = 'Big networks (npm run bench -- --big): 100, 200, 300 and 500 nodes on this machine'

/** Set by scripts/bench.ts when it is given --big. */
export const optIn = 'big'

const SIZES = (process.env.LNSIM_BENCH_BIG_SIZES ?? '100,200,300,500').split(',').map((s) => parseInt(s, 10))

export async function run(bench: Bench): Promise<void> {
  for (const n of SIZES) await measureNetwork(bench, n)
}
