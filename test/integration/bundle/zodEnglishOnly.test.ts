/**
 * The bundle keeps only zod's English locale (scripts/bundle.js): zod bundled
 * that way still speaks English, and carries none of the other languages.
 */
import { afterAll, expect, it } from 'vitest'
import { zodEnglishOnly } from '../../../scripts/bundle.js'
import { bundleForTest, removeTestBundles } from '../../helpers/bundle.js'

afterAll(removeTestBundles)

it('zod bundled with English only still explains failures in English', async () => {
  const zod = zodEnglishOnly()
  const { module: bundled, text } = await bundleForTest<{ locales: string[]; message: string }>(
    'zod',
    {
      contents:
        "import { z } from 'zod'; export const locales = Object.keys(z.locales); " +
        'export const message = z.string().safeParse(1).error.issues[0].message',
    },
    [zod.plugin],
  )
  expect(zod.replaced()).toBeGreaterThan(0)
  expect(bundled.locales).toEqual(['en'])
  expect(bundled.message).toBe('Invalid input: expected string, received number')
  expect(text).not.toMatch(/zod\/v4\/locales\/de\.js/)
})
