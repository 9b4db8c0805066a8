/**
 * A durable key → value map in one append-only file: each change is a line
 * (last write wins), written and fsynced in batches, so many state changes of
 * one event-loop turn cost one fsync (group commit). The file is rewritten
 * compactly once it holds mostly stale lines. A torn last line (kill -9 during
 * a write) is ignored on load: it was never acknowledged.
 */
import { open, readFile, rename, type FileHandle } from 'node:fs/promises'
import { parseTagged, stringifyTagged } from '../../core/taggedJson.js'

interface Line {
  k: string
  v?: unknown
  /** deleted */
  d?: true
}

export class KvLog<T> {
  private readonly values = new Map<string, string>()
  private pending: string[] = []
  private handle: FileHandle | undefined
  private fileLines = 0
  private flushing: Promise<void> | undefined

  private constructor(private readonly path: string) {}

  static async open<T>(path: string): Promise<KvLog<T>> {
    const log = new KvLog<T>(path)
    let text = ''
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (line === '') continue
      let entry: Line
      try {
        entry = JSON.parse(line) as Line
      } catch {
        if (i === lines.length - 1 || lines.slice(i + 1).every((l) => l === '')) break
        throw new Error(`${path}: line ${i + 1} is corrupt`)
      }
      if (entry.d) log.values.delete(entry.k)
      else log.values.set(entry.k, JSON.stringify(entry.v))
      log.fileLines++
    }
    log.handle = await open(path, 'a', 0o600)
    return log
  }

  get(key: string): T | undefined {
    const raw = this.values.get(key)
    return raw === undefined ? undefined : parseTagged<T>(raw)
  }

  has(key: string): boolean {
    return this.values.has(key)
  }

  keys(): string[] {
    return [...this.values.keys()]
  }

  *entries(): Generator<[string, T]> {
    for (const [k, raw] of this.values) yield [k, parseTagged<T>(raw)]
  }

  get size(): number {
    return this.values.size
  }

  /** Recorded now, durable after the next flush(). */
  set(key: string, value: T): void {
    const raw = stringifyTagged(value)
    this.values.set(key, raw)
    this.pending.push(`{"k":${JSON.stringify(key)},"v":${raw}}\n`)
  }

  delete(key: string): void {
    if (!this.values.delete(key)) return
    this.pending.push(`{"k":${JSON.stringify(key)},"d":true}\n`)
  }

  /** Writes and fsyncs everything recorded so far; concurrent callers share one write. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing
    if (this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    this.flushing = (async () => {
      const h = this.handle
      if (!h) throw new Error(`${this.path} is closed`)
      await h.write(batch.join(''))
      await h.sync()
      this.fileLines += batch.length
      if (this.fileLines > 1000 && this.fileLines > 4 * this.values.size) await this.compact()
    })()
    try {
      await this.flushing
    } finally {
      this.flushing = undefined
    }
  }

  private async compact(): Promise<void> {
    const tmp = `${this.path}.tmp`
    const out = await open(tmp, 'w', 0o600)
    const lines: string[] = []
    for (const [k, raw] of this.values) lines.push(`{"k":${JSON.stringify(k)},"v":${raw}}\n`)
    await out.write(lines.join(''))
    await out.sync()
    await out.close()
    await this.handle?.close()
    await rename(tmp, this.path)
    this.handle = await open(this.path, 'a', 0o600)
    this.fileLines = lines.length
  }

  async close(): Promise<void> {
    await this.flush()
    await this.handle?.close()
    this.handle = undefined
  }
}
