/**
 * The node's durable state in one append-only file. Every change made during
 * an event-loop turn — a channel's new state, the HTLC decision it caused, a
 * preimage learned — is written as ONE line in one write (group commit) before
 * anything that depends on it leaves the process, so a crash keeps either all
 * of a turn's changes or none: a torn last line (kill -9 mid-write) is dropped
 * on load, and nothing of that turn had left the process. The file is
 * rewritten compactly once it holds mostly stale entries.
 *
 * A finished write() is in the kernel: it survives the process being killed,
 * which is the crash a simulator's nodes meet. Surviving the machine losing
 * power needs an fsync per turn as well (`fsync: true`), which costs from
 * 0.2 ms to many milliseconds a turn when the disk is busy.
 *
 * Each part of the node sees its own namespace as a key → value map (KvLog).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { parseTagged, stringifyTagged } from '../../core/taggedJson.js'

/**
 * A value as JSON text, or the means to make it: a value set several times in
 * one turn (a channel's state after each message of a batch) is serialized
 * once, by the flush that writes it.
 */
type Stored = string | { serialize: () => string }

export class DurableStore {
  private readonly values = new Map<string, Stored>()
  /** keys set or deleted since the last flush */
  private readonly pending = new Set<string>()
  private fd: number | undefined
  private fileEntries = 0

  private constructor(
    private readonly path: string,
    private readonly fsync: boolean,
  ) {}

  static async open(path: string, options: { fsync?: boolean } = {}): Promise<DurableStore> {
    const store = new DurableStore(path, options.fsync ?? false)
    let text = ''
    try {
      text = readFileSync(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (line === '') continue
      let changes: [string, string | null][]
      try {
        changes = parseLine(line)
      } catch {
        // only the last line can be torn; anything else is corruption
        if (lines.slice(i + 1).every((l) => l === '')) break
        throw new Error(`${path}: line ${i + 1} is corrupt`)
      }
      for (const [k, v] of changes) {
        if (v === null) store.values.delete(k)
        else store.values.set(k, v)
        store.fileEntries++
      }
    }
    store.fd = openSync(path, 'a', 0o600)
    return store
  }

  /** A view of one namespace: keys are stored as `namespace/key`. */
  kv<T>(namespace: string): KvLog<T> {
    return new KvLog<T>(this, `${namespace}/`)
  }

  get(key: string): string | undefined {
    const stored = this.values.get(key)
    if (stored === undefined || typeof stored === 'string') return stored
    const text = stored.serialize()
    this.values.set(key, text)
    return text
  }

  set(key: string, value: Stored): void {
    this.values.set(key, value)
    this.pending.add(key)
  }

  delete(key: string): boolean {
    if (!this.values.delete(key)) return false
    this.pending.add(key)
    return true
  }

  *keysWithPrefix(prefix: string): Generator<string> {
    for (const k of this.values.keys()) if (k.startsWith(prefix)) yield k
  }

  /**
   * Writes everything recorded so far as one line (and fsyncs it, if asked).
   * Synchronous on purpose: a write takes microseconds, less than two round trips
   * through libuv's thread pool, and nothing may leave the process before it ends.
   */
  async flush(): Promise<void> {
    this.flushSync()
  }

  flushSync(): void {
    if (this.pending.size === 0) return
    if (this.fd === undefined) throw new Error(`${this.path} is closed`)
    const keys = [...this.pending]
    this.pending.clear()
    writeSync(this.fd, formatLine(keys.map((k) => [k, this.get(k) ?? null])) + '\n')
    if (this.fsync) fsyncSync(this.fd)
    this.fileEntries += keys.length
    if (this.fileEntries > 5000 && this.fileEntries > 4 * this.values.size) this.compact()
  }

  private compact(): void {
    const tmp = `${this.path}.tmp`
    const out = openSync(tmp, 'w', 0o600)
    writeSync(out, formatLine([...this.values.keys()].map((k) => [k, this.get(k)!])) + '\n')
    fsyncSync(out)
    closeSync(out)
    if (this.fd !== undefined) closeSync(this.fd)
    renameSync(tmp, this.path)
    this.fd = openSync(this.path, 'a', 0o600)
    this.fileEntries = this.values.size
  }

  async close(): Promise<void> {
    this.flushSync()
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}

/** One namespace of a DurableStore, as a typed key → value map. */
export class KvLog<T> {
  constructor(private readonly store: DurableStore, private readonly prefix: string) {}

  get(key: string): T | undefined {
    const raw = this.store.get(this.prefix + key)
    return raw === undefined ? undefined : parseTagged<T>(raw)
  }

  has(key: string): boolean {
    return this.store.get(this.prefix + key) !== undefined
  }

  keys(): string[] {
    return [...this.store.keysWithPrefix(this.prefix)].map((k) => k.slice(this.prefix.length))
  }

  *entries(): Generator<[string, T]> {
    for (const k of this.keys()) yield [k, this.get(k)!]
  }

  get size(): number {
    return this.keys().length
  }

  /** Recorded now (as it is at the next flush), durable after the next flush() of the store. */
  set(key: string, value: T): void {
    this.store.set(this.prefix + key, { serialize: () => stringifyTagged(value) })
  }

  delete(key: string): void {
    this.store.delete(this.prefix + key)
  }

  /** Flushes the whole store: a namespace is never durable on its own. */
  flush(): Promise<void> {
    return this.store.flush()
  }

  flushSync(): void {
    this.store.flushSync()
  }
}

/**
 * One turn's changes as one line: {"c":[[key, value], …]} with each value's JSON
 * embedded as it is (null: deleted), so a large value is not escaped again as a
 * string. Lines written before this format are arrays of [key, JSON text].
 */
function formatLine(changes: [string, string | null][]): string {
  return `{"c":[${changes.map(([k, v]) => `[${JSON.stringify(k)},${v ?? 'null'}]`).join(',')}]}`
}

function parseLine(line: string): [string, string | null][] {
  const parsed = JSON.parse(line) as [string, unknown][] | { c: [string, unknown][] }
  if (Array.isArray(parsed)) return parsed as [string, string | null][]
  return parsed.c.map(([k, v]) => [k, v === null ? null : JSON.stringify(v)])
}
