/**
 * A log file rotated by size: once it reaches `maxBytes`, node.log becomes
 * node.log.1 (node.log.1 becomes node.log.2, and so on; the oldest is dropped)
 * and a new node.log starts, so at most `files` files are kept, node.log
 * included, as logrotate or Core Lightning's log rotation would leave them.
 * Each file is opened before it is used: lines still being written to the old
 * one land in it under its new name, whole and in order.
 */
import { createWriteStream, openSync, renameSync, statSync, unlinkSync, type WriteStream } from 'node:fs'

export interface Rotation {
  maxBytes: number
  /** files kept, the current one included (at least 1) */
  files: number
}

export class RotatingLogFile {
  private stream: WriteStream
  private size: number
  /** streams of rotated files still writing what they were given */
  private readonly finishing = new Set<Promise<void>>()

  constructor(
    private readonly path: string,
    private readonly rotation: Rotation,
  ) {
    this.size = sizeOf(path)
    this.stream = this.open()
  }

  write(line: string): void {
    const bytes = Buffer.byteLength(line)
    if (this.size > 0 && this.size + bytes > this.rotation.maxBytes) this.rotate()
    this.stream.write(line)
    this.size += bytes
  }

  private open(): WriteStream {
    return createWriteStream(this.path, { fd: openSync(this.path, 'a', 0o600) })
  }

  private rotate(): void {
    this.retire(this.stream)
    if (this.rotation.files <= 1) unlinkIfThere(this.path)
    for (let i = this.rotation.files - 1; i >= 1; i--)
      renameIfThere(i === 1 ? this.path : `${this.path}.${i - 1}`, `${this.path}.${i}`)
    this.stream = this.open()
    this.size = 0
  }

  private retire(stream: WriteStream): void {
    const done = new Promise<void>((resolve) => stream.end(resolve))
    this.finishing.add(done)
    void done.then(() => this.finishing.delete(done))
  }

  /** Resolves once every line given is written. */
  async close(): Promise<void> {
    this.retire(this.stream)
    await Promise.all([...this.finishing])
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

function renameIfThere(from: string, to: string): void {
  try {
    renameSync(from, to)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}
