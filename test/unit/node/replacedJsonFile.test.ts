/** The gossip graph's file: replaced whole, so it holds one version, never half of one. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ReplacedJsonFile } from '../../../src/node/store/replacedJsonFile.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function fileIn(): { file: ReplacedJsonFile; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lnsim-replaced-'))
  dirs.push(dir)
  return { file: new ReplacedJsonFile(join(dir, 'graph.json')), dir }
}

describe('a file replaced whole', () => {
  it('reads nothing before the first write, then the last value written, and leaves no temporary file', () => {
    const { file, dir } = fileIn()
    expect(file.read()).toBeUndefined()
    file.write({ channels: [1, 2] })
    file.write({ channels: [3] })
    expect(file.read()).toEqual({ channels: [3] })
    expect(readdirSync(dir)).toEqual(['graph.json'])
  })

  it('throws on a file that holds no JSON (the caller decides what to do without it)', () => {
    const { file } = fileIn()
    writeFileSync(file.path, '{"channels": [1, 2')
    expect(() => file.read()).toThrow(SyntaxError)
  })
})
