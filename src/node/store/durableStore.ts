/**
 * The node's durable state in one append-only file. The changes made since the
 * last flush — a channel's new state, the HTLC decisions it caused, a preimage
 * learned — are written as ONE line in one write (group commit) before anything
 * that depends on them leaves the process. Callers flush only between whole
 * inputs (a message, a command, a block, with everything they caused), so a
 * crash keeps each input's changes whole or not at all: a torn last line
 * (kill -9 mid-write) is cut off on load, and nothing of it had left the
 * process. The file is rewritten compactly once it holds mostly stale entries.
 *
 * A finished write() is in the kernel: it survives the process being killed,
 * which is the crash a simulator's nodes meet. Surviving the machine losing
 * power needs an fsync per turn as well (`fsync: true`), which costs from
 * 0.2 ms to many milliseconds a turn when the disk is busy.
 *
 * Each part of the node sees its own namespace as a key → value map (KvLog).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs'
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
    let bytes: Buffer = Buffer.alloc(0)
    try {
      bytes = readFileSync(path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    // a line is whole once its newline is written: a tail without one was torn by a crash
    const whole = bytes.lastIndexOf(0x0a) + 1
    if (whole < bytes.length) truncateSync(path, whole)
    const text = bytes.subarray(0, whole).toString('utf8')
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (line === '') continue
      let changes: [string, string | null][]
      try {
        changes = parseLine(line)
      } catch {
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
    writeAll(this.fd, formatLine(keys.map((k) => [k, this.get(k) ?? null])) + '\n')
    if (this.fsync) fsyncSync(this.fd)
    // only now: a failed write (a full disk) leaves them to the next flush
    this.pending.clear()
    this.fileEntries += keys.length
    if (this.fileEntries > 5000 && this.fileEntries > 4 * this.values.size) this.compact()
  }

  private compact(): void {
    const tmp = `${this.path}.tmp`
    const out = openSync(tmp, 'w', 0o600)
    writeAll(out, formatLine([...this.values.keys()].map((k) => [k, this.get(k)!])) + '\n')
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

/** write() may write less than it was given (a signal, a full disk): go on until all of it is out. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8')
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done)
}
