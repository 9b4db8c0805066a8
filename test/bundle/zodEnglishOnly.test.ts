/**
 * The bundle keeps only zod's English locale (scripts/bundle.js): zod bundled
 * that way still speaks English, and carries none of the other languages.
 */
import { afterAll, expect, it } from 'vitest'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { zodEnglishOnly } from '../../scripts/bundle.js'

let dir: string | undefined
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

it('zod bundled with English only still explains failures in English', async () => {
  const root = join(import.meta.dirname, '..', '..')
  dir = await mkdtemp(join(root, 'dist', '.test-zod-'))
  const zod = zodEnglishOnly()
  const outfile = join(dir, 'zod.mjs')
  await build({
    stdin: { contents: "import { z } from 'zod'; export const locales = Object.keys(z.locales); export const message = z.string().safeParse(1).error.issues[0].message", resolveDir: root, loader: 'js' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    plugins: [zod.plugin],
    logLevel: 'error',
  })
  expect(zod.replaced()).toBeGreaterThan(0)
  const bundled = (await import(pathToFileURL(outfile).href)) as { locales: string[]; message: string }
  expect(bundled.locales).toEqual(['en'])
  expect(bundled.message).toBe('Invalid input: expected string, received number')
  expect(await readFile(outfile, 'utf8')).not.toMatch(/zod\/v4\/locales\/de\.js/)
})
