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
 * power needs an fsync per turn as well (`fsync: true`), which makes every turn
 * wait for the disk, and a busy disk can keep it waiting long.
 *
 * Each part of the node sees its own namespace as a key → value map (KvLog).
 * A namespace may intern sub-values (a channel's commitments and HTLCs; an
 * entry may refer to entries): each is written once, in the same line as the
 * first value that refers to it or before, and kept while a live value or entry
 * refers to it.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs'
import { flattened } from './flattened.js'
import { parseTagged, stringifyInterned, stringifyTagged, type Interning, type Made } from './taggedJson.js'

/**
 * A value as JSON text, or the means to make it: a value set several times in
 * one turn (a channel's state after each message of a batch) is serialized
 * once, by the flush that writes it.
 */
type Stored = string | { serialize: (idOf: Interning['idOf']) => Made }

/** A reference to an interned entry, as stringifyInterned writes it inside a value. */
const REFERENCE = /\{"\$i":"([0-9a-z]+)"\}/g

function referencesIn(json: string): string[] {
  return [...json.matchAll(REFERENCE)].map((m) => m[1]!)
}

export class DurableStore {
  private readonly values = new Map<string, Stored>()
  /** keys set or deleted since the last flush */
  private readonly pending = new Set<string>()
  private fd: number | undefined
  private fileEntries = 0
  /**
   * interned entries (id → JSON) with the number of live values and entries referring to each, and the entries each
   * refers to
   */
  private readonly interned = new Map<string, { json: string; refs: number; children: string[] }>()
  private readonly internIds = new WeakMap<object, string>()
  /** the interned ids each stored value refers to */
  private readonly refsOf = new Map<string, string[]>()
  /** interned entries made since the last flush, to write before the values that refer to them */
  private unwritten: string[] = []
  private nextId = 0

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
      let interned: [string, string][]
      try {
        ;({ changes, interned } = parseLine(line))
      } catch {
        throw new Error(`${path}: line ${i + 1} is corrupt`)
      }
      for (const [id, json] of interned) {
        store.interned.set(id, { json, refs: 0, children: referencesIn(json) })
        store.nextId = Math.max(store.nextId, parseInt(id, 36) + 1)
        store.fileEntries++
      }
      for (const [k, v] of changes) {
        if (v === null) store.values.delete(k)
        else store.values.set(k, v)
        store.fileEntries++
      }
    }
    for (const [id, entry] of store.interned) {
      const missing = entry.children.find((c) => !store.interned.has(c))
      if (missing !== undefined)
        throw new Error(`${path}: interned entry ${id} refers to interned entry ${missing}, which is not in the file`)
      for (const c of entry.children) store.interned.get(c)!.refs++
    }
    for (const [k, v] of store.values) {
      const refs = referencesIn(v as string)
      const missing = refs.find((id) => !store.interned.has(id))
      if (missing !== undefined)
        throw new Error(`${path}: ${k} refers to interned entry ${missing}, which is not in the file`)
      store.countRefs(k, refs)
    }
    // entries that nothing live refers to any more, and the entries only they referred to
    for (const [id, entry] of [...store.interned]) if (entry.refs === 0 && store.interned.has(id)) store.letGo(id)
    store.fd = openSync(path, 'a', 0o600)
    return store
  }

  /** A view of one namespace: keys are stored as `namespace/key`. */
  kv<T>(namespace: string, options: { internable?: (value: object) => boolean; keepValues?: boolean } = {}): KvLog<T> {
    return new KvLog<T>(this, `${namespace}/`, options.internable, options.keepValues)
  }

  get(key: string): string | undefined {
    const stored = this.values.get(key)
    if (stored === undefined || typeof stored === 'string') return stored
    const { json, refs } = stored.serialize(this.idOf)
    const text = flattened(json)
    this.values.set(key, text)
    this.countRefs(key, refs)
    return text
  }

  private readonly idOf = (value: object, make: () => Made): string => {
    let id = this.internIds.get(value)
    if (id === undefined || !this.interned.has(id)) {
      // the entries it refers to are made first, so they come before it in the file
      const made = make()
      id = (this.nextId++).toString(36)
      this.internIds.set(value, id)
      this.interned.set(id, { json: flattened(made.json), refs: 0, children: made.refs })
      for (const c of made.refs) this.interned.get(c)!.refs++
      this.unwritten.push(id)
    }
    return id
  }

  /** The JSON of an interned entry, for parseTagged to resolve references. */
  internedJson(id: string): string {
    const entry = this.interned.get(id)
    if (entry === undefined) throw new Error(`${this.path}: interned entry ${id} is missing`)
    return entry.json
  }

  set(key: string, value: Stored): void {
    this.values.set(key, value)
    this.pending.add(key)
  }

  delete(key: string): boolean {
    if (!this.values.delete(key)) return false
    this.countRefs(key, [])
    this.pending.add(key)
    return true
  }

  /** One reference fewer to entry `id`: an entry nothing refers to is let go. */
  private release(id: string): void {
    if (--this.interned.get(id)!.refs === 0) this.letGo(id)
  }

  /** Forgets an entry nothing refers to, and in turn the entries only it referred to. */
  private letGo(id: string): void {
    const stack = [id]
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      const entry = this.interned.get(next)!
      this.interned.delete(next)
      for (const c of entry.children) if (--this.interned.get(c)!.refs === 0) stack.push(c)
    }
  }

  /** `key` now refers to `refs`: entries no value refers to any more are let go. */
  private countRefs(key: string, refs: string[]): void {
    for (const id of refs) this.interned.get(id)!.refs++
    for (const id of this.refsOf.get(key) ?? []) this.release(id)
    if (refs.length > 0) this.refsOf.set(key, refs)
    else this.refsOf.delete(key)
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
    const changes = keys.map((k): [string, string | null] => [k, this.get(k) ?? null])
    // serializing the changes made the entries they refer to
    const interned = this.unwritten.flatMap((id): [string, string][] =>
      this.interned.has(id) ? [[id, this.interned.get(id)!.json]] : [],
    )
    writeAll(this.fd, formatLine(changes, interned) + '\n')
    if (this.fsync) fsyncSync(this.fd)
    // only now: a failed write (a full disk) leaves them to the next flush
    this.pending.clear()
    this.unwritten = []
    this.fileEntries += keys.length + interned.length
    if (this.fileEntries > 5000 && this.fileEntries > 4 * (this.values.size + this.interned.size)) this.compact()
  }

  private compact(): void {
    const tmp = `${this.path}.tmp`
    const out = openSync(tmp, 'w', 0o600)
    const changes = [...this.values.keys()].map((k): [string, string] => [k, this.get(k)!])
    writeAll(
      out,
      formatLine(
        changes,
        [...this.interned].map(([id, e]) => [id, e.json]),
      ) + '\n',
    )
    fsyncSync(out)
    closeSync(out)
    if (this.fd !== undefined) closeSync(this.fd)
    renameSync(tmp, this.path)
    this.fd = openSync(this.path, 'a', 0o600)
    this.unwritten = []
    this.fileEntries = this.values.size + this.interned.size
  }

  async close(): Promise<void> {
    this.flushSync()
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}

