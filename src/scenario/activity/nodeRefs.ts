/**
 * SimLN names a node by an alias or a public key; lnsim's nodes have names
 * (which are their aliases) and ids. A reference is the node of that name,
 * else the one whose name differs only in case ("Alice" for alice), else the
 * node with that public key once the network is up.
 */
const PUBLIC_KEY = /^0[23][0-9a-fA-F]{64}$/

export function isPublicKey(ref: string): boolean {
  return PUBLIC_KEY.test(ref)
}

/** The scenario node a reference names, or why none does; a public key is matched against `ids` when given. */
export function resolveNodeRef(
  ref: string,
  names: readonly string[],
  ids?: ReadonlyMap<string, string>,
): { name: string } | { problem: string } {
  if (names.includes(ref)) return { name: ref }
  const folded = names.filter((n) => n.toLowerCase() === ref.toLowerCase())
  if (folded.length === 1) return { name: folded[0]! }
  if (isPublicKey(ref)) {
    if (!ids) return { name: ref }
    for (const [name, id] of ids) if (id === ref.toLowerCase()) return { name }
    return { problem: `no node of the network has the public key ${ref}` }
  }
  const known = names.length > 8 ? `${names.slice(0, 8).join(', ')}, …` : names.join(', ')
  return { problem: `"${ref}" names no node of the scenario (an alias, or a public key; its nodes: ${known})` }
}
