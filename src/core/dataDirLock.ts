/**
 * One daemon per data directory. Two daemons on one directory would both
 * append to its files (a node's state.log, the chain's blocks.jsonl) and each
 * undo the other's state. The first one to start writes its pid into a lock
 * file; another start finds it there and refuses, naming the process. A lock
 * whose process is gone (killed, crashed, the machine rebooted) is stale and
 * is taken over.
 *
 * The lock file is made whole and then linked into place, so no other start
 * ever reads a lock file half-written. Two starts that find the same stale
 * lock at the same instant can both take it over; one daemon started by hand
 * beside another is the case this guards against.
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LnsimError } from './errors.js'

/** The directory is held by a running process. */
export class DataDirInUseError extends LnsimError {
  constructor(message: string, details: { dataDir: string; pid: number }) {
    super('DATA_DIR_IN_USE', message, details)
    this.name = 'DataDirInUseError'
  }
}

export interface DataDirLock {
  /** Removes the lock file, if it is still this process's. */
  release(): void
}

export interface LockOptions {
  /** the lock file's name in the directory, e.g. node.lock */
  file: string
  /** the kind of daemon, for the message: "a node", "the chain daemon" */
  holder: string
}

/** Whether a process of this id runs (ours or another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // it exists, but belongs to another user
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The command line of a process, where the system shows it (Linux's /proc), to name it in the message. */
function commandOf(pid: number): string | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
    return args.length > 0 ? args.join(' ') : undefined
  } catch {
    return undefined
  }
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim())
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** Takes `dataDir` for this process, or throws DataDirInUseError naming the process that has it. */
export function lockDataDir(dataDir: string, options: LockOptions): DataDirLock {
  const path = join(dataDir, options.file)
  const ours = `${path}.${process.pid}`
  writeFileSync(ours, `${process.pid}\n`, { mode: 0o644 })
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(ours, path)
        return {
          release: () => {
            if (readPid(path) === process.pid) unlinkSync(path)
          },
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      const pid = readPid(path)
      if (pid !== undefined && isAlive(pid)) {
        const command = pid === process.pid ? 'this very process' : commandOf(pid)
        throw new DataDirInUseError(
          `${dataDir} is in use by ${options.holder} with pid ${pid}${command ? ` (${command})` : ''}; ` +
            `stop it first (kill ${pid}, or Ctrl-C where it runs) or use another --data-dir. ` +
            `If that pid is not an lnsim process (reused after a reboot), delete ${path}.`,
          { dataDir, pid },
        )
      }
      // stale: the process that wrote it is gone (or it holds no pid at all)
      if (attempt > 0)
        throw new DataDirInUseError(`${dataDir} was taken by another process as this one started; try again`, {
          dataDir,
          pid: pid ?? 0,
        })
      try {
        unlinkSync(path)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
    }
  } finally {
    unlinkSync(ours)
  }
}
