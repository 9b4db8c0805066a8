/**
 * A JSON file written whole and replaced at once (a temporary file renamed over it), for state a node can rebuild:
 * its gossip graph, which peers give it again. The state log appends every version of what it holds until it
 * compacts, so a graph saved there each few seconds made it grow by the whole graph each time (hundreds of
 * megabytes for a 300-node network's nodes together).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs'

export class ReplacedJsonFile {
  constructor(readonly path: string) {}

  /** The value last written, or undefined when nothing was; throws when the file holds no JSON. */
  read(): unknown {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
    return JSON.parse(text) as unknown
  }

  /** Replaces the file's value; a crash meanwhile leaves the old one or the new one, never half of either. */
  write(value: unknown): void {
    const tmp = `${this.path}.tmp`
    writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 })
    renameSync(tmp, this.path)
  }
}
