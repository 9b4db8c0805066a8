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
 * in the bench's 4-node line, lean makes a 3-hop payment about 1.5 times as long.
 */
export const LEAN_NODE_FLAGS: readonly string[] = ['--no-opt', '--max-semi-space-size=1']

/**
 * From this many nodes per core, a network's nodes start lean unless the caller
 * says otherwise. Measured on 2 cores, lean against full nodes, after bring-up and
 * over 60 to 400 payments between random nodes (median 4 hops): at 100 nodes,
 * 67.4 MB resident per node instead of 75.1 to 76.1, up in 39 to 41 s instead of
 * 42 to 47, payments p50 38.6 against 40.1 ms and the nodes' CPU 24.3 against
 * 26.8 s over 400 of them; at 50 nodes, 67.1 MB instead of 79.4 and p50 36.2
 * against 38.6 ms. Each node of such a network gets a sliver of a core, and no
 * node routes enough for TurboFan to pay back. At 10 nodes per core (20 on 2),
 * lean still paid as fast over 80 payments, but a small network is where a
 * scenario sends heavy traffic through the same few nodes, so it keeps TurboFan.
 */
export const LEAN_FROM_NODES_PER_CORE = 16

/** Whether a network of `nodes` nodes starts them lean when nobody said. */
export function leanByDefault(nodes: number, cores: number = availableParallelism()): boolean {
  return nodes >= LEAN_FROM_NODES_PER_CORE * Math.max(1, cores)
}
