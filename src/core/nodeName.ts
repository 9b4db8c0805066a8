/**
 * A node's name names its data directory (a run folder's NAME/, the CLI's
 * default .lnsim/NAME), its log file and its process, so it must be one plain
 * path component: letters, digits, `_`, `.` and `-`, starting with a letter or
 * a digit (never `.` or `..`, never a slash). Names imported from an alias keep
 * to it (src/scenario/topology/topologyImport.ts).
 */

export const NODE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/

export const NODE_NAME_RULE =
  'must be 1-32 letters, digits, dots, dashes or underscores, starting with a letter or digit'

/**
 * What sits beside the nodes' data directories: a run folder's chain/, logs/
 * and run.json, and the CLI's default .lnsim/chain. A node by one of these
 * names would share the chain's directory or a log file. Compared without
 * case, as macOS and Windows compare file names.
 */
export const RESERVED_NODE_NAMES: readonly string[] = ['chain', 'logs', 'run.json']

export function isReservedNodeName(name: string): boolean {
  return RESERVED_NODE_NAMES.includes(name.toLowerCase())
}

/** Why `name` cannot name a node, or undefined when it can. */
export function nodeNameProblem(name: string): string | undefined {
  if (!NODE_NAME_PATTERN.test(name)) return NODE_NAME_RULE
  if (isReservedNodeName(name))
    return (
      `"${name}" is kept for what sits beside the nodes' data directories (${RESERVED_NODE_NAMES.join(', ')}); ` +
      'pick another name'
    )
  return undefined
}
