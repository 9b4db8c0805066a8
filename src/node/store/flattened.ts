/**
 * The same string, made flat, for a string kept for long. V8 builds `a + b` as a
 * rope, a tree of the pieces, and copies a live rope piece by piece at each
 * young-generation GC: the JSON the node's store keeps (a channel's state until
 * its next change, each interned entry while it is referred to) made a node
 * paying one payment after another pause noticeably at each scavenge. Reading a
 * character makes V8 replace the tree with one flat copy, in place; the sum keeps
 * the read from being optimized away.
 */
let sink = 0

export function flattened(s: string): string {
  sink = (sink + s.charCodeAt(s.length >> 1)) | 0
  return s
}
