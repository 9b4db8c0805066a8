/**
 * node.log rotated by size: a flood of log lines leaves at most `files` files,
 * each about `maxBytes`, the newest lines in node.log and the oldest kept in
 * node.log.2, none torn or out of order.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/node/logger.js'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'lnsim-log-'))
  dirs.push(d)
  return d
}

async function lineNumbers(file: string): Promise<number[]> {
  const text = await readFile(file, 'utf8')
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { n: number }).n)
}

describe('node.log rotation', () => {
  it('keeps node.log, node.log.1 and node.log.2, each under the size, the lines in order across them', async () => {
    const dir = await tempDir()
    const file = join(dir, 'node.log')
    const log = createLogger({
      file,
      level: 'info',
      console: false,
      name: 'alice',
      rotation: { maxBytes: 4096, files: 3 },
    })
    for (let n = 0; n < 1000; n++) log.info('a line about a peer', { n })
    await log.close()
    expect((await readdir(dir)).sort()).toEqual(['node.log', 'node.log.1', 'node.log.2'])
    const files = [`${file}.2`, `${file}.1`, file]
    for (const f of files) expect((await readFile(f)).length).toBeLessThanOrEqual(4096)
    const kept = (await Promise.all(files.map(lineNumbers))).flat()
    // the newest lines, whole and in order, ending with the last one written
    expect(kept.at(-1)).toBe(999)
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 999 - kept.length + 1 + i))
    expect(kept.length).toBeGreaterThan(50)
  })

  it('counts what node.log already holds from an earlier run', async () => {
    const dir = await tempDir()
    const file = join(dir, 'node.log')
    await writeFile(file, 'x'.repeat(4000) + '\n')
    const log = createLogger({
      file,
      level: 'info',
      console: false,
      name: 'alice',
      rotation: { maxBytes: 4096, files: 2 },
    })
    log.info('after the restart', { n: 1 })
    await log.close()
    expect((await readFile(`${file}.1`, 'utf8')).startsWith('xxxx')).toBe(true)
    expect(await lineNumbers(file)).toEqual([1])
  })
})
