/**
 * The scheduling priority of a network's node processes. On a machine with
 * many more nodes than cores, the nodes' own work (signatures, gossip) keeps
 * every core busy, and the chain daemon, which every node waits on for its
 * funding and blocks, and the runner, which drives the bring-up, got a share
 * no bigger than one node's: each of their answers came late, timeouts fired,
 * and requests were asked again (congestion collapse at 500 nodes). Nodes run
 * at a lower priority (a higher niceness, which needs no privilege), so the few
 * processes everyone waits on run first; their work is small (the chain spent
 * 7.5 CPU-seconds in all while 500 nodes came up), so the nodes lose nothing
 * measurable. Among themselves, nodes are all equal, as before.
 */

/**
 * The niceness a network's nodes start with (0 is the default, 19 the lowest priority): at 10, Linux's scheduler
 * gives a process of niceness 0 about nine times the CPU of a node when both want it.
 */
export const NODE_NICENESS = 10
