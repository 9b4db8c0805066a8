/**
 * Lean nodes: how a big network fits a small machine, and when a network gets
 * them without being asked.
 */
import { availableParallelism } from 'node:os'

/**
 * Node runtime options for a lean node: no optimizing compiler (TurboFan), and a
 * young generation held at 1 MB, which V8 11 grows under load and never gives back.
 * TurboFan pays back its compiles (CPU on a helper thread, code and the compiler's
 * own pages in memory) only in a node hot enough to route thousands of payments:
 * in a short line of nodes paying one payment after another, lean makes each 3-hop
 * payment take noticeably longer.
 */
export const LEAN_NODE_FLAGS: readonly string[] = ['--no-opt', '--max-semi-space-size=1']

/**
 * From this many nodes per core, a network's nodes start lean unless the caller
 * says otherwise. Measured on 2 cores, lean against full nodes, after bring-up and
 * over payments between random nodes: at 50 and 100 nodes, lean nodes kept less
 * memory resident, came up sooner, and paid as fast or faster on less CPU (the
 * scenario section of `npm run bench`, scripts/bench/10-scenario.ts, runs 100
 * nodes both ways). Each node of such a network gets a sliver of a core, and no
 * node routes enough for TurboFan to pay back. At 10 nodes per core (20 on 2),
 * lean still paid as fast over 80 payments, but a small network is where a
 * scenario sends heavy traffic through the same few nodes, so it keeps TurboFan.
 */
export const LEAN_FROM_NODES_PER_CORE = 16

/** Whether a network of `nodes` nodes starts them lean when nobody said. */
export function leanByDefault(nodes: number, cores: number = availableParallelism()): boolean {
  return nodes >= LEAN_FROM_NODES_PER_CORE * Math.max(1, cores)
}

/**
 * The runtime flags a network's nodes start with: those of $LNSIM_NODE_FLAGS when it is set (to profile every node
 * with `--cpu-prof --cpu-prof-dir=DIR`, or to try other V8 settings), else the lean ones or none.
 */
export function nodeRuntimeFlags(lean: boolean, env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = env.LNSIM_NODE_FLAGS
  if (chosen !== undefined) return chosen.split(/\s+/).filter((f) => f !== '')
  return lean ? [...LEAN_NODE_FLAGS] : []
}
