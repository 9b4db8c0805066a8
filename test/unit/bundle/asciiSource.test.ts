/**
 * The bundle every node and chain process starts from is plain ASCII: esbuild
 * escapes strings and names, and scripts/bundle.js rewrites what comments hold
 * beyond ASCII. V8 keeps a script's source in memory for as long as the process
 * lives, at one byte per character when every character is Latin-1 but two when
 * a single one is not: an ellipsis in a comment made the shared chunk's 2 MB a
 * 3.8 MB string in each of a network's processes.
 */
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { expect, it } from 'vitest'

const dist = join(import.meta.dirname, '..', '..', '..', 'dist')

/** dist/lnsim.mjs and every chunk it imports, statically or not */
async function bundleFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  const visit = async (path: string): Promise<void> => {
    if (files.has(path)) return
    const text = await readFile(path, 'utf8')
    files.set(path, text)
    for (const m of text.matchAll(/["'](\.\.?\/[^"']+\.mjs)["']/g)) await visit(join(dirname(path), m[1]!))
  }
  await visit(join(dist, 'lnsim.mjs'))
  return files
}

it('the bundle is plain ASCII, so V8 keeps its source at one byte per character', async () => {
  const files = await bundleFiles()
  expect(files.size).toBeGreaterThan(2)
  for (const [path, text] of files) {
    const at = text.search(/[^\x00-\x7f]/)
    expect(
      at === -1
        ? 'ascii'
        : `${path.slice(dist.length + 1)}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 10))}`,
    ).toBe('ascii')
  }
})

it('the bundle carries next to no indentation, which V8 would keep in every process as its source', async () => {
  for (const [path, text] of await bundleFiles()) {
    // template literals (zod's generated code, help texts) keep theirs; an indented bundle is a tenth indentation
    const indentation = text.split('\n').reduce((sum, line) => sum + (/^\s*/.exec(line)?.[0].length ?? 0), 0)
    expect({ path: path.slice(dist.length + 1), indented: indentation / text.length < 0.01 }).toEqual({
      path: path.slice(dist.length + 1),
      indented: true,
    })
  }
})
