import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { combinedExitCode } from '../../../src/cli/commands/run.js'
import { parseDuration } from '../../../src/cli/duration.js'
import { scenarioFiles } from '../../../src/cli/scenarioFiles.js'

describe('--timeout durations', () => {
  it('read as people type them', () => {
    expect(parseDuration('90s', '--timeout')).toBe(90_000)
    expect(parseDuration('1h30m', '--timeout')).toBe(5_400_000)
    expect(parseDuration('500ms', '--timeout')).toBe(500)
    expect(parseDuration('2.5', '--timeout')).toBe(2_500)
  })
  it('refuse what is not one, or not a sensible one', () => {
    for (const bad of ['soon', '', '5x', '10s extra', '0s', '-5s', '48h'])
      expect(() => parseDuration(bad, '--timeout'), bad).toThrow(/--timeout must/)
  })
})

describe('one exit code for several scenarios', () => {
  it('is the worst of them, interrupted first', () => {
    expect(combinedExitCode([0, 0])).toBe(0)
    expect(combinedExitCode([0, 1])).toBe(1)
    expect(combinedExitCode([1, 2, 0])).toBe(2)
    expect(combinedExitCode([2, 130])).toBe(130)
  })
})

describe('scenario files on the command line', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lnsim-files-'))
    await mkdir(join(dir, 'sub'))
    for (const f of ['b.yaml', 'a.yaml', 'c.ts', 'types.d.ts', 'notes.md', 'sub/d.yaml'])
      await writeFile(join(dir, f), '')
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('takes a folder as its scenarios in name order, not below it', () => {
    expect(scenarioFiles([dir])).toEqual(['a.yaml', 'b.yaml', 'c.ts'].map((f) => join(dir, f)))
  })
  it('expands a pattern the shell left alone, and keeps each file once', () => {
    expect(scenarioFiles([join(dir, '*.yaml'), join(dir, 'a.yaml')])).toEqual(
      ['a.yaml', 'b.yaml'].map((f) => join(dir, f)),
    )
    expect(() => scenarioFiles([join(dir, '*.json')])).toThrow(/no file matches/)
  })
})