/** One namespace of a DurableStore, as a typed key → value map. */
export class KvLog<T> {
  /**
   * Values as set or last read, by key, for a namespace asked with keepValues:
   * one whose entries are few and read back soon (an HTLC's record, read when it
   * resolves) gets them without parsing its JSON again. The values must then be
   * treated as immutable, as a parsed copy would never show a change.
   */
  private readonly kept: Map<string, T> | undefined

  constructor(
    private readonly store: DurableStore,
    private readonly prefix: string,
    private readonly internable?: (value: object) => boolean,
    keepValues = false,
  ) {
    this.kept = keepValues ? new Map() : undefined
  }

  get(key: string): T | undefined {
    const kept = this.kept?.get(key)
    if (kept !== undefined) return kept
    const value = this.parsed(key)
    if (value !== undefined) this.kept?.set(key, value)
    return value
  }

  private parsed(key: string): T | undefined {
    const raw = this.store.get(this.prefix + key)
    if (raw === undefined) return undefined
    // an entry two values share is parsed once, so it is one object again
    const resolved = new Map<string, unknown>()
    const resolve = (id: string): unknown => {
      if (!resolved.has(id)) resolved.set(id, parseTagged(this.store.internedJson(id), resolve))
      return resolved.get(id)
    }
    return parseTagged<T>(raw, resolve)
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
    this.kept?.set(key, value)
    const { internable } = this
    this.store.set(this.prefix + key, {
      serialize: internable
        ? (idOf) => stringifyInterned(value, internable, { idOf })
        : () => ({ json: stringifyTagged(value), refs: [] }),
    })
  }

  delete(key: string): void {
    this.kept?.delete(key)
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
 * One turn's changes as one line: {"i":[[id, entry], …],"c":[[key, value], …]}
 * with each JSON embedded as it is (value null: deleted), so a large value is not
 * escaped again as a string; "i" holds the interned entries first made in this
 * turn. Lines written before this format are arrays of [key, JSON text].
 */
function formatLine(changes: [string, string | null][], interned: [string, string][]): string {
  const i =
    interned.length === 0 ? '' : `"i":[${interned.map(([id, json]) => `[${JSON.stringify(id)},${json}]`).join(',')}],`
  return `{${i}"c":[${changes.map(([k, v]) => `[${JSON.stringify(k)},${v ?? 'null'}]`).join(',')}]}`
}

function parseLine(line: string): { changes: [string, string | null][]; interned: [string, string][] } {
  const parsed = JSON.parse(line) as [string, unknown][] | { c: [string, unknown][]; i?: [string, unknown][] }
  if (Array.isArray(parsed)) return { changes: parsed as [string, string | null][], interned: [] }
  return {
    changes: parsed.c.map(([k, v]) => [k, v === null ? null : JSON.stringify(v)]),
    interned: (parsed.i ?? []).map(([id, v]) => [id, JSON.stringify(v)]),
  }
}

/** write() may write less than it was given (a signal, a full disk): go on until all of it is out. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8')
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done)
}
