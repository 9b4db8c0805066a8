/**
 * One daemon per data directory (the chain daemon's and a node's): a lock
 * held by a live process is refused with its pid and command line, a lock
 * whose process is gone (or that holds no pid) is taken over, and releasing
 * removes only a lock this process holds.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DataDirInUseError, lockDataDir } from '../../../src/core/dataDirLock.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lnsim-lock-'))
  dirs.push(d)
  return d
}

const options = { file: 'test.lock', holder: 'a test daemon' }

describe('lockDataDir', () => {
  it('refuses a directory whose lock a live process holds, naming its pid and command', async () => {
    const d = dir()
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', 'holder-marker'], { stdio: 'ignore' })
    try {
      writeFileSync(join(d, 'test.lock'), `${holder.pid}\n`)
      let refused: unknown
      try {
        lockDataDir(d, options)
      } catch (err) {
        refused = err
      }
      expect(refused).toBeInstanceOf(DataDirInUseError)
      expect(refused).toMatchObject({ code: 'DATA_DIR_IN_USE', details: { dataDir: d, pid: holder.pid } })
      expect((refused as Error).message).toContain(`${d} is in use by a test daemon with pid ${holder.pid}`)
      expect((refused as Error).message).toContain('holder-marker')
      expect(readFileSync(join(d, 'test.lock'), 'utf8')).toBe(`${holder.pid}\n`)
    } finally {
      holder.kill('SIGKILL')
    }
  })

  it('takes over a lock whose process is gone, or that holds no pid, and leaves no temporary file', () => {
    const d = dir()
    const gone = spawnSync(process.execPath, ['-e', '0']).pid
    for (const stale of [`${gone}\n`, '', 'not a pid\n']) {
      writeFileSync(join(d, 'test.lock'), stale)
      const lock = lockDataDir(d, options)
      expect(readFileSync(join(d, 'test.lock'), 'utf8')).toBe(`${process.pid}\n`)
      expect(readdirSync(d)).toEqual(['test.lock'])
      lock.release()
      expect(existsSync(join(d, 'test.lock'))).toBe(false)
    }
  })

  it('refuses a second lock in the same process, and releases only its own', () => {
    const d = dir()
    const lock = lockDataDir(d, options)
    expect(() => lockDataDir(d, options)).toThrow(/in use by a test daemon with pid [0-9]+ \(this very process\)/)
    // someone else's lock file in its place is not removed
    writeFileSync(join(d, 'test.lock'), '1\n')
    lock.release()
    expect(readFileSync(join(d, 'test.lock'), 'utf8')).toBe('1\n')
  })
})
